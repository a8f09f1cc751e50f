package filter

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/snare-pcap/snare/filter/internal/filtertest"
	"github.com/snare-pcap/snare/link"
)

var (
	errSweep      = flag.Bool("filter.errsweep", false, "TestErrorWordingTcpdump also compares the messages of every suite reject case (no name tables needed) with tcpdump's")
	errSweepCache = flag.String("filter.errsweepcache", "", "with -filter.errsweep: a file of tcpdump's messages (written when absent, read when present; tcpdump's answers do not change)")
)

// badExprs are hand-written bad expressions (for Ethernet unless a link
// type is given as "DLT:expr"): each must fail in libpcap and in snare,
// and snare's message must carry the words of libpcap 1.10's (what
// tcpdump on most systems prints, so what users search for). None uses a
// host name: libpcap would ask DNS.
var badExprs = []string{
	"port 99999",
	"portrange 1-99999",
	"portrange 99999-1",
	"tcp port 70000",
	"src port -1",
	"ether host 1:2:3",
	"ether host 1:2:3:4:5:6:7",
	"ether host 01:02:03:04:05:0g",
	"ether src 1.2.3.4",
	"host 1.2.3.4.5",
	"host 300.1.1.1",
	"net 10.0.0.0/33",
	"net 10.0.0.1/8",
	"net 1.2.3.4 mask 255.255.0.0",
	"ip6 net ::1/129",
	"ip6 host ::1::2",
	"host ::1 mask ffff::",
	"tcp[100000000000]",
	"tcp[0:3] = 1",
	"tcp[0:5] = 1",
	"ip[0] / 0 = 1",
	"ip[0] % 0 = 1",
	"vlan 5000",
	"mpls 2000000",
	"pppoes 70000",
	"geneve 20000000",
	"less",
	"greater x",
	"len >",
	"tcp and",
	"tcp or or udp",
	"(tcp",
	"tcp)",
	"not",
	"host",
	"port",
	"ether",
	"tcp port",
	"udp dst",
	"src",
	"ip host 10.0.0.1 and src",
	"tcp src port 80-90",
	"tcp port 80-90",
	"ether broadcast and ip6 broadcast",
	"ip6 broadcast",
	"arp multicast",
	"tcp protochain 6",
	"icmp6 proto 58",
	"gateway 10.0.0.1",
	"llc xyz",
	"ip6[0:2] = 0x6000 and ip6 protochain 6 and ip[",
	"inbound 1",
	"ifindex",
	"ifindex x",
	"ether[0:4] = 0xffffffffff",
	"0x100000000 = 1",
	"099 = 1",
	"sctp port 0x10000",
	"tcp port ftp-nonexistent-service",
	"type mgt",
	"dir tods",
	"fisu",
	"vpi 1",
	"LINUX_SLL:ether host 1:2:3:4:5:6",
	"LINUX_SLL:llc",
	"RAW:arp",
	"RAW:vlan",
	"RAW:mpls",
	"RAW:pppoes",
	"RAW:broadcast",
	"RAW:multicast",
	"IPV4:ip6",
	"NULL:ether host 1:2:3:4:5:6",
	"PPP:link host 1:2:3:4:5:6",
	"pppoes and ether host 1:2:3:4:5:6",
	"pppoes and ether broadcast",
	"pppoes and ether multicast",
	"pppoes and vlan",
	"lat proto 17",
	"arp proto 6",
	"decnet proto 17",
	"atalk proto 1",
}

// wordsCarried reports whether every word of want appears in got, in
// order, ignoring case and taking libpcap 1.10's "bogus" for master's
// "invalid": snare's messages add the column and libpcap master's wording
// around libpcap 1.10's.
func wordsCarried(got, want string) bool {
	norm := strings.NewReplacer("bogus", "invalid")
	got, want = norm.Replace(strings.ToLower(got)), norm.Replace(strings.ToLower(want))
	for _, w := range strings.Fields(want) {
		i := strings.Index(got, w)
		if i < 0 {
			return false
		}
		got = got[i+len(w):]
	}
	return true
}

var columnRE = regexp.MustCompile(` \(at column \d+\)| at column \d+`)

type wordingCase struct {
	dlt, expr string
	needsOK   bool // the suite says the case needs name tables: tcpdump would ask DNS
}

type wordingResult struct {
	wordingCase
	theirs, ours string // "" when it compiled
}

func (c wordingCase) run(tcpdump string, sandbox []string, cache map[string]string) wordingResult {
	r := wordingResult{wordingCase: c}
	lt, ok := link.ByName(c.dlt)
	if !ok {
		r.ours = "unknown DLT " + c.dlt
	} else if _, err := Compile(c.expr, Options{LinkType: lt, Optimize: true, Netmask: 0}); err != nil {
		r.ours = err.Error()
	}
	if theirs, ok := cache[c.dlt+"\t"+c.expr]; ok {
		r.theirs = theirs
		return r
	}
	args := append(append([]string{}, sandbox...), tcpdump, "-d", "-y", c.dlt, "--", c.expr)
	cmd := exec.Command(args[0], args[1:]...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		s := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
		r.theirs = strings.TrimPrefix(s, "tcpdump: ")
		if r.theirs == "" {
			r.theirs = err.Error()
		}
	}
	return r
}

