package printer

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func printAll(t *testing.T, name string, o Options) []string {
	t.Helper()
	pkts, err := readPcap(filepath.Join("testdata", name+".pcap"))
	if err != nil {
		t.Fatal(err)
	}
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
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

func TestLengthsAndNano(t *testing.T) {
	lines := printAll(t, "tcp", Options{NoResolve: 2, Lengths: true, Nano: true, Timestamp: TimeEpoch, Location: time.UTC})
	want := "1700000000.000137000 caplen 74 len 74 IP 10.0.0.1.43210 > 192.168.1.20.443: Flags [S]"
	if !strings.HasPrefix(lines[0], want) {
		t.Fatalf("got  %q\nwant prefix %q", lines[0], want)
	}
	// The truncated packet (snap 60) shows both lengths.
	found := false
	for _, l := range lines {
		if strings.Contains(l, "caplen 60 len 154 ") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no line with caplen 60 len 154:\n%s", strings.Join(lines, "\n"))
	}
}

func TestTimeZone(t *testing.T) {
	loc := time.FixedZone("X", 5*3600+30*60)
	lines := printAll(t, "arp", Options{NoResolve: 2, Timestamp: TimeDate, Location: loc})
	if !strings.HasPrefix(lines[0], "2023-11-15 03:43:20.000137 ARP, ") {
		t.Fatalf("got %q", lines[0])
	}
}

func TestResolveNames(t *testing.T) {
	if servName(443, false) != "https" {
		t.Skip("/etc/services has no https entry")
	}
	res := MapResolver{netip.MustParseAddr("10.0.0.1"): "alpha.example", netip.MustParseAddr("192.168.1.20"): "beta"}
	lines := printAll(t, "tcp", Options{Resolver: res, Location: time.UTC})
	if !strings.Contains(lines[0], "IP alpha.example.43210 > beta.https: Flags [S]") {
		t.Fatalf("got %q", lines[0])
	}
	// -n: addresses and ports stay numeric (tcpdump 4.99).
	lines = printAll(t, "tcp", Options{NoResolve: 1, Resolver: res, Location: time.UTC})
	if !strings.Contains(lines[0], "IP 10.0.0.1.43210 > 192.168.1.20.443: ") {
		t.Fatalf("got %q", lines[0])
	}
}

func TestTCPTableBounded(t *testing.T) {
	old := maxTCPConns
	maxTCPConns = 4
	defer func() { maxTCPConns = old }()
	p := New(&bytes.Buffer{}, Options{NoResolve: 2, Location: time.UTC})
	pkts, err := readPcap(filepath.Join("testdata", "corpus.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range pkts {
		if err := p.Print(k.data, k.ci); err != nil {
			t.Fatal(err)
		}
		if n := len(p.seqs.m); n > maxTCPConns {
			t.Fatalf("TCP table holds %d connections, bound is %d", n, maxTCPConns)
		}
	}
}

func TestNumberAndDeltas(t *testing.T) {
	lines := printAll(t, "arp", Options{NoResolve: 2, Number: true, Timestamp: TimeDeltaPrev, Location: time.UTC})
	if !strings.HasPrefix(lines[0], "    1   00:00:00.000000 ARP") || !strings.HasPrefix(lines[1], "    2   00:00:00.000137 ARP") {
		t.Fatalf("got %q / %q", lines[0], lines[1])
	}
}
