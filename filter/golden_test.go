package filter

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("filter.updategolden", false, "rewrite testdata/golden/*.txt from the current compiler")

// goldenExprs are compiled for EN10MB, unoptimized and optimized, and
// compared with testdata/golden (tcpdump -d text) to catch unintended
// changes in the generated code. (Agreement with libpcap itself is
// checked by the libpcap suite in cases_test.go; where libpcap 1.10's
// tcpdump prints different code for these, it is because the generator
// follows libpcap master, which the suite was taken from.)
var goldenExprs = []string{
	"tcp port 80",
	"host 10.0.0.1 and not port 22",
	"ip6 and udp portrange 1000-2000",
	"ether src 00:11:22:33:44:55 or broadcast",
	"tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
	"icmp[icmptype] = icmp-echo",
	"vlan 100 and ip",
	"mpls 42 and ip6",
	"pppoes 7 and ip",
	"vxlan and tcp",
	"geneve 9 and udp",
	"ip protochain 6",
	"less 100 or greater 1000",
	"llc u",
	"decnet host 1.2",
	"net 192.168.0.0/16 and not net 192.168.1.0 mask 255.255.255.0",
	"ip6 net 2001:db8::/32",
	"len - 14 > ip[2:2]",
}

func TestGolden(t *testing.T) {
	for i, e := range goldenExprs {
		for _, opt := range []bool{false, true} {
			p, err := Compile(e, Options{LinkType: 1, Optimize: opt})
			if err != nil {
				t.Fatalf("%q: %v", e, err)
			}
			name := "unopt"
			if opt {
				name = "opt"
			}
			file := filepath.Join("testdata", "golden", name+"-"+strings.Repeat("0", 2-len(itoa(i)))+itoa(i)+".txt")
			got := "# " + e + "\n" + p.Disassemble()
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -filter.updategolden to create)", err)
			}
			if got != string(want) {
				t.Errorf("%s: %q compiled to\n%s\nwant\n%s", file, e, got, want)
			}
		}
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return string(rune('0'+i/10)) + string(rune('0'+i%10))
}
