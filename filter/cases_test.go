package filter_test

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/filter"
	"github.com/snare-pcap/snare/filter/internal/filtertest"
	"github.com/snare-pcap/snare/link"
)

// The libpcap suite harness. It runs libpcap's own filter tests
// (../shared/testdata/libpcap-filter/cases.json) for the link types snare
// covers, counts passes per part, and fails when a count drops below the
// committed floor in testdata/cases_floor.json. Run
//
//	go test ./filter -run TestLibpcapSuite -v
//
// for the summary table, and add -filter.updatefloor to raise the floors
// to the current counts after the compiler improved.

var (
	updateFloor = flag.Bool("filter.updatefloor", false, "raise testdata/cases_floor.json to the current pass counts")
	corpusMax   = flag.Int("filter.corpus", 300, "max generated packets per accept case before truncations and mutations")
	showPart    = flag.String("filter.show", "", "log up to 2000 failures of the parts whose names contain this string")
)

const floorFile = "testdata/cases_floor.json"

var (
	suiteOnce  sync.Once
	suiteCases *filtertest.Cases
	suiteDir   string
	suiteErr   error
)

// loadSuite returns the decoded cases.json, or skips the test clearly when
// the shared test data is not there.
func loadSuite(t testing.TB) (*filtertest.Cases, string) {
	t.Helper()
	suiteOnce.Do(func() {
		suiteDir, suiteErr = filtertest.SuiteDir()
		if suiteErr == nil {
			suiteCases, suiteErr = filtertest.Load(suiteDir)
		}
	})
	if suiteErr != nil {
		t.Skipf("libpcap filter suite not available (expected at ../shared/testdata/libpcap-filter relative to the module root): %v", suiteErr)
	}
	return suiteCases, suiteDir
}

// tally counts passes and remembers the first failures of one part.
type tally struct {
	mu       sync.Mutex
	name     string
	pass     int
	total    int
	failures []string
}

func (t *tally) add(ok bool, format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total++
	if ok {
		t.pass++
		return
	}
	t.failures = append(t.failures, fmt.Sprintf(format, args...))
}

type report struct {
	parts []*tally
	notes []string
}

func (r *report) part(name string) *tally {
	for _, p := range r.parts {
		if p.name == name {
			return p
		}
	}
	p := &tally{name: name}
	r.parts = append(r.parts, p)
	return p
}

// check logs the table and compares every part with its floor.
func (r *report) check(t *testing.T) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%-32s %7s %7s %7s %7s\n", "part", "pass", "total", "rate", "floor")
	floors := readFloors(t)
	for _, p := range r.parts {
		rate := 0.0
		if p.total > 0 {
			rate = 100 * float64(p.pass) / float64(p.total)
		}
		fmt.Fprintf(&b, "%-32s %7d %7d %6.1f%% %7d\n", p.name, p.pass, p.total, rate, floors[p.name])
	}
	for _, n := range r.notes {
		b.WriteString(n + "\n")
	}
	t.Logf("libpcap suite summary:\n%s", b.String())
	if *updateFloor {
		for _, p := range r.parts {
			v := p.pass
			if strings.HasSuffix(p.name, "_permille") {
				// Coverage moves a little with the compiler's output (the
				// corpus also follows our programs): keep a margin.
				v -= 5
			}
			if v > floors[p.name] {
				floors[p.name] = v
			}
		}
		writeFloors(t, floors)
		return
	}
	for _, p := range r.parts {
		if *showPart != "" && strings.Contains(p.name, *showPart) && len(p.failures) > 0 {
			sort.Strings(p.failures)
			n := min(len(p.failures), 2000)
			t.Logf("%s: %d failures, first %d:\n  %s", p.name, len(p.failures), n, strings.Join(p.failures[:n], "\n  "))
		}
		if p.pass < floors[p.name] {
			sort.Strings(p.failures)
			n := len(p.failures)
			if n > 25 {
				n = 25
			}
			t.Errorf("%s: %d pass, below the floor of %d (regression); first failures:\n  %s",
				p.name, p.pass, floors[p.name], strings.Join(p.failures[:n], "\n  "))
		} else if p.pass > floors[p.name] {
			t.Logf("%s: %d pass, above the floor of %d: raise it with -filter.updatefloor", p.name, p.pass, floors[p.name])
		}
	}
}

