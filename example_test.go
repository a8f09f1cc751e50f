package snare_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/snare-pcap/snare"
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
