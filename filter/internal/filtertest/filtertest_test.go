package filtertest

import (
	"strings"
	"testing"

	"github.com/snare-pcap/snare/bpf"
)

// TestExpectedOptMatchesUnopt is the harness checking itself: libpcap's
// optimized and unoptimized programs for the same block must decide the
// same on every generated packet, and the generated corpus must reach
// nearly every branch direction of them.
func TestExpectedOptMatchesUnopt(t *testing.T) {
	dir, err := SuiteDir()
	if err != nil {
		t.Skipf("libpcap filter suite not available: %v", err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var dirs, all, blocks int
	for _, a := range c.Accept {
		if !IsInScope(a.DLT) || a.Skip != "" || a.Name == "bpf_image" {
			continue
		}
		var progs []bpf.Program
		for _, text := range [][]string{a.Opt, a.Unopt} {
			if text == nil {
				continue
			}
			p, err := ParseDisasm(text)
			if err != nil {
				t.Fatalf("%s: %v", a.Name, err)
			}
			progs = append(progs, p)
		}
		blocks++
		corpus := Corpus(progs, Seeds(a.DLT), 300, 1)
		for _, p := range progs {
			cov := NewCoverage(p)
			for i := range corpus {
				cov.Add(p, &corpus[i])
			}
			_, _, d, n := cov.Counts(p)
			dirs, all = dirs+d, all+n
			if testing.Verbose() && d < n {
				t.Logf("%s: %d/%d directions, corpus %d", a.Name, d, n, len(corpus))
			}
		}
		if len(progs) == 2 {
			for i := range corpus {
				r0, oob0 := RunOOB(progs[0], &corpus[i])
				r1, oob1 := RunOOB(progs[1], &corpus[i])
				if r0 != r1 && !oob0 && !oob1 {
					t.Errorf("%s: opt %d, unopt %d on %x wirelen %d", a.Name, r0, r1, corpus[i].Pkt, corpus[i].WireLen)
					break
				}
			}
		}
	}
	t.Logf("%d blocks: %d/%d branch directions reached (%.1f%%)", blocks, dirs, all, 100*float64(dirs)/float64(all))
	if dirs*100 < all*90 {
		t.Errorf("corpus reaches only %d of %d branch directions", dirs, all)
	}
}

func TestParseDisasmErrors(t *testing.T) {
	for _, bad := range []string{
		"(000) ret", "(001) ret #1", "ret #1", "(000) frob #1", "(000) jeq #1 jt 0 jf 1",
		"(000) ld [x]", "(000) ldx [14]", "(000) jeq #0x1 jt 1",
	} {
		if bad == "(000) ret" {
			continue // valid: ret A
		}
		if _, err := ParseDisasm([]string{bad}); err == nil {
			t.Errorf("ParseDisasm(%q) succeeded", bad)
		}
	}
	p, err := ParseDisasm(strings.Split("(000) ldh      [type]\n(001) jeq      #0x4             jt 2\tjf 3\n(002) ret      #0\n(003) ret      #262144", "\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := bpf.Program{{Op: bpf.LD | bpf.H | bpf.ABS, K: AncK(bpf.AncPktType)}, {Op: bpf.JMP | bpf.JEQ, K: 4, Jt: 0, Jf: 1},
		{Op: bpf.RET, K: 0}, {Op: bpf.RET, K: 262144}}
	for i := range want {
		if p[i] != want[i] {
			t.Errorf("insn %d = %+v, want %+v", i, p[i], want[i])
		}
	}
	in := Input{Pkt: []byte{1}, WireLen: 1}
	in.Aux[bpf.AncPktType/4] = 4
	if r := Run(p, &in); r != 0 {
		t.Errorf("outbound packet accepted: %d", r)
	}
	in.Aux[bpf.AncPktType/4] = 0
	if r := Run(p, &in); r != 262144 {
		t.Errorf("inbound packet rejected: %d", r)
	}
}

func TestReadCaptures(t *testing.T) {
	dir, err := SuiteDir()
	if err != nil {
		t.Skipf("libpcap filter suite not available: %v", err)
	}
	for _, f := range []string{"pppoe.pcap", "rarp_req_reply.pcapng", "vxlan.pcap"} {
		c, err := ReadCapture(dir + "/captures/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Packets) == 0 || c.LinkType != 1 {
			t.Errorf("%s: %d packets, link type %d", f, len(c.Packets), c.LinkType)
		}
	}
	if _, err := ReadCapture(dir + "/cases.json"); err == nil {
		t.Error("cases.json read as a capture")
	}
}
