package filter

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/snare-pcap/snare/bpf"
)

// TestOptimizeEquivalent runs optimized and unoptimized programs over
// mutated and truncated packets and requires the same decision on each.
func TestOptimizeEquivalent(t *testing.T) {
	exprs := []string{
		"ip and tcp", "tcp port 80 or udp port 53", "host alpha and not port 22",
		"ip6 and (tcp or udp) and portrange 1000-2000", "arp or rarp or host beta",
		"not (ip and ip[0] & 0xf = 5) or tcp[13] & 2 != 0", "ether src gw and ip",
		"vlan and ip", "vlan 10 and tcp", "mpls and ip", "pppoes and ip6",
		"len > 60 and ip[2:2] > 40",
		"vxlan and ip", "geneve 5 and tcp port 80", "vxlan 7 or udp", "vlan and vxlan",
		"protochain 17", "ip6 protochain 6 or tcp",
	}
	rng := rand.New(rand.NewSource(1))
	base := [][]byte{
		append([]byte{0, 1, 2, 3, 4, 5, 0xaa, 0, 4, 0, 1, 8, 0x08, 0x00, 0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0,
			10, 1, 2, 3, 10, 0, 0, 2, 0, 22, 0, 80}, make([]byte, 30)...),
		append([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x86, 0xdd, 0x60, 0, 0, 0, 0, 20, 17, 64}, make([]byte, 60)...),
		append([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x81, 0x00, 0, 10, 0x08, 0x00, 0x45}, make([]byte, 50)...),
	}
	for _, e := range exprs {
		un, err := Compile(e, Options{LinkType: 1, Resolver: testResolver()})
		if err != nil {
			t.Fatalf("%q: %v", e, err)
		}
		op, err := Compile(e, Options{LinkType: 1, Optimize: true, Resolver: testResolver()})
		if err != nil {
			t.Fatalf("%q optimized: %v", e, err)
		}
		mu, err1 := bpf.NewMachine(un)
		mo, err2 := bpf.NewMachine(op)
		if err1 != nil || err2 != nil {
			t.Fatalf("%q: NewMachine: %v %v", e, err1, err2)
		}
		for i := 0; i < 3000; i++ {
			pkt := append([]byte(nil), base[rng.Intn(len(base))]...)
			for j := rng.Intn(6); j > 0; j-- {
				pkt[rng.Intn(len(pkt))] = byte(rng.Intn(256))
			}
			if rng.Intn(4) == 0 {
				pkt = pkt[:rng.Intn(len(pkt))]
			}
			if a, b := mu.Run(pkt, len(pkt)), mo.Run(pkt, len(pkt)); a != b {
				t.Fatalf("%q: unoptimized returns %d, optimized %d on % x\n%s\n---\n%s", e, a, b, pkt, un.Disassemble(), op.Disassemble())
			}
		}
	}
}

// TestOptimizeShrinks checks that the optimizer removes repeated tests.
func TestOptimizeShrinks(t *testing.T) {
	for _, e := range []string{"ip and ip and ip", "tcp port 80", "host alpha and host alpha"} {
		un, _ := Compile(e, Options{LinkType: 1, Resolver: testResolver()})
		op, _ := Compile(e, Options{LinkType: 1, Optimize: true, Resolver: testResolver()})
		if len(op) >= len(un) {
			t.Errorf("%q: optimized %d instructions, unoptimized %d", e, len(op), len(un))
		}
	}
	op, _ := Compile("ip and ip and ip", Options{LinkType: 1, Optimize: true})
	if len(op) != 4 {
		t.Errorf("'ip and ip and ip' optimized to %d instructions, want 4:\n%s", len(op), op.Disassemble())
	}
}

// TestOptimizeRejectsAll checks that, like libpcap's optimizer, the
// optimizer refuses a filter that can match nothing.
func TestOptimizeRejectsAll(t *testing.T) {
	for _, e := range []string{"ip and ip6", "ip and ip and ip6", "ip and not ip", "tcp and not tcp"} {
		if _, err := Compile(e, Options{LinkType: 1, Optimize: true}); err == nil || !strings.Contains(err.Error(), "expression rejects all packets") {
			t.Errorf("%q optimized: err = %v, want 'expression rejects all packets'", e, err)
		}
		if _, err := Compile(e, Options{LinkType: 1}); err != nil {
			t.Errorf("%q unoptimized: %v", e, err)
		}
	}
}

