package bpf

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	bpfrunOnce sync.Once
	bpfrunDir  string
	bpfrunPath string
	bpfrunErr  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if bpfrunDir != "" {
		os.RemoveAll(bpfrunDir)
	}
	os.Exit(code)
}

// bpfrun builds testdata/bpfrun.c, the libpcap reference runner, or skips.
func bpfrun(t *testing.T) string {
	t.Helper()
	bpfrunOnce.Do(func() {
		if _, err := exec.LookPath("gcc"); err != nil {
			bpfrunErr = "gcc not installed"
			return
		}
		if _, err := os.Stat("/usr/include/pcap/pcap.h"); err != nil {
			bpfrunErr = "libpcap headers (libpcap-dev) not installed"
			return
		}
		dir, err := os.MkdirTemp("", "bpfrun")
		if err != nil {
			bpfrunErr = err.Error()
			return
		}
		bpfrunDir = dir
		out := filepath.Join(dir, "bpfrun")
		if b, err := exec.Command("gcc", "-O2", "-o", out, "testdata/bpfrun.c", "-lpcap").CombinedOutput(); err != nil {
			bpfrunErr = "building bpfrun: " + err.Error() + ": " + string(b)
			return
		}
		bpfrunPath = out
	})
	if bpfrunPath == "" {
		t.Skip("libpcap reference runner unavailable: " + bpfrunErr)
	}
	return bpfrunPath
}

// libpcapResults runs p over the capture with libpcap's bpf_filter.
func libpcapResults(t *testing.T, p Program, pcap string) []uint32 {
	t.Helper()
	prog := filepath.Join(t.TempDir(), "prog.ddd")
	if err := os.WriteFile(prog, []byte(p.FormatDecimal()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bpfrun(t), prog, pcap).Output()
	if err != nil {
		t.Fatalf("bpfrun: %v", err)
	}
	var r []uint32
	for _, f := range strings.Fields(string(out)) {
		v, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			t.Fatalf("bpfrun output %q: %v", f, err)
		}
		r = append(r, uint32(v))
	}
	return r
}

// writePcap writes packets as a classic little-endian pcap file.
func writePcap(t *testing.T, path string, pkts []testPacket) {
	t.Helper()
	var b bytes.Buffer
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr, 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b.Write(hdr)
	for _, p := range pkts {
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(p.data)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(p.wireLen))
		b.Write(rec)
		b.Write(p.data)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMachineMatchesLibpcapOnApplyCases compiles the expressions of
// libpcap's "apply" test cases with the installed tcpdump, runs them over
// their captures with our machine and with libpcap's bpf_filter, and
// requires the same return value on every packet.
func TestMachineMatchesLibpcapOnApplyCases(t *testing.T) {
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump not installed")
	}
	bpfrun(t)
	c := loadApply(t)
	ran, agreeExpected, packets := 0, 0, 0
	for _, a := range c {
		file := filepath.Join(sharedDir(t, "testdata", "libpcap-filter", "captures"), a.Savefile)
		pkts, _, err := readPcap(file)
		if err != nil {
			continue // pcapng: our tiny reader reads classic pcap only
		}
		out, err := exec.Command("tcpdump", "-r", file, "-ddd", "--", a.Expr).Output()
		if err != nil {
			continue // libpcap 1.10 does not know the expression, or it needs a netmask
		}
		p, err := ParseDecimal(string(out))
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		m, err := NewMachine(p)
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		want := libpcapResults(t, p, file)
		if len(want) != len(pkts) {
			t.Fatalf("%s: libpcap gave %d results for %d packets", a.Name, len(want), len(pkts))
		}
		same := true
		for i, pk := range pkts {
			got := m.Run(pk.data, pk.wireLen)
			if got != want[i] {
				t.Errorf("%s (%q on %s) packet %d: machine %d, libpcap %d", a.Name, a.Expr, a.Savefile, i+1, got, want[i])
			}
			if (got != 0) != (a.Results[i] != 0) {
				same = false
			}
			packets++
		}
		if same {
			agreeExpected++
		}
		ran++
	}
	t.Logf("%d cases (%d packets) agree with libpcap 1.10's bpf_filter; %d of them also give libpcap 1.11's expected decisions", ran, packets, agreeExpected)
	if ran < 100 {
		t.Errorf("only %d apply cases ran", ran)
	}
}

type applyCase struct {
	Name     string   `json:"name"`
	Savefile string   `json:"savefile"`
	Expr     string   `json:"expr"`
	Results  []uint32 `json:"results"`
}

