package bpf

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func loadApply(t *testing.T) []applyCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(t, "testdata", "libpcap-filter"), "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Apply []applyCase `json:"apply"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c.Apply
}

func mustMachine(t testing.TB, p Program) *Machine {
	t.Helper()
	m, err := NewMachine(p)
	if err != nil {
		t.Fatalf("NewMachine: %v\n%s", err, p.Disassemble())
	}
	return m
}

func TestMachineSemantics(t *testing.T) {
	pkt := []byte{0x00, 0x01, 0x02, 0x03, 0x45, 0x05, 0x06, 0x07, 0x08, 0x09}
	tests := []struct {
		name string
		prog string // tcpdump -d text
		pkt  []byte
		wire int
		want uint32
	}{
		{"ld word", "ld [0]\nret a", pkt, 10, 0x00010203},
		{"ld half at end", "ldh [8]\nret a", pkt, 10, 0x0809},
		{"ld half past end", "ldh [9]\nret a", pkt, 10, 0},
		{"ld byte past end", "ldb [10]\nret #1", pkt, 10, 0},
		{"ld word huge offset", "ld [-1]\nret #1", pkt, 10, 0},
		{"ld len is wire length", "ld #pktlen\nret a", pkt, 1500, 1500},
		{"ldx len", "ldx #pktlen\ntxa\nret a", pkt, 77, 77},
		{"msh", "ldxb 4*([4]&0xf)\ntxa\nret a", pkt, 10, 20},
		{"msh past end", "ldxb 4*([10]&0xf)\nret #1", pkt, 10, 0},
		{"ind", "ldx #4\nldh [x + 2]\nret a", pkt, 10, 0x0607},
		{"ind fused", "ldx #4\nldh [x + 2]\njeq #0x607 jt 3 jf 4\nret #1\nret #2", pkt, 10, 1},
		{"ind fused past end", "ldx #8\nldh [x + 1]\njeq #0x607 jt 3 jf 4\nret #1\nret #2", pkt, 10, 0},
		{"ind overflow", "ldx #0xffffffff\nldb [x + 2]\nret #1", pkt, 10, 0},
		{"ind word past end", "ldx #6\nld [x + 1]\nret #1", pkt, 10, 0},
		{"ind word at end", "ldx #6\nld [x + 0]\nret a", pkt, 10, 0x06070809},
		{"div by zero x", "ld #10\nldx #0\ndiv x\nret #5", pkt, 10, 0},
		{"mod by zero x", "ld #10\nldx #0\nmod x\nret #5", pkt, 10, 0},
		{"div", "ld #100\ndiv #7\nret a", pkt, 10, 14},
		{"mod", "ld #100\nmod #7\nret a", pkt, 10, 2},
		{"lsh x 32 is 0", "ld #1\nldx #32\nlsh x\nret a", pkt, 10, 0},
		{"rsh x 40 is 0", "ld #0xffffffff\nldx #40\nrsh x\nret a", pkt, 10, 0},
		{"lsh k", "ld #1\nlsh #31\nret a", pkt, 10, 0x80000000},
		{"neg", "ld #1\nneg\nret a", pkt, 10, 0xffffffff},
		{"sub wraps", "ld #1\nsub #2\nret a", pkt, 10, 0xffffffff},
		{"mul wraps", "ld #0x10000\nmul #0x10000\nret a", pkt, 10, 0},
		{"and or xor", "ld #0xf0\nand #0x3c\nor #0x1\nxor #0xff\nret a", pkt, 10, 0xce},
		{"x ops", "ld #12\nldx #5\nadd x\nsub x\nmul x\nand x\nor x\nxor x\nret a", pkt, 10, ((12*5)&5 | 5) ^ 5},
		{"mem", "ld #7\nst M[3]\nldx M[3]\nld #0\ntxa\nret a", pkt, 10, 7},
		{"stx", "ldx #9\nstx M[15]\nld M[15]\nret a", pkt, 10, 9},
		{"mem starts zeroed", "ld M[9]\nret a", pkt, 10, 0},
		{"jeq", "ldb [1]\njeq #1 jt 2 jf 3\nret #10\nret #20", pkt, 10, 10},
		{"jgt", "ldb [1]\njgt #1 jt 2 jf 3\nret #10\nret #20", pkt, 10, 20},
		{"jge", "ldb [1]\njge #1 jt 2 jf 3\nret #10\nret #20", pkt, 10, 10},
		{"jset", "ldb [4]\njset #0x2 jt 2 jf 3\nret #10\nret #20", pkt, 10, 20},
		{"jeq word", "ld [0]\njeq #0x10203 jt 2 jf 3\nret #10\nret #20", pkt, 10, 10},
		{"jgt half", "ldh [0]\njgt #0 jt 2 jf 3\nret #10\nret #20", pkt, 10, 10},
		{"jeq x", "ldx #3\nldb [3]\njeq x jt 3 jf 4\nret #10\nret #20", pkt, 10, 10},
		{"jgt x", "ldx #3\nldb [3]\njgt x jt 3 jf 4\nret #10\nret #20", pkt, 10, 20},
		{"jge x", "ldx #3\nldb [3]\njge x jt 3 jf 4\nret #10\nret #20", pkt, 10, 10},
		{"jset x", "ldx #4\nldb [3]\njset x jt 3 jf 4\nret #10\nret #20", pkt, 10, 20},
		{"jump into fused pair", "ld #2\nja 3\nldb [2]\njeq #2 jt 4 jf 5\nret #10\nret #20", pkt, 10, 10},
		{"fused load fails", "ldh [9]\njeq #2 jt 2 jf 3\nret #10\nret #20", pkt, 10, 0},
		{"ja", "ja 2\nret #1\nret #2", pkt, 10, 2},
		{"ret k", "ret #262144", nil, 0, 262144},
		{"empty packet", "ldb [0]\nret #1", []byte{}, 0, 0},
		{"ancillary without aux", "ld [proto]\nret a", pkt, 10, 0},
		{"backward ja loop is bounded", "ld #0\nadd #1\nja 1\nret a", pkt, 10, 0},
		{"backward ja", "ldx #0\nja 4\ntxa\nret a\nldx #9\nja 2\nret #0", pkt, 10, 9},
	}
	for _, tt := range tests {
		p, err := ParseDisassembly(tt.prog)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		m := mustMachine(t, p)
		if got := m.Run(tt.pkt, tt.wire); got != tt.want {
			t.Errorf("%s: got %d (%#x), want %d (%#x)", tt.name, got, got, tt.want, tt.want)
		}
	}
}

