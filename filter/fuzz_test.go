package filter_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/filter"
	"github.com/snare-pcap/snare/filter/internal/filtertest"
	"github.com/snare-pcap/snare/link"
)

// fuzzLinkTypes are the link types FuzzCompile compiles for.
var fuzzLinkTypes = []string{"EN10MB", "RAW", "LINUX_SLL", "NULL", "PPP", "IPV6"}

// FuzzCompile feeds any string to the compiler: it must not panic or hang,
// and must return either an error that names the expression and a column,
// or a program that libpcap's userland validator would accept and that
// runs on a packet.
func FuzzCompile(f *testing.F) {
	if cases, _, err := loadSuiteQuiet(); err == nil {
		// A sample of the suite: every 7th accept alias, every 40th reject.
		n := 0
		for _, c := range cases.Accept {
			for _, a := range c.Aliases {
				if n++; n%7 == 0 {
					f.Add(a, uint8(n))
				}
			}
		}
		for i, c := range cases.Reject {
			if i%40 == 0 && c.Expr != nil {
				f.Add(*c.Expr, uint8(i))
			}
		}
	}
	for _, s := range []string{"", "tcp port 80", "ip[2:2] > 576 and not host 10.0.0.1", "((((", "ether[", "vlan 1 and vlan 2 and mpls",
		"host a or b", "port 80 or 443", "ip6 protochain 6", "ip[0] & 0xf != 5", "len / 0 > 1", "tcp[-1]", "\x00", "\\",
		"ether host 01:02:03:04:05:06 && not (udp || icmp)", "10.1.2.3/33", "net 1.2.3.4 mask 255.0.255.0", "portrange 90-80"} {
		f.Add(s, uint8(len(s)))
	}
	pkt := filtertest.Seeds("EN10MB")[0]
	f.Fuzz(func(t *testing.T, expr string, sel uint8) {
		if len(expr) > 4096 {
			return
		}
		lt, err := filtertest.DLT(fuzzLinkTypes[int(sel)%len(fuzzLinkTypes)])
		if err != nil {
			t.Fatal(err)
		}
		opts := filter.Options{LinkType: lt, Optimize: sel&0x80 != 0, LinuxSocket: sel&0x40 != 0 && lt == link.Type(1)}
		p, err := filter.Compile(expr, opts)
		if err != nil {
			var ce *filter.Error
			if !asFilterError(err, &ce) {
				t.Fatalf("Compile(%q): error %v is not a *filter.Error", expr, err)
			}
			if ce.Column < 0 || ce.Column > len(expr)+1 {
				t.Fatalf("Compile(%q): column %d outside the expression: %v", expr, ce.Column, err)
			}
			return
		}
		if err := p.ValidateUserland(); err != nil {
			t.Fatalf("Compile(%q, %+v): program does not validate: %v\n%s", expr, opts, err, p.Disassemble())
		}
		m, err := bpf.NewMachine(p)
		if err != nil {
			t.Fatalf("Compile(%q): NewMachine: %v", expr, err)
		}
		m.Run(pkt.Pkt, int(pkt.WireLen))
		if !opts.Optimize {
			return
		}
		// The optimizer keeps every decision, truncated packets included.
		opts.Optimize = false
		un, err := filter.Compile(expr, opts)
		if err != nil {
			t.Fatalf("Compile(%q) optimized, but unoptimized: %v", expr, err)
		}
		corpus := filtertest.Corpus([]bpf.Program{p, un}, filtertest.Seeds(fuzzLinkTypes[int(sel)%len(fuzzLinkTypes)]), 40, int64(sel))
		if i, _ := diffOn(un, p, corpus); i >= 0 {
			in := corpus[i]
			t.Fatalf("Compile(%q, %+v): optimized %d, unoptimized %d on %x\n%s---\n%s", expr, opts,
				filtertest.Run(p, &in), filtertest.Run(un, &in), in.Pkt, p.Disassemble(), un.Disassemble())
		}
	})
}

func asFilterError(err error, ce **filter.Error) bool {
	e, ok := err.(*filter.Error)
	if ok {
		*ce = e
	}
	return ok
}

// FuzzMachineMatchesReference decodes random bytes into a program; when
// the kernel validator accepts it, package bpf's machine must give the
// same result as the harness's reference interpreter on a packet also
// taken from the input. (Package bpf's own tests cover the machine alone;
// this target checks it against an independent implementation.)
func FuzzMachineMatchesReference(f *testing.F) {
	f.Add([]byte{0x28, 0, 0, 0, 0, 0, 0, 12, 0x15, 0, 0, 1, 0, 0, 8, 0, 0x06, 0, 0, 0, 0, 0, 0xff, 0xff, 0x06, 0, 0, 0, 0, 0, 0, 0}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 8, 0}, uint16(14))
	f.Add([]byte{0xb1, 0, 0, 0, 0, 0, 0, 0, 0x50, 0, 0, 0, 0, 0, 0, 1, 0x16, 0, 0, 0, 0, 0, 0, 0}, []byte{0x45, 0, 0, 0, 0x11}, uint16(60))
	f.Add([]byte{0x20, 0, 0, 0, 0xff, 0xff, 0xf0, 0x04, 0x16, 0, 0, 0, 0, 0, 0, 0}, []byte{1}, uint16(1))
	f.Fuzz(func(t *testing.T, code, pkt []byte, wire uint16) {
		if len(code) > 8*64 {
			return
		}
		var p bpf.Program
		for i := 0; i+8 <= len(code); i += 8 {
			p = append(p, bpf.Instruction{Op: binary.BigEndian.Uint16(code[i:]), Jt: code[i+2], Jf: code[i+3], K: binary.BigEndian.Uint32(code[i+4:])})
		}
		if p.Validate() != nil {
			return
		}
		if strings.Contains(p.Disassemble(), "rand") || strings.Contains(p.Disassemble(), "nla") || strings.Contains(p.Disassemble(), "poff") {
			return // values the reference does not model
		}
		m, err := bpf.NewMachine(p)
		if err != nil {
			t.Fatalf("Validate accepts but NewMachine refuses: %v\n%s", err, p.Disassemble())
		}
		in := filtertest.Input{Pkt: pkt, WireLen: uint32(wire)}
		if in.WireLen < uint32(len(pkt)) {
			in.WireLen = uint32(len(pkt))
		}
		in.Aux[bpf.AncPktType/4] = uint32(wire & 7)
		in.Aux[bpf.AncVlanTag/4] = uint32(wire)
		in.Aux[bpf.AncVlanTagPresent/4] = uint32(wire & 1)
		in.Aux[bpf.AncProtocol/4] = 0x0800
		want := filtertest.Run(p, &in)
		if got := m.RunAux(in.Pkt, int(in.WireLen), toAux(&in.Aux)); got != want {
			t.Fatalf("machine %d, reference %d on %x (wirelen %d)\n%s", got, want, pkt, in.WireLen, p.Disassemble())
		}
	})
}
