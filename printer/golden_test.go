package printer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// go test ./printer -run TestGolden -update regenerates testdata/golden
// from the installed tcpdump.
var updateFlag = flag.Bool("update", false, "regenerate golden files with the real tcpdump")

type pkt struct {
	data []byte
	ci   snare.CaptureInfo
}

// readPcap reads a classic pcap file (test helper; the savefile package
// is the real reader).
func readPcap(path string) ([]pkt, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(raw) < 24 {
		return nil, fmt.Errorf("%s: short file header", path)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	nano := false
	switch binary.LittleEndian.Uint32(raw) {
	case 0xa1b2c3d4:
	case 0xa1b23c4d:
		nano = true
	case 0xd4c3b2a1:
		bo = binary.BigEndian
	case 0x4d3cb2a1:
		bo, nano = binary.BigEndian, true
	default:
		return nil, fmt.Errorf("%s: not a pcap file", path)
	}
	lt := link.Type(bo.Uint32(raw[20:]) & 0x0fffffff)
	if lt == 101 {
		lt = 12
	}
	var out []pkt
	for off, rec := 24, 0; off < len(raw); rec++ {
		if off+16 > len(raw) {
			return nil, fmt.Errorf("%s: record %d at offset %d: short header", path, rec, off)
		}
		sec, frac := bo.Uint32(raw[off:]), bo.Uint32(raw[off+4:])
		incl, orig := int(bo.Uint32(raw[off+8:])), int(bo.Uint32(raw[off+12:]))
		if off+16+incl > len(raw) {
			return nil, fmt.Errorf("%s: record %d at offset %d: short data", path, rec, off)
		}
		ns := int64(frac) * 1000
		if nano {
			ns = int64(frac)
		}
		out = append(out, pkt{raw[off+16 : off+16+incl], snare.CaptureInfo{Timestamp: time.Unix(int64(sec), ns),
			CaptureLength: incl, Length: orig, LinkType: lt}})
		off += 16 + incl
	}
	return out, nil
}

type optSet struct {
	name string
	args []string
	opts Options
}

var optSets = []optSet{
	{"nn", []string{"-nn"}, Options{NoResolve: 2}},
	{"n", []string{"-n"}, Options{NoResolve: 1}},
	{"t", []string{"-nn", "-t"}, Options{NoResolve: 2, Timestamp: TimeNone}},
	{"tt", []string{"-nn", "-tt"}, Options{NoResolve: 2, Timestamp: TimeEpoch}},
	{"ttt", []string{"-nn", "-ttt"}, Options{NoResolve: 2, Timestamp: TimeDeltaPrev}},
	{"tttt", []string{"-nn", "-tttt"}, Options{NoResolve: 2, Timestamp: TimeDate}},
	{"ttttt", []string{"-nn", "-ttttt"}, Options{NoResolve: 2, Timestamp: TimeDeltaFirst}},
	{"e", []string{"-nn", "-e"}, Options{NoResolve: 2, Link: true}},
	{"v", []string{"-nn", "-v"}, Options{NoResolve: 2, Verbose: 1}},
	{"vv", []string{"-nn", "-vv"}, Options{NoResolve: 2, Verbose: 2}},
	{"vvv", []string{"-nn", "-vvv"}, Options{NoResolve: 2, Verbose: 3}},
	{"vK", []string{"-nn", "-v", "-K"}, Options{NoResolve: 2, Verbose: 1, NoChecksumCheck: true}},
	{"q", []string{"-nn", "-q"}, Options{NoResolve: 2, Quiet: true}},
	{"S", []string{"-nn", "-S"}, Options{NoResolve: 2, AbsoluteSeq: true}},
	{"x", []string{"-nn", "-x"}, Options{NoResolve: 2, Hex: HexPayload}},
	{"xx", []string{"-nn", "-xx"}, Options{NoResolve: 2, Hex: HexAll}},
	{"X", []string{"-nn", "-X"}, Options{NoResolve: 2, Hex: HexASCIIPayload}},
	{"XX", []string{"-nn", "-XX"}, Options{NoResolve: 2, Hex: HexASCIIAll}},
	{"A", []string{"-nn", "-A"}, Options{NoResolve: 2, ASCII: true}},
	{"AA", []string{"-nn", "-AA"}, Options{NoResolve: 2, ASCII: true, ASCIIAll: true}},
	{"number", []string{"-nn", "-#"}, Options{NoResolve: 2, Number: true}},
}

// captureFloors are the committed minimum shares of identical lines per
// capture, over all option sets; TestGolden fails below them.
var captureFloors = map[string]float64{
	"arp": 1, "dhcp": 1, "dns": 1, "icmp": 1, "ipv4": 1, "ipv6": 1, "ntp": 1,
	"null": 1, "pppoe": 1, "raw": 1, "sll": 1, "sll2": 1, "tcp": 1, "tunnels": 1,
	"udp": 1, "vlan": 1, "corpus": 1, "llc": 1,
	// Malformed records and headers: lengths that cannot be right,
	// LINKTYPE_IPV4/IPV6, IPv6 payload lengths, options and routing
	// headers (one found by FuzzPrint).
	"badhdr": 1, "ip6edge": 1, "ipv4lt": 1,
	"mld":  1, // MLDv1 and v2 queries and reports
	"esp":  1, // ESP headers, whole and cut short
	"tfo":  1, // TCP Fast Open and experimental options
	"tftp": 1, // TFTP requests, data, errors, options, cut short
}

func captureFiles(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "*.pcap"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures under testdata: %v", err)
	}
	sort.Strings(files)
	return files
}

