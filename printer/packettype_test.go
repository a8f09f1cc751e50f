package printer

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPacketTypeGolden compares -T vxlan, -T domain and -T snmp (every
// UDP payload decoded as that protocol, whatever its ports) with
// tcpdump's stored output on the captures with UDP traffic, with and
// without -v (go test ./printer -run TestPacketTypeGolden -update
// regenerates the files).
func TestPacketTypeGolden(t *testing.T) {
	tcpdump := ""
	if *updateFlag {
		var err error
		if tcpdump, err = exec.LookPath("tcpdump"); err != nil {
			t.Fatalf("-update needs tcpdump: %v", err)
		}
	}
	types := []struct {
		name string
		pt   PacketType
	}{{"vxlan", PacketVXLAN}, {"domain", PacketDomain}, {"snmp", PacketSNMP}}
	for _, capture := range []string{"udp", "dns", "tunnels", "ntp", "dhcp", "tcp", "corpus"} {
		path := filepath.Join("testdata", capture+".pcap")
		for _, typ := range types {
			for _, verbose := range []int{0, 1} {
				set := "T" + typ.name
				args := []string{"-nn", "-T", typ.name}
				if verbose > 0 {
					set += "v"
					args = append(args, "-v")
				}
				gp := goldenPath(path, set)
				if *updateFlag {
					if err := os.WriteFile(gp, []byte(tcpdumpOutput(t, tcpdump, path, args)), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(gp)
				if err != nil {
					t.Fatalf("%s: %v (regenerate with -update)", gp, err)
				}
				got := ourOutput(t, path, Options{NoResolve: 2, Verbose: verbose, PacketType: typ.pt})
				if total, same, diff := compareLines(string(want), got); same != total {
					t.Errorf("%s %v: %d/%d identical; first difference at %s", capture, args, same, total, diff)
				}
			}
		}
	}
}
