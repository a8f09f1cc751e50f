package snare_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/snare-pcap/snare"
	_ "github.com/snare-pcap/snare/savefile" // the file:// capture module
)

// Capture 10 packets from eth0 with a kernel filter, as
// "tcpdump -i eth0 -c 10 'tcp port 443'" does. Live capture needs the
// afpacket module: import _ "github.com/snare-pcap/snare/afpacket".
func Example() {
	h, err := snare.NewHandle("eth0")
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	h.SetSnapLen(262144)
	h.SetPromisc(true)
	h.SetTimeout(time.Second)
	h.SetBufferSize(4 << 20)
	if err := h.Activate(); err != nil {
		log.Fatal(err) // wraps snare.ErrPermission, snare.ErrNoSuchDevice...
	}
	if err := h.SetFilter("tcp port 443"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("filtering in", h.FilterPlace())
	err = h.Loop(10, func(data []byte, ci snare.CaptureInfo) {
		fmt.Println(ci.Timestamp, ci.CaptureLength, ci.Length)
	})
	if err != nil {
		log.Fatal(err)
	}
	st, _ := h.Stats()
	fmt.Printf("%d packets captured\n%d packets received by filter\n%d packets dropped by kernel\n",
		st.Captured, st.Received, st.Dropped)
}

// Read a capture file through a Handle, as "tcpdump -r FILE 'tcp port
// 80'" does: the savefile module claims "file://" names (pcap or pcapng,
// plain, gzip or zstd) and the filter runs in user space.
func Example_file() {
	h, err := snare.NewHandle("file://testdata/sample.pcap")
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	if err := h.Activate(); err != nil {
		log.Fatal(err) // a missing or corrupt file names the file (and the record and byte offset)
	}
	if err := h.SetFilter("tcp port 80"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.LinkType(), h.SnapLen(), h.FilterPlace())
	n := 0
	for pkt, err := range h.Packets() { // ends at the end of the file
		if err != nil {
			log.Fatal(err) // a truncated file: every packet first, then snare.ErrTruncated
		}
		if n == 0 {
			fmt.Println(pkt.Info.Timestamp.UTC().Format(time.RFC3339Nano), pkt.Info.CaptureLength, pkt.Info.Length)
		}
		n++
	}
	fmt.Println(n, "packets")
	// Output:
	// EN10MB 262144 userland
	// 2024-03-01T12:00:00.044615Z 74 74
	// 10 packets
}

// Iterate over packets; another goroutine stops the loop with BreakLoop
// (or Close), which wakes a blocked read at once.
func ExampleHandle_Packets() {
	h, err := snare.OpenLive("any", 0, false, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	time.AfterFunc(5*time.Second, h.BreakLoop)
	for pkt, err := range h.Packets() {
		if errors.Is(err, snare.ErrBreak) {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(pkt.Info.Timestamp, len(pkt.Data)) // pkt.Data is valid in this iteration only
	}
}

// List capture devices as tcpdump -D does.
func ExampleFindAllDevs() {
	devs, err := snare.FindAllDevs()
	if err != nil {
		log.Fatal(err)
	}
	for i, d := range devs {
		if d.Description != "" {
			fmt.Printf("%d.%s (%s) [%s]\n", i+1, d.Name, d.Description, d.Flags)
		} else {
			fmt.Printf("%d.%s [%s]\n", i+1, d.Name, d.Flags)
		}
	}
}