// TestOptimizeIndexLoadOnce checks that the IP header length is loaded
// into X once for the source and destination ports, as libpcap does, and
// that an X load after X changed stays.
func TestOptimizeIndexLoadOnce(t *testing.T) {
	for e, want := range map[string]int{
		"tcp port 25":                   1,
		"tcp src port 25 or dst port 7": 2, // the IPv6 test between them loads no X
		"tcp port 25 and tcp[13] = 2":   1,
		"udp portrange 1-9":             1,
	} {
		op, err := Compile(e, Options{LinkType: 1, Optimize: true})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ins := range op {
			if ins.Op == bpf.LDX|bpf.MSH|bpf.B {
				n++
			}
		}
		if n != want {
			t.Errorf("%q: %d ldxb 4*([14]&0xf), want %d:\n%s", e, n, want, op.Disassemble())
		}
	}
	// X is reloaded after "tax" changed it.
	op, _ := Compile("tcp[1] + tcp[3] = 80 and tcp port 80", Options{LinkType: 1, Optimize: true})
	un, _ := Compile("tcp[1] + tcp[3] = 80 and tcp port 80", Options{LinkType: 1})
	mu, _ := bpf.NewMachine(un)
	mo, _ := bpf.NewMachine(op)
	pkt := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, 0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0,
		10, 1, 2, 3, 10, 0, 0, 2, 0, 0, 0, 80, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if a, b := mu.Run(pkt, len(pkt)), mo.Run(pkt, len(pkt)); a != b || a == 0 {
		t.Errorf("unoptimized %d, optimized %d (want equal, nonzero)\n%s", a, b, op.Disassemble())
	}
}

// TestOptimizeLikeLibpcap compares optimized programs with the real
// libpcap's (tcpdump -d): constants folded through scratch memory,
// indexed loads from a constant made absolute, "and #k; jeq #0" made
// "jset", dead statements dropped.
func TestOptimizeLikeLibpcap(t *testing.T) {
	tcpdump := lookTcpdump(t)
	for _, e := range []string{
		"link[5] = 0x12",
		"len <= 200",
		"tcp[0xab] = 0xcd",
		"ip[0] & 0xf != 5",
		"ip[6:2] & 0x1fff = 0",
		"len - 14 > ip[2:2]",
		"tcp port 80",
		"udp portrange 1000-2000",
		"icmp[icmptype] = icmp-echo",
		"tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
		"ether[0] & 1 = 0 and ip[16] >= 224",
		"ip[2:2] - 20 > 100",
	} {
		theirs, msg := libpcapCompile(tcpdump, "EN10MB", e, true)
		if theirs == nil {
			t.Errorf("tcpdump -d %q: %s", e, msg)
			continue
		}
		ours, err := Compile(e, Options{LinkType: 1, Optimize: true, Netmask: 0})
		if err != nil {
			t.Errorf("%q: %v", e, err)
			continue
		}
		if !same(ours, theirs) {
			t.Errorf("%q:\n%s--- libpcap\n%s", e, ours.Disassemble(), theirs.Disassemble())
		}
	}
}

// TestOptimizeFoldErrors checks the refusals that constant folding
// uncovers, as libpcap's optimizer makes them.
func TestOptimizeFoldErrors(t *testing.T) {
	for e, want := range map[string]string{
		"ip[6:2] % (4 >> 8) > 1":    "modulus by zero",
		"ip[6:2] / (1 - 1) > 1":     "division by zero",
		"0 & (link[2:2] << 1) > 0":  "expression rejects all packets",
		"tcp and (len | 0) * 0 > 1": "expression rejects all packets",
	} {
		if _, err := Compile(e, Options{LinkType: 1}); err != nil {
			t.Errorf("%q unoptimized: %v", e, err)
		}
		if _, err := Compile(e, Options{LinkType: 1, Optimize: true}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q optimized: err = %v, want %q", e, err, want)
		}
	}
}
