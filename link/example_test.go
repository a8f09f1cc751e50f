package link_test

import (
	"fmt"

	"github.com/snare-pcap/snare/link"
)

func ExampleByName() {
	t, ok := link.ByName("dlt_linux_sll2")
	fmt.Println(uint32(t), ok, t, t.Description(), t.MaxSnapLen())
	// Output: 276 true LINUX_SLL2 Linux cooked v2 262144
}

func ExampleFromLinktype() {
	// A pcap file header says LINKTYPE_RAW (101); on Linux that is DLT_RAW (12).
	t := link.FromLinktype(101)
	fmt.Println(uint32(t), t, link.ToLinktype(t))
	// Output: 12 RAW 101
}

// A pcap file header's link-type word carries the FCS length in its top
// bits (in 16-bit words, with a bit that says it is present):
// 0x24000001 is Ethernet whose frames end with a 4-byte FCS.
func ExampleSplitField() {
	fmt.Printf("%#x\n", link.JoinField(1, 4))
	lt, fcs, reserved := link.SplitField(0x24000001)
	fmt.Println(link.FromLinktype(lt), fcs, reserved)
	lt, fcs, _ = link.SplitField(1)
	fmt.Println(link.FromLinktype(lt), fcs)
	// Output:
	// 0x24000001
	// EN10MB 4 0
	// EN10MB -1
}

// Types lists libpcap's whole table of names, in order of value.
func ExampleTypes() {
	for _, t := range link.Types()[:3] {
		fmt.Printf("%s (%s) %d\n", t, t.Description(), uint32(t))
	}
	// Output:
	// NULL (BSD loopback) 0
	// EN10MB (Ethernet) 1
	// IEEE802 (Token ring) 6
}

// LinktypeOK says whether a type can be written to a savefile.
func ExampleLinktypeOK() {
	fmt.Println(link.LinktypeOK(link.Raw))
	_, ok := link.LinktypeOK(13) // DLT_ATM_RFC1483 on some BSDs, never in a file
	fmt.Println(ok)
	// Output:
	// 101 true
	// false
}
