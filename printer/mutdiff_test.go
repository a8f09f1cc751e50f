package printer

import (
	"flag"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var (
	mutPerPacket = flag.Int("printer.mutations", 4, "mutated copies of each generated packet in TestMutatedDifferential")
	mutShow      = flag.Int("printer.mutshow", 0, "log this many differing packets per capture in TestMutatedDifferential")
)

// mutFloor is the least share of mutated packets printed exactly as
// tcpdump prints them (with the default -printer.mutations).
const mutFloor = 0.995

// TestMutatedDifferential corrupts every generated test packet a few
// times (random bytes overwritten, some also cut short), prints the
// result with the installed tcpdump and with the printer, under -nn and
// -nn -v, and compares packet by packet: malformed headers must come out
// as tcpdump prints them. The mutations are seeded, so every run checks
// the same packets.
func TestMutatedDifferential(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump not installed")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(20261206, 1))
	caps := captures()
	names := make([]string, 0, len(caps))
	for n := range caps {
		names = append(names, n)
	}
	sort.Strings(names)
	total, same := 0, 0
	for _, name := range names {
		c := caps[name]
		var out []capPkt
		for _, k := range c.pkts {
			d := k.data
			if k.snap != 0 && k.snap < len(d) {
				d = d[:k.snap]
			}
			if len(d) == 0 {
				continue
			}
			for range *mutPerPacket {
				m := append([]byte(nil), d...)
				for range 1 + rng.IntN(4) {
					m[rng.IntN(len(m))] = byte(rng.IntN(256))
				}
				p := capPkt{data: m, orig: max(k.orig, len(d))}
				if rng.IntN(4) == 0 {
					p.snap = 1 + rng.IntN(len(m))
				}
				out = append(out, p)
			}
		}
		path := filepath.Join(dir, name+".pcap")
		if err := os.WriteFile(path, pcapBytes(c.lt, out), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, set := range []struct {
			args []string
			opts Options
		}{
			{[]string{"-nn", "-#"}, Options{NoResolve: 2, Number: true}},
			{[]string{"-nn", "-v", "-#"}, Options{NoResolve: 2, Verbose: 1, Number: true}},
		} {
			want := byPacket(tcpdumpOutput(t, tcpdump, path, set.args))
			got := byPacket(ourOutput(t, path, set.opts))
			shown := 0
			for i := 1; i <= len(out); i++ {
				total++
				if want[i] == got[i] {
					same++
					continue
				}
				if shown < *mutShow {
					shown++
					t.Logf("%s %v packet %d:\n tcpdump: %q\n snare:   %q", name, set.args, i, want[i], got[i])
				}
			}
		}
	}
	share := float64(same) / float64(max(total, 1))
	t.Logf("mutated packets: %d/%d printed identically (%.2f%%)", same, total, 100*share)
	if *mutPerPacket == 4 && share < mutFloor {
		t.Errorf("identical share %.4f below floor %.2f (see -printer.mutshow=N)", share, mutFloor)
	}
}

// numbered matches the first line of a packet printed with -#.
var numbered = regexp.MustCompile(`^ *([0-9]+)  `)

// byPacket splits -# output into each packet's lines, by number.
func byPacket(s string) map[int]string {
	m := map[int]string{}
	cur := 0
	for _, l := range strings.Split(s, "\n") {
		if g := numbered.FindStringSubmatch(l); g != nil {
			if n, err := strconv.Atoi(g[1]); err == nil && n == cur+1 {
				cur = n
			}
		}
		if cur > 0 {
			m[cur] += l + "\n"
		}
	}
	return m
}
