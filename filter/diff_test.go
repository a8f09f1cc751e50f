package filter_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/filter"
	"github.com/snare-pcap/snare/filter/internal/filtertest"
	"github.com/snare-pcap/snare/link"
)

// Differential test against the real libpcap: the same expression is
// compiled by tcpdump (-ddd, Ethernet) and by us, and both programs must
// decide the same on every packet of a corpus generated to reach the
// branches of both. The run is bounded: by default 200 expressions from
// the libpcap suite and 150 random ones; -filter.diffn=N (or
// SNARE_FILTER_DIFFN=N) takes up to N of each.
//
// The counts are compared with floors in testdata/cases_floor.json, as in
// TestLibpcapSuite. tcpdump here runs Debian's libpcap 1.10.3 while snare
// follows libpcap master, so some differences are expected and classified
// (see versionDiffers, newerSyntax, oldArithBug): lowering a diff floor is
// right when the failures it lists are such version differences (for
// example master's "expression rejects all packets" for contradictions
// that 1.10.3 cannot see through).

var diffN = flag.Int("filter.diffn", 0, "expressions from the suite and from the generator for TestDiffTcpdump (0: 200 and 150)")

func diffCounts() (suite, random int) {
	n := *diffN
	if n == 0 {
		if v, err := strconv.Atoi(os.Getenv("SNARE_FILTER_DIFFN")); err == nil {
			n = v
		}
	}
	if n > 0 {
		return n, n
	}
	return 200, 150
}

// tcpdumpProgram compiles expr with tcpdump -ddd for Ethernet.
func tcpdumpProgram(tcpdump, expr string, optimize bool) (bpf.Program, string, error) {
	args := []string{"-ddd", "-y", "EN10MB"}
	if !optimize {
		args = append(args, "-O")
	}
	cmd := exec.Command(tcpdump, append(args, "--", expr)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, strings.TrimSpace(stderr.String()), err
	}
	p, err := filtertest.ParseDecimal(string(out))
	if err != nil {
		return nil, "", fmt.Errorf("tcpdump -ddd output: %v", err)
	}
	return p, "", nil
}

// diffOutcome is what comparing one expression gave.
type diffOutcome struct {
	expr       string
	theirErr   string
	ourErr     error
	mismatch   string // non-empty: the programs decide differently
	truncOnly  bool   // ... only on packets with a load past the captured bytes
	libpcapOpt bool   // ... and libpcap's unoptimized program (tcpdump -O) agrees with ours
	compared   int    // packets compared
	bothAccept bool
	selfDiff   string // non-empty: our optimized and unoptimized programs differ
}

// diffOne compiles expr both ways and compares the decisions.
func diffOne(tcpdump, expr string, seed int64) diffOutcome {
	o := diffOutcome{expr: expr}
	theirs, msg, err := tcpdumpProgram(tcpdump, expr, true)
	if err != nil {
		o.theirErr = msg
		if o.theirErr == "" {
			o.theirErr = err.Error()
		}
	}
	// tcpdump compiles with netmask 0 when it has no device.
	ours, err := compileSafe(expr, filter.Options{LinkType: link.Type(1), Optimize: true, Netmask: 0})
	o.ourErr = err
	if theirs == nil || ours == nil {
		return o
	}
	o.bothAccept = true
	seeds := append(filtertest.Seeds("EN10MB"), filtertest.Mixed("EN10MB", 64, seed)...)
	progs := []bpf.Program{theirs, ours}
	oursUnopt, err := compileSafe(expr, filter.Options{LinkType: link.Type(1), Netmask: 0})
	if err == nil {
		progs = append(progs, oursUnopt)
	}
	corpus := filtertest.Corpus(progs, seeds, 200, seed)
	o.compared = len(corpus)
	if oursUnopt != nil {
		if i, _ := diffOn(oursUnopt, ours, corpus); i >= 0 {
			in := corpus[i]
			o.selfDiff = fmt.Sprintf("packet %x (wirelen %d): unoptimized %d, optimized %d\n    optimized:\n%s",
				in.Pkt, in.WireLen, filtertest.Run(oursUnopt, &in), filtertest.Run(ours, &in), indent(ours.Disassemble()))
		}
	}
	i, lenient := diffOn(theirs, ours, corpus)
	if i >= 0 {
		in := corpus[i]
		o.truncOnly = lenient
		o.mismatch = fmt.Sprintf("packet %x (wirelen %d): libpcap %d, ours %d\n    libpcap:\n%s\n    ours:\n%s",
			in.Pkt, in.WireLen, filtertest.Run(theirs, &in), filtertest.Run(ours, &in),
			indent(theirs.Disassemble()), indent(ours.Disassemble()))
		// libpcap 1.10.3's optimizer has bugs of its own: when its plain
		// code generation (tcpdump -O) decides as we do, say so.
		if unopt, _, err := tcpdumpProgram(tcpdump, expr, false); err == nil {
			if j, lenient := diffOn(unopt, ours, corpus); j < 0 || lenient {
				o.libpcapOpt = true
			}
		}
	}
	return o
}

