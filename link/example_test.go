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