func TestMachineAux(t *testing.T) {
	aux := &Aux{Protocol: 0x86dd, PktType: 4, IfIndex: 7, VLANTCI: 0x2064, VLANPresent: true,
		VLANTPID: 0x88a8, Mark: 11, Hash: 12, Queue: 13, HaType: 1, CPU: 3, PayOffset: 54,
		Random: func() uint32 { return 99 }}
	pkt := make([]byte, 64)
	tests := []struct {
		prog string
		want uint32
	}{
		{"ld [proto]\nret a", 0x86dd},
		{"ldh [proto]\nret a", 0x86dd},
		{"ldb [type]\nret a", 4},
		{"ld [ifidx]\nret a", 7},
		{"ldb [vlan_tci]\nret a", 0x2064},
		{"ldb [vlanp]\nret a", 1},
		{"ld [vlan_tpid]\nret a", 0x88a8},
		{"ld [mark]\nret a", 11},
		{"ld [rxhash]\nret a", 12},
		{"ld [queue]\nret a", 13},
		{"ld [hatype]\nret a", 1},
		{"ld [cpu]\nret a", 3},
		{"ld [poff]\nret a", 54},
		{"ld [random]\nret a", 99},
		{"ld #0xf0\nldx #0x0f\nld [xor_x]\nret a", 0xff},
		{"ld [-4095]\nret #1", 0}, // not a known ancillary offset: an ordinary out-of-range load
	}
	for _, tt := range tests {
		p, err := ParseDisassembly(tt.prog)
		if err != nil {
			t.Fatal(err)
		}
		m := mustMachine(t, p)
		if got := m.RunAux(pkt, len(pkt), aux); got != tt.want {
			t.Errorf("%q: got %#x, want %#x", tt.prog, got, tt.want)
		}
		if got := m.Run(pkt, len(pkt)); got != 0 {
			t.Errorf("%q without aux: got %#x, want 0", tt.prog, got)
		}
	}
	if got := mustMachine(t, Program{{Op: LD | B | ABS, K: ancBase + AncVlanTagPresent}, {Op: RET | A}}).RunAux(pkt, 64, &Aux{}); got != 0 {
		t.Errorf("vlanp without a tag: got %d", got)
	}
	// Without a Random function, values come from math/rand.
	m := mustMachine(t, Program{{Op: LD | W | ABS, K: ancBase + AncRandom}, {Op: RET | A}})
	seen := map[uint32]bool{}
	for range 8 {
		seen[m.RunAux(pkt, 64, &Aux{})] = true
	}
	if len(seen) < 2 {
		t.Errorf("SKF_AD_RANDOM gave the same value 8 times")
	}
}