func TestDiffTcpdump(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump not installed: the differential test needs the real libpcap's compiler")
	}
	nSuite, nRandom := diffCounts()
	var exprs []string
	if cases, _, err := loadSuiteQuiet(); err == nil {
		var all []string
		for _, c := range cases.Accept {
			if c.DLT != "EN10MB" || c.Skip != "" || c.Needs != "" || c.LinuxExt || c.Name == "bpf_image" {
				continue
			}
			all = append(all, c.Aliases...)
		}
		step := 1
		if len(all) > nSuite {
			step = (len(all) + nSuite - 1) / nSuite
		}
		for i := 0; i < len(all); i += step {
			exprs = append(exprs, all[i])
		}
	} else {
		t.Logf("libpcap suite not available, random expressions only: %v", err)
	}
	g := newExprGen(1)
	for i := 0; i < nRandom; i++ {
		exprs = append(exprs, g.expr(3))
	}

	outcomes := make([]diffOutcome, len(exprs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outcomes[i] = diffOne(tcpdump, exprs[i], int64(i))
			}
		}()
	}
	for i := range exprs {
		next <- i
	}
	close(next)
	wg.Wait()

	r := &report{}
	compiled := r.part("diff.compile")       // tcpdump accepts: we compile too
	agree := r.part("diff.agree")            // both compile: same decisions
	rejects := r.part("diff.reject_matches") // tcpdump rejects: we reject too
	self := r.part("diff.ours_opt_is_unopt") // our optimizer keeps every decision
	packets, explained, oldArith, truncOnly, versions, newer := 0, 0, 0, 0, 0, 0
	for _, o := range outcomes {
		if o.theirErr != "" && containsAny(o.expr, newerSyntax) {
			newer++
			continue
		}
		if o.theirErr != "" {
			rejects.add(o.ourErr != nil, "%q: tcpdump rejects (%s), we compile it (newer syntax or a missing check)", o.expr, o.theirErr)
			continue
		}
		compiled.add(o.ourErr == nil, "%q: %v", o.expr, o.ourErr)
		if !o.bothAccept {
			continue
		}
		packets += o.compared
		self.add(o.selfDiff == "", "%q: %s", o.expr, o.selfDiff)
		why := ""
		if o.truncOnly {
			why = " (only on packets with a load past the captured bytes)"
		}
		if o.mismatch != "" && o.libpcapOpt {
			explained++
			why += " (libpcap's unoptimized program agrees with ours)"
		}
		old := o.mismatch != "" && !o.libpcapOpt && oldArithBug(o.expr)
		if old {
			oldArith++
			why += " (libpcap 1.10.3 drops the protocol checks of a right-hand arithmetic operand)"
		}
		if o.truncOnly {
			truncOnly++
		}
		version := o.mismatch != "" && containsAny(o.expr, versionDiffers)
		if version {
			versions++
			why += " (changed between libpcap 1.10.3 and master)"
		}
		agree.add(o.mismatch == "" || o.truncOnly || o.libpcapOpt || old || version, "%q differs%s: %s", o.expr, why, o.mismatch)
	}
	r.notes = append(r.notes, fmt.Sprintf("differences counted as agreeing: %d only on packets where an optimizer dropped a load past the captured bytes; %d vanish against libpcap's unoptimized program (tcpdump -O: its optimizer, not our code); %d from libpcap 1.10.3 dropping the protocol checks of right-hand arithmetic operands (fixed in master)",
		truncOnly, explained, oldArith))
	r.notes = append(r.notes, fmt.Sprintf("%d differences in constructs whose meaning changed between libpcap 1.10.3 and master (%s) counted as agreeing; %d expressions with syntax newer than libpcap 1.10.3 (%s) left out",
		versions, strings.Join(versionDiffers, ", "), newer, strings.Join(newerSyntax, ", ")))
	r.notes = append(r.notes, fmt.Sprintf("%d expressions (%d from the suite, %d random), %d packet comparisons", len(exprs), len(exprs)-nRandom, nRandom, packets))
	r.check(t)
}