func readFloors(t *testing.T) map[string]int {
	m := map[string]int{}
	b, err := os.ReadFile(floorFile)
	if err != nil {
		if !os.IsNotExist(err) {
			t.Fatalf("reading %s: %v", floorFile, err)
		}
		return m
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", floorFile, err)
	}
	return m
}

func writeFloors(t *testing.T, m map[string]int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("{\n")
	for i, k := range keys {
		sep := ","
		if i == len(keys)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "\t%q: %d%s\n", k, m[k], sep)
	}
	b.WriteString("}\n")
	if err := os.WriteFile(floorFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", floorFile)
}

// caseOptions builds compiler options the way libpcap's filtertest does
// for a case.
func caseOptions(c *filtertest.Cases, dlt string, snap int, netmask string, linuxExt, optimize bool) (filter.Options, error) {
	lt, err := filtertest.DLT(dlt)
	if err != nil {
		return filter.Options{}, err
	}
	nm, err := filtertest.Netmask(netmask)
	if err != nil {
		return filter.Options{}, err
	}
	if snap == 0 {
		snap = 262144
	}
	return filter.Options{
		LinkType:    lt,
		SnapLen:     snap,
		Netmask:     nm,
		Optimize:    optimize,
		LinuxSocket: linuxExt,
		Resolver:    suiteResolver(c),
	}, nil
}

// toAux converts the harness's ancillary array to the machine's Aux.
func toAux(a *filtertest.Aux) *bpf.Aux {
	r := a[bpf.AncRandom/4]
	return &bpf.Aux{
		Protocol:    uint16(a[bpf.AncProtocol/4]),
		PktType:     uint8(a[bpf.AncPktType/4]),
		IfIndex:     a[bpf.AncIfIndex/4],
		VLANTCI:     uint16(a[bpf.AncVlanTag/4]),
		VLANPresent: a[bpf.AncVlanTagPresent/4] != 0,
		VLANTPID:    uint16(a[bpf.AncVlanTPID/4]),
		Mark:        a[bpf.AncMark/4],
		Hash:        a[bpf.AncRxHash/4],
		Queue:       a[bpf.AncQueue/4],
		HaType:      a[bpf.AncHaType/4],
		CPU:         a[bpf.AncCPU/4],
		PayOffset:   a[bpf.AncPayOffset/4],
		Random:      func() uint32 { return r },
	}
}

// auxOK reports whether the harness's ancillary values fit the machine's
// Aux fields, so both see the same metadata.
func auxOK(a *filtertest.Aux) bool {
	return a[bpf.AncProtocol/4] <= 0xffff && a[bpf.AncPktType/4] <= 0xff &&
		a[bpf.AncVlanTag/4] <= 0xffff && a[bpf.AncVlanTagPresent/4] <= 1 &&
		a[bpf.AncVlanTPID/4] <= 0xffff
}

// diffOn returns the first input where two programs disagree (-1 if
// none) and whether they agree on every input where neither ran out of
// packet bytes (libpcap's optimizer drops loads whose value is not needed,
// so its optimized and unoptimized programs only agree in that sense).
func diffOn(a, b bpf.Program, corpus []filtertest.Input) (first int, lenient bool) {
	first, lenient = -1, true
	for i := range corpus {
		ra, oa := filtertest.RunOOB(a, &corpus[i])
		rb, ob := filtertest.RunOOB(b, &corpus[i])
		if ra != rb {
			if first < 0 {
				first = i
			}
			if !oa && !ob {
				return i, false
			}
		}
	}
	return first, lenient
}

