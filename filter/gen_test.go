package filter_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/filter"
	"github.com/snare-pcap/snare/filter/internal/filtertest"
)

// exprGen generates random well-formed pcap-filter expressions for
// Ethernet: primitives with qualifiers, the protocol names, byte access
// with arithmetic, and and/or/not with parentheses and libpcap's shorthand.
// The same seed gives the same expressions.
type exprGen struct {
	r *rand.Rand
}

func newExprGen(seed int64) *exprGen { return &exprGen{r: rand.New(rand.NewSource(seed))} }

func (g *exprGen) pick(s ...string) string { return s[g.r.Intn(len(s))] }

func (g *exprGen) ip4() string {
	return g.pick("10.20.30.40", "192.168.1.2", "224.0.0.251", "255.255.255.255", "10.0.0.1", "127.0.0.1")
}

func (g *exprGen) ip6() string {
	return g.pick("fd00:a1b2:c3d4::1020:3040:5060:7080", "fe80::1", "ff02::1", "::1", "2001:db8::5")
}

func (g *exprGen) port() string {
	return g.pick("80", "443", "53", "22", "1234", "5353", "67", "http", "domain", "ssh", "4789", "6081", "0", "65535")
}

func (g *exprGen) dir() string { return g.pick("", "src ", "dst ", "src or dst ", "src and dst ") }

func (g *exprGen) num() string {
	return g.pick("0", "1", "2", "4", "5", "6", "14", "17", "20", "40", "64", "0x40", "0xf", "0xff", "0x800", "100", "255", "1500", "65535")
}

// arith is an arithmetic expression over packet bytes, len and constants.
func (g *exprGen) arith(depth int) string {
	if depth <= 0 || g.r.Intn(3) == 0 {
		switch g.r.Intn(4) {
		case 0:
			return "len"
		case 1:
			return g.num()
		default:
			proto := g.pick("ether", "ip", "ip6", "tcp", "udp", "icmp", "link", "arp", "vlan", "igmp")
			idx := g.num()
			if g.r.Intn(4) == 0 {
				idx = g.arith(depth - 1)
			}
			size := g.pick("", ":1", ":2", ":4")
			return fmt.Sprintf("%s[%s%s]", proto, idx, size)
		}
	}
	op := g.pick("+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>")
	r := g.arith(depth - 1)
	if op == "/" || op == "%" {
		r = g.pick("1", "2", "4", "7", "16")
	}
	if op == "<<" || op == ">>" {
		r = g.pick("1", "2", "4", "8")
	}
	e := g.arith(depth-1) + " " + op + " " + r
	if g.r.Intn(2) == 0 {
		e = "(" + e + ")"
	}
	return e
}

func (g *exprGen) primitive() string {
	switch g.r.Intn(20) {
	case 0:
		return g.pick("", "ip ", "arp ", "rarp ") + g.dir() + "host " + g.ip4()
	case 1:
		return g.pick("", "ip6 ") + g.dir() + "host " + g.ip6()
	case 2:
		return g.dir() + "net " + g.pick("10.0.0.0/8", "192.168.0.0/16", "10.20.30.0/24", "10.20.0.0 mask 255.255.0.0", "fe80::/10", "10", "192.168.1")
	case 3:
		return g.pick("", "tcp ", "udp ", "sctp ") + g.dir() + "port " + g.port()
	case 4:
		return g.pick("", "tcp ", "udp ") + g.dir() + "portrange " + g.pick("1-1023", "80-90", "5000-6000", "53-53")
	case 5:
		return g.pick("tcp", "udp", "icmp", "icmp6", "igmp", "ip", "ip6", "arp", "rarp", "sctp", "pim", "vrrp", "ah", "esp", "stp", "ipx", "decnet", "atalk", "aarp", "netbeui", "iso", "llc")
	case 6:
		return g.pick("ether", "") + g.pick(" ", " src ", " dst ") + g.pick("host ", "") + g.pick("00:11:22:33:44:55", "ff:ff:ff:ff:ff:ff", "02:66:77:88:99:aa", "01:00:5e:00:00:fb")
	case 7:
		return g.pick("ether broadcast", "ether multicast", "ip multicast", "ip6 multicast", "broadcast", "multicast")
	case 8:
		return g.pick("ip proto ", "ip6 proto ", "proto ", "ether proto ") + g.pick("6", "17", "1", "58", "\\tcp", "\\udp", "\\icmp", "0x800")
	case 9:
		return g.pick("vlan", "vlan 10", "vlan 20", "mpls", "mpls 10", "pppoes", "pppoes 1", "pppoed")
	case 10:
		return g.pick("less ", "greater ") + g.num()
	case 11, 12, 13:
		return g.arith(2) + " " + g.pick("=", "==", "!=", "<", "<=", ">", ">=") + " " + g.arith(1)
	case 14:
		return g.pick("tcp[tcpflags] & tcp-syn != 0", "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", "icmp[icmptype] == icmp-echo",
			"icmp[icmptype] != icmp-echoreply", "tcp[13] & 2 = 2", "ip[6:2] & 0x1fff = 0", "icmp6[icmp6type] == icmp6-echo")
	case 15:
		return g.pick("ip protochain 6", "ip6 protochain 17", "protochain 58")
	case 16:
		return g.pick("geneve", "vxlan", "geneve 10", "vxlan 10")
	case 17:
		return g.pick("llc", "llc i", "llc s", "llc u", "llc rr", "iso proto \\isis", "ether proto \\ip")
	case 18:
		// Shorthand: one qualifier over an or-list of values.
		return g.pick("host ", "port ", "tcp port ", "net ") + g.pick(g.ip4()+" or "+g.ip4(), g.port()+" or "+g.port(), "10.0.0.0/8 or 192.168.0.0/16")
	default:
		return g.pick("tcp", "udp", "icmp", "ip", "ip6", "arp") + " and " + g.pick("", "not ") + g.pick("port 80", "host 10.20.30.40", "net 192.168.0.0/16")
	}
}