func ourOutput(t testing.TB, path string, o Options) string {
	pkts, err := readPcap(path)
	if err != nil {
		t.Fatal(err)
	}
	o.Location = time.UTC
	o.Resolver = MapResolver{}
	var buf bytes.Buffer
	p := New(&buf, o)
	for _, k := range pkts {
		if err := p.Print(k.data, k.ci); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func tcpdumpOutput(t *testing.T, tcpdump, path string, args []string) string {
	cmd := exec.Command(tcpdump, append([]string{"-r", path}, args...)...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("tcpdump %v: %v", args, err)
		}
	}
	return out.String()
}

func goldenPath(capture, set string) string {
	base := strings.TrimSuffix(filepath.Base(capture), ".pcap")
	return filepath.Join("testdata", "golden", base+"."+set+".txt")
}

// compareLines returns the number of lines in want and how many of them
// are identical in got at the same position.
func compareLines(want, got string) (total, same int, firstDiff string) {
	w := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	g := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	for i, l := range w {
		total++
		if i < len(g) && g[i] == l {
			same++
		} else if firstDiff == "" {
			gl := "<missing>"
			if i < len(g) {
				gl = g[i]
			}
			firstDiff = fmt.Sprintf("line %d:\n  tcpdump: %q\n  snare:   %q", i+1, l, gl)
		}
	}
	if len(g) > len(w) && firstDiff == "" {
		firstDiff = fmt.Sprintf("snare printed %d extra lines", len(g)-len(w))
	}
	return total, same, firstDiff
}

// TestGolden compares the printer with tcpdump's stored output for every
// capture and option set and logs the identical-line share per capture.
func TestGolden(t *testing.T) {
	tcpdump := ""
	if *updateFlag {
		var err error
		if tcpdump, err = exec.LookPath("tcpdump"); err != nil {
			t.Fatalf("-update needs tcpdump: %v", err)
		}
		if err := os.MkdirAll(filepath.Join("testdata", "golden"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	type score struct{ total, same int }
	perCapture := map[string]*score{}
	perSet := map[[2]string]*score{} // capture, option set
	for _, path := range captureFiles(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".pcap")
		sc := &score{}
		perCapture[name] = sc
		for _, set := range optSets {
			gp := goldenPath(path, set.name)
			if *updateFlag {
				if err := os.WriteFile(gp, []byte(tcpdumpOutput(t, tcpdump, path, set.args)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(gp)
			if err != nil {
				t.Fatalf("%s: %v (regenerate with -update)", gp, err)
			}
			got := ourOutput(t, path, set.opts)
			total, same, diff := compareLines(string(want), got)
			sc.total += total
			sc.same += same
			perSet[[2]string{name, set.name}] = &score{total, same}
			if same != total {
				t.Logf("%s %v: %d/%d identical; first difference at %s", name, set.args, same, total, diff)
			}
		}
	}
	names := make([]string, 0, len(perCapture))
	for n := range perCapture {
		names = append(names, n)
	}
	sort.Strings(names)
	var tb strings.Builder
	tb.WriteString("\n| capture | lines | identical | share | floor |\n|---|---|---|---|---|\n")
	for _, n := range names {
		sc := perCapture[n]
		share := float64(sc.same) / float64(max(sc.total, 1))
		floor, ok := captureFloors[n]
		if !ok {
			t.Errorf("capture %s has no committed floor", n)
		}
		fmt.Fprintf(&tb, "| %s | %d | %d | %.2f%% | %.0f%% |\n", n, sc.total, sc.same, 100*share, 100*floor)
		if share < floor {
			t.Errorf("%s: identical share %.4f below floor %.2f", n, share, floor)
		}
	}
	t.Log(tb.String())
	t.Log(setTable(names, func(capture, set string) (int, int) {
		sc := perSet[[2]string{capture, set}]
		return sc.total, sc.same
	}))
}

// setTable is the share of identical lines per capture and option set,
// as a Markdown table (go test ./printer -run 'TestGolden$' -v prints
// it).
func setTable(captures []string, score func(capture, set string) (total, same int)) string {
	var b strings.Builder
	b.WriteString("\n| capture |")
	for _, set := range optSets {
		fmt.Fprintf(&b, " %s |", strings.Join(set.args, " "))
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|", len(optSets)))
	b.WriteString("\n")
	for _, c := range captures {
		fmt.Fprintf(&b, "| %s |", c)
		for _, set := range optSets {
			total, same := score(c, set.name)
			if same == total {
				fmt.Fprintf(&b, " 100 |")
			} else {
				fmt.Fprintf(&b, " %.1f |", 100*float64(same)/float64(max(total, 1)))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestDifferential runs the installed tcpdump on the captures now (not the
// stored golden files) and checks the -nn output of the core protocols
// line for line.
func TestDifferential(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump not installed; the golden test covers the stored output")
	}
	for _, name := range []string{"tcp", "udp", "icmp", "arp", "ipv6", "dns", "sll", "null", "raw", "pppoe", "llc"} {
		path := filepath.Join("testdata", name+".pcap")
		for _, set := range []optSet{optSets[0], optSets[7], optSets[14]} {
			want := tcpdumpOutput(t, tcpdump, path, set.args)
			got := ourOutput(t, path, set.opts)
			if total, same, diff := compareLines(want, got); same != total {
				t.Errorf("%s %v: %d/%d identical, %s", name, set.args, same, total, diff)
			}
		}
	}
}

func TestReadPcapErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pcap")
	if err := os.WriteFile(bad, []byte("not a capture file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readPcap(bad); err == nil || !strings.Contains(err.Error(), "bad.pcap") {
		t.Fatalf("want an error naming the file, got %v", err)
	}
}