// machineAgrees checks package bpf's machine against the reference
// interpreter on the corpus.
func machineAgrees(p bpf.Program, corpus []filtertest.Input) string {
	m, err := bpf.NewMachine(p)
	if err != nil {
		return "NewMachine: " + err.Error()
	}
	for i := range corpus {
		in := &corpus[i]
		if !auxOK(&in.Aux) {
			continue
		}
		want := filtertest.Run(p, in)
		got := m.RunAux(in.Pkt, int(in.WireLen), toAux(&in.Aux))
		if got != want {
			return fmt.Sprintf("packet %x wirelen %d: machine %d, reference %d", in.Pkt, in.WireLen, got, want)
		}
	}
	return ""
}

func sameProgram(a, b bpf.Program) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// acceptJob is one accept block, with its expected programs parsed.
type acceptJob struct {
	c          *filtertest.Accept
	opt, unopt bpf.Program
}

func TestLibpcapSuite(t *testing.T) {
	cases, dir := loadSuite(t)
	t.Logf("cases.json about: %s", cases.About)
	r := &report{}
	runAccept(t, cases, r)
	runApply(t, cases, dir, r)
	runReject(t, cases, r)
	r.check(t)
}

func runAccept(t *testing.T, cases *filtertest.Cases, r *report) {
	parse := r.part("accept.parse_expected")
	parseBPF := r.part("accept.bpf_parse_agrees")
	compiled := r.part("accept.compile")
	eqUnopt := r.part("accept.equiv_unopt")
	eqOpt := r.part("accept.equiv_opt")
	// Our optimizer must keep our own program's decisions on every
	// packet, truncated ones included.
	eqOurs := r.part("accept.ours_opt_is_unopt")
	ident := r.part("accept.identical")
	machine := r.part("accept.machine_agrees")
	var jobs []acceptJob
	skipped := 0
	for i := range cases.Accept {
		c := &cases.Accept[i]
		if !filtertest.IsInScope(c.DLT) || c.Skip != "" {
			continue
		}
		if c.Name == "bpf_image" || c.Offline != "" {
			// "_enumerate_bpf_image" is a filtertest command, not a filter
			// (its listing is checked by TestExpectedTextParses); offline
			// blocks depend on a savefile's byte order, not on Options.
			skipped++
			continue
		}
		j := acceptJob{c: c}
		var err error
		if c.Opt != nil {
			if j.opt, err = filtertest.ParseDisasm(c.Opt); err != nil {
				parse.add(false, "%s opt: %v", c.Name, err)
				continue
			}
			agree(parseBPF, c.Name+" opt", c.Opt, j.opt)
		}
		if c.Unopt != nil {
			if j.unopt, err = filtertest.ParseDisasm(c.Unopt); err != nil {
				parse.add(false, "%s unopt: %v", c.Name, err)
				continue
			}
			agree(parseBPF, c.Name+" unopt", c.Unopt, j.unopt)
		}
		parse.add(true, "")
		jobs = append(jobs, j)
	}
	var dirsHit, dirsAll, insHit, insAll int
	var covMu sync.Mutex
	var lowCov []string
	work := make(chan acceptJob)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				c := j.c
				for ai, alias := range c.Aliases {
					name := fmt.Sprintf("%s[%d] %q (%s)", c.Name, ai, alias, c.DLT)
					var ours [2]bpf.Program // unopt, opt
					ok := [2]bool{}
					for v, optimize := range []bool{false, true} {
						exp := j.unopt
						if optimize {
							exp = j.opt
						}
						opts, err := caseOptions(cases, c.DLT, c.SnapLen, c.Netmask, c.LinuxExt, optimize)
						if err != nil {
							compiled.add(false, "%s: %v", name, err)
							continue
						}
						p, err := compileSafe(alias, opts)
						if err != nil && optimize && j.opt == nil {
							// libpcap's optimizer refused it ("expression
							// rejects all packets"): failing is fine too.
							compiled.add(true, "")
							ok[v] = true
							continue
						}
						compiled.add(err == nil, "%s opt=%v: %v", name, optimize, err)
						if err != nil {
							continue
						}
						ours[v], ok[v] = p, true
						if exp != nil {
							ident.add(sameProgram(p, exp), "%s opt=%v", name, optimize)
						}
					}
					progs := []bpf.Program{}
					for _, p := range []bpf.Program{j.opt, j.unopt, ours[1], ours[0]} {
						if p != nil {
							progs = append(progs, p)
						}
					}
					corpus := filtertest.Corpus(progs, filtertest.Seeds(c.DLT), *corpusMax, int64(len(alias)))
					// Coverage of the expected programs.
					for _, exp := range []bpf.Program{j.opt, j.unopt} {
						if exp == nil {
							continue
						}
						cov := filtertest.NewCoverage(exp)
						for i := range corpus {
							cov.Add(exp, &corpus[i])
						}
						h, n, d, all := cov.Counts(exp)
						covMu.Lock()
						insHit, insAll, dirsHit, dirsAll = insHit+h, insAll+n, dirsHit+d, dirsAll+all
						if all > 0 && d*10 < all*7 && ai == 0 {
							lowCov = append(lowCov, fmt.Sprintf("%s: %d/%d branch directions", c.Name, d, all))
						}
						covMu.Unlock()
					}
					if ours[0] != nil && ours[1] != nil {
						i, _ := diffOn(ours[0], ours[1], corpus)
						if ours[0].Validate() == nil && ours[1].Validate() != nil {
							eqOurs.add(false, "%s: the kernel would take the unoptimized program, not the optimized one: %v", name, ours[1].Validate())
						} else if i < 0 {
							eqOurs.add(true, "")
						} else {
							in := corpus[i]
							eqOurs.add(false, "%s: optimized %d, unoptimized %d on packet %x (wirelen %d)\n    optimized:\n%s",
								name, filtertest.Run(ours[1], &in), filtertest.Run(ours[0], &in), in.Pkt, in.WireLen, indent(ours[1].Disassemble()))
						}
					}
					for v, tl := range []*tally{eqUnopt, eqOpt} {
						exp, alt := j.unopt, j.opt
						if v == 1 {
							exp, alt = j.opt, j.unopt
						}
						fallback := exp == nil
						if fallback {
							exp = alt // the same filter, so the same decisions
						}
						if !ok[v] {
							tl.add(false, "%s: did not compile", name)
							continue
						}
						if ours[v] == nil { // optimizer refused, as libpcap's
							tl.add(true, "")
							continue
						}
						i, lenient := diffOn(exp, ours[v], corpus)
						switch {
						case i < 0 || (lenient && fallback):
							tl.add(true, "")
						default:
							in := corpus[i]
							why := ""
							if lenient {
								why = " (only on packets where a load runs past the captured bytes)"
							}
							tl.add(false, "%s: differs%s on packet %x (wirelen %d aux %v): libpcap %d, ours %d\n    ours:\n%s",
								name, why, in.Pkt, in.WireLen, nonZeroAux(&in.Aux), filtertest.Run(exp, &in), filtertest.Run(ours[v], &in), indent(ours[v].Disassemble()))
						}
						if msg := machineAgrees(ours[v], corpus); msg != "" {
							machine.add(false, "%s opt=%v: %s", name, v == 1, msg)
						} else {
							machine.add(true, "")
						}
					}
				}
			}
		}()
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
	cov := r.part("accept.coverage_permille")
	if dirsAll > 0 {
		cov.pass, cov.total = dirsHit*1000/dirsAll, 1000
	}
	r.notes = append(r.notes, fmt.Sprintf("expected-program coverage: %d/%d instructions, %d/%d branch directions (some are unreachable, e.g. jeq after ld #1); %d blocks skipped",
		insHit, insAll, dirsHit, dirsAll, skipped))
	if len(lowCov) > 0 && testing.Verbose() {
		sort.Strings(lowCov)
		r.notes = append(r.notes, "blocks under 70% branch coverage: "+strings.Join(lowCov, "; "))
	}
}