// expr is a random expression of at most depth levels of and/or/not.
func (g *exprGen) expr(depth int) string {
	if depth <= 0 || g.r.Intn(3) == 0 {
		return g.primitive()
	}
	switch g.r.Intn(5) {
	case 0:
		return "not " + g.wrap(g.expr(depth-1))
	case 1, 2:
		return g.wrap(g.expr(depth-1)) + g.pick(" and ", " && ") + g.wrap(g.expr(depth-1))
	default:
		return g.wrap(g.expr(depth-1)) + g.pick(" or ", " || ") + g.wrap(g.expr(depth-1))
	}
}

func (g *exprGen) wrap(e string) string {
	if strings.ContainsAny(e, " ") && g.r.Intn(2) == 0 {
		return "(" + e + ")"
	}
	return e
}

func TestExprGenDeterministic(t *testing.T) {
	a, b := newExprGen(7), newExprGen(7)
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		x, y := a.expr(3), b.expr(3)
		if x != y {
			t.Fatalf("same seed gave %q and %q", x, y)
		}
		if x == "" {
			t.Fatal("empty expression")
		}
		seen[x] = true
	}
	if len(seen) < 150 {
		t.Errorf("only %d distinct expressions out of 200", len(seen))
	}
}

// TestOptimizeRandomEquivalent compiles random expressions with and
// without the optimizer and requires the same decision on every packet
// of a corpus built to reach both programs' branches, truncated packets
// included (no tcpdump needed).
func TestOptimizeRandomEquivalent(t *testing.T) {
	g := newExprGen(11)
	n := 400
	if testing.Short() {
		n = 100
	}
	compared := 0
	for i := 0; i < n; i++ {
		e := g.expr(3)
		op, err := filter.Compile(e, filter.Options{LinkType: 1, Optimize: true, Netmask: 0})
		if err != nil {
			continue // "expression rejects all packets", or a real refusal
		}
		un, err := filter.Compile(e, filter.Options{LinkType: 1, Netmask: 0})
		if err != nil {
			t.Fatalf("%q: optimized compiles, unoptimized: %v", e, err)
		}
		seeds := append(filtertest.Seeds("EN10MB"), filtertest.Mixed("EN10MB", 16, int64(i))...)
		corpus := filtertest.Corpus([]bpf.Program{op, un}, seeds, 100, int64(i))
		if un.Validate() == nil && op.Validate() != nil {
			t.Errorf("%q: the kernel would take the unoptimized program, not the optimized one: %v", e, op.Validate())
		}
		if j, _ := diffOn(un, op, corpus); j >= 0 {
			in := corpus[j]
			t.Errorf("%q: optimized %d, unoptimized %d on %x (wirelen %d)\n%s", e,
				filtertest.Run(op, &in), filtertest.Run(un, &in), in.Pkt, in.WireLen, op.Disassemble())
		}
		compared++
	}
	if compared < n/2 {
		t.Errorf("only %d of %d random expressions compiled", compared, n)
	}
}
