package filter

import (
	"strings"
	"testing"

	"github.com/snare-pcap/snare/link"
)

// linkAfterEncap are link-layer loads after the primitives that move
// libpcap's link-layer header (vlan, mpls, pppoes): "link[...]" and
// "ether[...]" then index from the header libpcap pushed.
var linkAfterEncap = []string{
	"vlan and link[0] = 1",
	"vlan and ether[12:2] = 0x800",
	"vlan 10 and vlan 20 and link[2:2] = 3",
	"vlan and ether src 1:2:3:4:5:6",
	"mpls and link[0] = 1",
	"mpls 5 and ether[4:4] = 9",
	"pppoes and link[0xf:2] > 3",
	"pppoes and ether[0] = 1", // (with a session ID, libpcap 1.10 loads it as a masked word)
	"pppoes and ether[0xf:4] > 5",
	"pppoes and link[2] = 1 and ip",
	"pppoes and ether host 1:2:3:4:5:6",
	"pppoes and ether broadcast",
	"pppoes and ether proto 0x800",
	"pppoed and link[0] = 1",
	"pppoes and vlan and link[0] = 1",
	"vlan and pppoes and link[1] = 1",
	"mpls and pppoes and link[0] = 1",
	"pppoes and ip[0] = 0x45",
	"pppoes and tcp port 80",
	"pppoes and ip6 and udp",
	"pppoes and len > 100",
	"LINUX_SLL:pppoes and ip",
	"LINUX_SLL:pppoes and link[0] = 0x21",
	"LINUX_SLL2:pppoes and tcp port 80",
	"LINUX_SLL:vlan and link[0] = 1",
	"LINUX_SLL:mpls and link[2] = 1",
}

// TestLinkAfterEncapTcpdump compiles link-layer loads after vlan, mpls
// and pppoes with the real libpcap (unoptimized) and requires the same
// instructions.
func TestLinkAfterEncapTcpdump(t *testing.T) {
	tcpdump := lookTcpdump(t)
	for _, e := range linkAfterEncap {
		dlt, expr, ok := strings.Cut(e, ":")
		if !ok || strings.ContainsAny(dlt, " [") {
			dlt, expr = "EN10MB", e
		}
		lt, _ := link.ByName(dlt)
		theirs, msg := libpcapCompile(tcpdump, dlt, expr, false)
		ours, err := Compile(expr, Options{LinkType: lt})
		switch {
		case theirs == nil && err == nil:
			t.Errorf("%q: tcpdump refuses it (%s), snare compiles it", expr, msg)
		case theirs == nil:
			// Both refuse.
		case err != nil:
			t.Errorf("%q: %v (tcpdump compiles it)", expr, err)
		case !same(ours, theirs):
			t.Errorf("%q: ours differs from libpcap's:\n%s\n--- libpcap\n%s", expr, ours.Disassemble(), theirs.Disassemble())
		}
	}
}
