package printer

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestTruncatedDifferential cuts every test packet at every length, runs
// the installed tcpdump on the result and compares the -nn lines: this
// checks the "[|proto]" truncation output of every printer.
func TestTruncatedDifferential(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump not installed")
	}
	dir := t.TempDir()
	total, same := 0, 0
	for _, name := range []string{"tcp", "udp", "icmp", "arp", "ipv4", "ipv6", "dns", "dhcp", "ntp", "tunnels", "pppoe", "sll", "null", "raw", "llc"} {
		c := captures()[name]
		var out []capPkt
		for _, k := range c.pkts {
			d := k.data
			if k.snap != 0 && k.snap < len(d) {
				d = d[:k.snap]
			}
			for cut := 1; cut <= len(d); cut++ {
				out = append(out, capPkt{data: d, snap: cut, orig: len(k.data)})
			}
		}
		path := filepath.Join(dir, name+".pcap")
		if err := os.WriteFile(path, pcapBytes(c.lt, out), 0o644); err != nil {
			t.Fatal(err)
		}
		want := tcpdumpOutput(t, tcpdump, path, []string{"-nn"})
		got := ourOutput(t, path, Options{NoResolve: 2})
		n, s, diff := compareLines(want, got)
		total += n
		same += s
		if s != n {
			t.Logf("%s: %d/%d identical; first difference at %s", name, s, n, diff)
		}
	}
	share := float64(same) / float64(total)
	t.Logf("truncated prefixes: %d/%d lines identical (%.2f%%)", same, total, 100*share)
	if share < 0.999 {
		t.Errorf("identical share %.4f below floor 0.999", share)
	}
}