func nonZeroAux(a *filtertest.Aux) map[int]uint32 {
	m := map[int]uint32{}
	for i, v := range a {
		if v != 0 {
			m[i*4] = v
		}
	}
	return m
}

func indent(s string) string {
	return "      " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n      ")
}

// agree checks that package bpf's -d parser reads the expected text the
// way the harness's own parser does.
func agree(tl *tally, name string, lines []string, want bpf.Program) {
	got, err := bpf.ParseDisassembly(strings.Join(lines, "\n") + "\n")
	if err != nil {
		tl.add(false, "%s: bpf.ParseDisassembly: %v", name, err)
		return
	}
	tl.add(sameProgram(got, want), "%s: bpf.ParseDisassembly differs from the harness parser", name)
}

// compileSafe compiles, turning a panic into an error and giving up on a
// compilation that has not returned after hangLimit (reported as a hang:
// no input may hang the compiler), so that one bad case does not hide the
// others.
func compileSafe(expr string, opts filter.Options) (bpf.Program, error) {
	type result struct {
		p   bpf.Program
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{nil, fmt.Errorf("PANIC: %v", r)}
			}
		}()
		p, err := filter.Compile(expr, opts)
		if err == nil {
			if verr := p.ValidateUserland(); verr != nil {
				err = fmt.Errorf("compiled program does not validate: %v", verr)
				p = nil
			}
		}
		done <- result{p, err}
	}()
	timer := time.NewTimer(hangLimit)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.p, r.err
	case <-timer.C:
		return nil, fmt.Errorf("PANIC: HANG: Compile(%q) did not return within %v", expr, hangLimit)
	}
}