// randomProgram builds a random program that ValidateUserland accepts
// and that has no backward jumps (libpcap 1.10 loops on some of those).
func randomProgram(r *rand.Rand) Program {
	ops := []uint16{
		LD | W | ABS, LD | H | ABS, LD | B | ABS, LD | W | LEN, LDX | W | LEN,
		LD | W | IND, LD | H | IND, LD | B | IND, LDX | MSH | B, LD | IMM, LDX | IMM,
		LD | MEM, LDX | MEM, ST, STX, JMP | JA,
		JMP | JGT | K, JMP | JGE | K, JMP | JEQ | K, JMP | JSET | K,
		JMP | JGT | X, JMP | JGE | X, JMP | JEQ | X, JMP | JSET | X,
		ALU | ADD | X, ALU | SUB | X, ALU | MUL | X, ALU | DIV | X, ALU | MOD | X,
		ALU | AND | X, ALU | OR | X, ALU | XOR | X, ALU | LSH | X, ALU | RSH | X,
		ALU | ADD | K, ALU | SUB | K, ALU | MUL | K, ALU | DIV | K, ALU | MOD | K,
		ALU | AND | K, ALU | OR | K, ALU | XOR | K, ALU | LSH | K, ALU | RSH | K,
		ALU | NEG, MISC | TAX, MISC | TXA, RET | A, RET | K,
	}
	n := 2 + r.IntN(40)
	p := make(Program, n)
	for i := range p {
		op := ops[r.IntN(len(ops))]
		in := Instruction{Op: op}
		switch r.IntN(4) {
		case 0:
			in.K = r.Uint32()
		case 1:
			in.K = uint32(r.IntN(80))
		case 2:
			in.K = uint32(r.IntN(4)) << (8 * r.IntN(4))
		default:
			in.K = [...]uint32{0, 1, 2, 31, 32, 0xffffffff, 0xfffffffe, 0x80000000, 12, 14, 23}[r.IntN(11)]
		}
		rest := n - i - 1
		switch {
		case op == LD|MEM || op == LDX|MEM || op == ST || op == STX:
			in.K %= MemWords
		case op == ALU|DIV|K || op == ALU|MOD|K:
			if in.K == 0 {
				in.K = 3
			}
		case op == ALU|LSH|K || op == ALU|RSH|K:
			in.K %= 32
		case op == JMP|JA:
			if rest == 0 {
				in = Instruction{Op: RET | A}
			} else {
				in.K = uint32(r.IntN(min(rest, 8)))
			}
		case op&7 == JMP:
			if rest == 0 {
				in = Instruction{Op: RET | K, K: in.K}
			} else {
				in.Jt = uint8(r.IntN(min(rest, 256)))
				in.Jf = uint8(r.IntN(min(rest, 256)))
			}
		}
		p[i] = in
	}
	p[n-1] = Instruction{Op: RET | A}
	if r.IntN(2) == 0 {
		p[n-1] = Instruction{Op: RET | K, K: r.Uint32()}
	}
	if checkMemInit(p) != nil {
		// libpcap 1.10 leaves scratch memory uninitialized: write every
		// cell first so both machines start from the same state.
		pre := Program{{Op: LD | IMM, K: r.Uint32()}}
		for k := range uint32(MemWords) {
			pre = append(pre, Instruction{Op: ST, K: k})
		}
		p = append(pre, p...)
	}
	return p
}

func randomPackets(r *rand.Rand, n int) []testPacket {
	pkts := make([]testPacket, n)
	for i := range pkts {
		l := r.IntN(100)
		d := make([]byte, l)
		for j := range d {
			d[j] = byte(r.IntN(256))
			if r.IntN(3) == 0 {
				d[j] = byte(r.IntN(4))
			}
		}
		pkts[i] = testPacket{data: d, wireLen: l + r.IntN(3)*r.IntN(2000)}
	}
	return pkts
}

// TestMachineMatchesLibpcapRandom runs random programs over random
// packets with our machine and libpcap's bpf_filter.
func TestMachineMatchesLibpcapRandom(t *testing.T) {
	bpfrun(t)
	r := rand.New(rand.NewPCG(1, 2))
	pkts := randomPackets(r, 200)
	pcap := filepath.Join(t.TempDir(), "random.pcap")
	writePcap(t, pcap, pkts)
	programs := 150
	if testing.Short() {
		programs = 20
	}
	for range programs {
		p := randomProgram(r)
		m, err := NewMachine(p)
		if err != nil {
			t.Fatalf("random program rejected: %v\n%s", err, p.Disassemble())
		}
		want := libpcapResults(t, p, pcap)
		for i, pk := range pkts {
			if got := m.Run(pk.data, pk.wireLen); got != want[i] {
				t.Fatalf("packet %d (% x, wire %d): machine %d, libpcap %d\n%s", i, pk.data, pk.wireLen, got, want[i], p.Disassemble())
			}
		}
	}
}