// TestErrorWordingTcpdump compiles bad expressions with tcpdump (the real
// libpcap 1.10) and with snare: both must refuse them, and snare's message
// must carry libpcap's words. With -filter.errsweep it also runs the suite's
// reject cases and reports how many messages carry libpcap 1.10's words.
func TestErrorWordingTcpdump(t *testing.T) {
	tcpdump := lookTcpdump(t)
	var cases []wordingCase
	for _, e := range badExprs {
		dlt, expr, ok := strings.Cut(e, ":")
		if !ok || strings.ToUpper(dlt) != dlt || strings.ContainsAny(dlt, " [") {
			dlt, expr = "EN10MB", e
		}
		cases = append(cases, wordingCase{dlt: dlt, expr: expr})
	}
	hand := len(cases)
	var sandbox []string
	if *errSweep {
		dir, err := filtertest.SuiteDir()
		if err != nil {
			t.Skip(err)
		}
		suite, err := filtertest.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range suite.Reject {
			if c.DLT == nil || c.Expr == nil || !filtertest.IsInScope(*c.DLT) || c.Skip != "" || c.Netmask != "" || c.Savefile != "" {
				continue
			}
			cases = append(cases, wordingCase{dlt: *c.DLT, expr: *c.Expr, needsOK: c.Needs != ""})
		}
	}
	// Suite expressions name hosts: tcpdump runs in a network namespace
	// of its own, so that it sends no DNS queries.
	u, _ := user.Current()
	if _, err := exec.LookPath("unshare"); err == nil && u != nil && u.Uid == "0" {
		sandbox = []string{"unshare", "-n"}
	} else if *errSweep {
		t.Skip("-filter.errsweep runs tcpdump in a new network namespace (unshare -n, as root), so that it sends no DNS queries")
	}
	cache := map[string]string{}
	if *errSweep && *errSweepCache != "" {
		if b, err := os.ReadFile(*errSweepCache); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if f := strings.SplitN(l, "\t", 3); len(f) == 3 {
					cache[f[0]+"\t"+f[1]] = f[2]
				}
			}
		}
	}
	results := make([]wordingResult, len(cases))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = cases[i].run(tcpdump, sandbox, cache)
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()

	for _, r := range results[:hand] {
		switch {
		case r.theirs == "":
			t.Errorf("%s %q: tcpdump compiles it (the list wants bad expressions)", r.dlt, r.expr)
		case r.ours == "":
			t.Errorf("%s %q: snare compiles it, tcpdump says %q", r.dlt, r.expr, r.theirs)
		case !wordsCarried(r.ours, r.theirs):
			t.Errorf("%s %q: snare says %q, which lacks libpcap's %q", r.dlt, r.expr, r.ours, r.theirs)
		}
	}
	if !*errSweep {
		return
	}
	if *errSweepCache != "" && len(cache) == 0 {
		var b strings.Builder
		for _, r := range results {
			if !strings.ContainsAny(r.expr, "\t\n") {
				fmt.Fprintf(&b, "%s\t%s\t%s\n", r.dlt, r.expr, r.theirs)
			}
		}
		if err := os.WriteFile(*errSweepCache, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
	var both, carried, ourOnly, theirOnly, needs int
	groups := map[string][]string{}
	for _, r := range results[hand:] {
		switch {
		case r.needsOK:
			needs++
			continue
		case r.theirs == "" && r.ours == "":
			continue
		case r.theirs == "":
			ourOnly++
			continue
		case r.ours == "":
			theirOnly++
			groups["compiles: "+r.theirs] = append(groups["compiles: "+r.theirs], r.dlt+" "+r.expr)
			continue
		}
		both++
		if wordsCarried(r.ours, r.theirs) {
			carried++
			continue
		}
		k := fmt.Sprintf("%q vs ours %q", r.theirs, columnRE.ReplaceAllString(r.ours, ""))
		groups[k] = append(groups[k], r.dlt+" "+r.expr)
	}
	t.Logf("suite rejects: %d both refuse, %d of them carry libpcap 1.10's words; %d only snare refuses (libpcap master's checks), %d only tcpdump refuses; %d need name tables (left out)",
		both, carried, ourOnly, theirOnly, needs)
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(groups[keys[i]]) > len(groups[keys[j]]) })
	for _, k := range keys {
		t.Logf("%4d  %s  e.g. %s", len(groups[k]), k, groups[k][0])
	}
}