// hangLimit is far beyond any real compilation (they take microseconds);
// it only turns an endless loop into a failure instead of a stuck test.
const hangLimit = 10 * time.Second

func runApply(t *testing.T, cases *filtertest.Cases, dir string, r *report) {
	in := r.part("apply")
	out := r.part("apply.other_linktypes")
	caps := map[string]*filtertest.Capture{}
	for _, a := range cases.Apply {
		c, ok := caps[a.Savefile]
		if !ok {
			var err error
			c, err = filtertest.ReadCapture(filepath.Join(dir, "captures", a.Savefile))
			if err != nil {
				t.Errorf("apply %s: %v", a.Name, err)
				continue
			}
			caps[a.Savefile] = c
		}
		lt := link.FromLinktype(c.LinkType)
		tl := out
		if filtertest.IsInScope(strings.TrimPrefix(lt.Name(), "DLT_")) {
			tl = in
		}
		snap := int(c.SnapLen)
		if snap <= 0 || snap > 262144 {
			snap = 262144
		}
		nm, err := filtertest.Netmask(a.Netmask)
		if err != nil {
			t.Fatal(err)
		}
		for _, optimize := range []bool{false, true} {
			name := fmt.Sprintf("%s %q on %s opt=%v", a.Name, a.Expr, a.Savefile, optimize)
			p, err := compileSafe(a.Expr, filter.Options{LinkType: lt, SnapLen: snap, Netmask: nm,
				Optimize: optimize, Resolver: suiteResolver(cases)})
			if err != nil {
				tl.add(false, "%s: %v", name, err)
				continue
			}
			var got []uint32
			for i := range c.Packets {
				got = append(got, filtertest.Run(p, &c.Packets[i]))
			}
			if fmt.Sprint(got) != fmt.Sprint(a.Results) {
				tl.add(false, "%s: results %v, want %v", name, got, a.Results)
				continue
			}
			if msg := machineAgrees(p, c.Packets); msg != "" {
				tl.add(false, "%s: bpf machine: %s", name, msg)
				continue
			}
			tl.add(true, "")
		}
	}
}