func TestMachineNetlinkAttrs(t *testing.T) {
	// Attributes from offset 4: type 1 (len 8) at 4; type 2 (len 12,
	// NLA_F_NESTED, holding type 5 len 8 at 16) at 12.
	pkt := []byte{
		0, 0, 0, 0,
		8, 0, 1, 0, 0xaa, 0xbb, 0xcc, 0xdd,
		12, 0, 2, 0x80, 8, 0, 5, 0, 1, 2, 3, 4,
	}
	run := func(prog string, a uint32, x uint32) uint32 {
		p, err := ParseDisassembly(fmt.Sprintf("ld #%d\nldx #%d\n%s\nret a", a, x, prog))
		if err != nil {
			t.Fatal(err)
		}
		return mustMachine(t, p).RunAux(pkt, len(pkt), &Aux{})
	}
	for _, c := range []struct {
		prog string
		a, x uint32
		want uint32
	}{
		{"ld [nla]", 4, 2, 12},
		{"ld [nla]", 4, 1, 4},
		{"ld [nla]", 4, 3, 0},
		{"ld [nla]", 22, 1, 0},
		{"ld [nla]", 0xffffffff, 1, 0},
		{"ld [nlan]", 12, 5, 16},
		{"ld [nlan]", 12, 6, 0},
		{"ld [nlan]", 4, 1, 0},
		{"ld [nlan]", 0xfffffff0, 1, 0},
	} {
		if got := run(c.prog, c.a, c.x); got != c.want {
			t.Errorf("%s A=%d X=%d: got %d, want %d", c.prog, c.a, c.x, got, c.want)
		}
	}
}

func TestMachineNoAllocs(t *testing.T) {
	p, err := ParseDecimal(tcpPort80)
	if err != nil {
		t.Fatal(err)
	}
	m := mustMachine(t, p)
	pkt := make([]byte, 60)
	pkt[12], pkt[13], pkt[23] = 0x08, 0x00, 6
	pkt[14] = 0x45
	pkt[36], pkt[37] = 0, 80
	if m.Run(pkt, 60) == 0 {
		t.Fatal("tcp port 80 program rejects a TCP port 80 packet")
	}
	pkt[37] = 81
	if m.Run(pkt, 60) != 0 {
		t.Fatal("tcp port 80 program accepts a TCP port 81 packet")
	}
	aux := &Aux{}
	if a := testing.AllocsPerRun(100, func() { m.Run(pkt, 60); m.RunAux(pkt, 60, aux) }); a != 0 {
		t.Errorf("%v allocations per run", a)
	}
}

// tcpPort80 is tcpdump -ddd -y EN10MB 'tcp port 80'.
const tcpPort80 = `20
40 0 0 12
21 0 6 34525
48 0 0 20
21 0 15 6
40 0 0 54
21 12 0 80
40 0 0 56
21 10 11 80
21 0 10 2048
48 0 0 23
21 0 8 6
40 0 0 20
69 6 0 8191
177 0 0 14
72 0 0 14
21 2 0 80
72 0 0 16
21 0 1 80
6 0 0 262144
6 0 0 0
`

// TestMachineConcurrent runs one machine from several goroutines (run
// with -race to check it holds no per-packet state).
func TestMachineConcurrent(t *testing.T) {
	p, _ := ParseDecimal(tcpPort80)
	m := mustMachine(t, p)
	r := rand.New(rand.NewPCG(3, 4))
	pkts := randomPackets(r, 64)
	want := make([]uint32, len(pkts))
	for i, pk := range pkts {
		want[i] = m.Run(pk.data, pk.wireLen)
	}
	done := make(chan error)
	for range 4 {
		go func() {
			for range 50 {
				for i, pk := range pkts {
					if got := m.Run(pk.data, pk.wireLen); got != want[i] {
						done <- fmt.Errorf("packet %d: got %d, want %d", i, got, want[i])
						return
					}
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