// loadSuiteQuiet loads the suite without skipping the test.
func loadSuiteQuiet() (*filtertest.Cases, string, error) {
	dir, err := filtertest.SuiteDir()
	if err != nil {
		return nil, "", err
	}
	c, err := filtertest.Load(dir)
	return c, dir, err
}

// versionDiffers lists constructs whose meaning changed between Debian's
// libpcap 1.10.3 (what tcpdump uses here) and libpcap master (what the
// suite and snare follow): "ip multicast" is first octet >= 224 in 1.10.3
// and 224.0.0.0/4 in master; IS-IS PDU types compare the whole byte in
// 1.10.3 and its low 5 bits in master.
var versionDiffers = []string{"multicast", "isis proto", "iih", "lsp", "snp"}

// newerSyntax lists keywords libpcap 1.10.3 does not know.
var newerSyntax = []string{"vxlan"}

func containsAny(s string, subs []string) bool {
	for _, k := range subs {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

var rightOperand = regexp.MustCompile(`(\+|-|\*|/|%|&|\||\^|<<|>>)[\s(]*(ether|ip|ip6|tcp|udp|icmp|icmp6|link|arp|rarp|vlan|igmp|pim|sctp|vrrp|ppp|fddi|tr|wlan|slip|radio|carp|igrp|atalk|aarp|decnet|lat|sca|moprc|mopdl)\s*\[`)

// oldArithBug reports whether expr has a protocol access as the right-hand
// operand of an arithmetic operator: libpcap 1.10.3's gen_arth keeps only
// the left operand's protocol checks, so its program accepts packets
// master's (and ours) does not.
func oldArithBug(expr string) bool {
	e := strings.NewReplacer("&&", " and ", "||", " or ").Replace(expr)
	return rightOperand.MatchString(e)
}

// FuzzDiffTcpdump turns a seed into a random well-formed expression and
// checks that, when tcpdump compiles it, our program decides the same.
func FuzzDiffTcpdump(f *testing.F) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		f.Skip("tcpdump not installed: the differential fuzz target needs the real libpcap's compiler")
	}
	for _, s := range []int64{1, 2, 3} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		expr := newExprGen(seed).expr(3)
		if containsAny(expr, versionDiffers) || containsAny(expr, newerSyntax) {
			t.Skipf("%q: compiles differently in Debian's libpcap 1.10.3 and in libpcap master, which snare follows", expr)
		}
		o := diffOne(tcpdump, expr, seed)
		if o.theirErr == "" && o.ourErr != nil {
			t.Skipf("%q: not compiled by us yet: %v", o.expr, o.ourErr)
		}
		switch {
		case o.mismatch == "" || o.truncOnly:
		case oldArithBug(o.expr):
			t.Skipf("%q: libpcap 1.10.3 drops the protocol checks of right-hand arithmetic operands (fixed in master, which snare follows): %s", o.expr, o.mismatch)
		case o.libpcapOpt:
			t.Logf("%q: differs from tcpdump's optimized program, agrees with its unoptimized one (libpcap 1.10.3 optimizer): %s", o.expr, o.mismatch)
		default:
			t.Errorf("%q: %s", o.expr, o.mismatch)
		}
	})
}