func runReject(t *testing.T, cases *filtertest.Cases, r *report) {
	rej := r.part("reject")
	msg := r.part("reject.errstr")
	otherRej := r.part("reject.other_linktypes")
	otherMsg := r.part("reject.other_linktypes.errstr")
	for _, c := range cases.Reject {
		if c.DLT == nil || c.Expr == nil || c.Skip != "" {
			continue
		}
		rej, msg := rej, msg
		if !filtertest.IsInScope(*c.DLT) {
			// Link types outside this list: counted apart.
			if _, err := filtertest.DLT(*c.DLT); err != nil {
				continue
			}
			rej, msg = otherRej, otherMsg
		}
		name := fmt.Sprintf("%s %q (%s)", c.Name, *c.Expr, *c.DLT)
		opts, err := caseOptions(cases, *c.DLT, 0, c.Netmask, false, true)
		if err != nil {
			t.Fatal(err)
		}
		_, err = compileSafe(*c.Expr, opts)
		if err != nil && strings.HasPrefix(err.Error(), "PANIC") {
			rej.add(false, "%s: %v", name, err)
			continue
		}
		rej.add(err != nil, "%s: compiled, want error containing %q", name, c.ErrStr)
		if err != nil {
			msg.add(strings.Contains(err.Error(), c.ErrStr), "%s: error %q, want it to contain %q", name, err, c.ErrStr)
		}
	}
}

// TestExpectedTextParses checks the harness's own -d parser on libpcap's
// listing of every opcode (the bpf_image block): each line carries its
// opcode as a comment.
func TestExpectedTextParses(t *testing.T) {
	cases, _ := loadSuite(t)
	for _, c := range cases.Accept {
		if c.Name != "bpf_image" {
			continue
		}
		p, err := filtertest.ParseDisasm(c.Unopt)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range c.Unopt {
			var op uint16
			if _, err := fmt.Sscanf(l[strings.LastIndex(l, ";")+1:], " 0x%x", &op); err != nil {
				t.Fatalf("line %q: no opcode comment", l)
			}
			if p[i].Op != op {
				t.Errorf("line %q: parsed opcode %#x, want %#x", l, p[i].Op, op)
			}
		}
		return
	}
	t.Fatal("bpf_image block not found in cases.json")
}

var (
	resolverOnce sync.Once
	resolver     *filter.Resolver
)

// suiteResolver is a resolver holding only the suite's hosts, ethers and
// networks tables (plus the compiler's built-in service and protocol
// names), so that no case depends on /etc.
func suiteResolver(c *filtertest.Cases) *filter.Resolver {
	resolverOnce.Do(func() {
		t := filter.Tables{Hosts: map[string][]netip.Addr{}, Ethers: map[string][6]byte{}, Networks: map[string]uint32{}}
		for name, addrs := range filtertest.Table(c.Hosts, false) {
			for _, a := range addrs {
				t.Hosts[name] = append(t.Hosts[name], netip.MustParseAddr(a))
			}
		}
		for name, addrs := range filtertest.Table(c.Ethers, false) {
			hw, err := net.ParseMAC(addrs[0])
			if err != nil || len(hw) != 6 {
				panic(fmt.Sprintf("cases.json ethers: bad address %q", addrs[0]))
			}
			t.Ethers[name] = [6]byte(hw)
		}
		for name, addrs := range filtertest.Table(c.Networks, true) {
			a := netip.MustParseAddr(addrs[0]).As4()
			t.Networks[name] = binary.BigEndian.Uint32(a[:])
		}
		resolver = filter.NewResolver(t)
	})
	return resolver
}
