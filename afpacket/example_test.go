//go:build linux

package afpacket_test

import (
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/snare-pcap/snare"
	_ "github.com/snare-pcap/snare/afpacket"
)

// Spread one interface's packets over two goroutines with a
// PACKET_FANOUT hash group: each flow always goes to the same handle.
func Example_fanout() {
	var wg sync.WaitGroup
	for i := range 2 {
		h, err := snare.NewHandle("eth0")
		if err != nil {
			log.Fatal(err)
		}
		h.SetBufferSize(8 << 20)
		h.SetFanout(snare.Fanout{Mode: snare.FanoutHash, Group: 17})
		if err := h.Activate(); err != nil {
			log.Fatal(err)
		}
		if err := h.SetFilter("tcp"); err != nil {
			log.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer h.Close()
			n := 0
			h.Loop(1000, func(data []byte, ci snare.CaptureInfo) { n++ })
			fmt.Println("worker", i, "saw", n, "packets")
		}()
	}
	wg.Wait()
}

// Capture on all interfaces with the LINUX_SLL2 header, which carries the
// interface index.
func Example_any() {
	h, err := snare.OpenLive("any", 0, false, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	types, _ := h.LinkTypes() // LINUX_SLL, LINUX_SLL2
	if err := h.SetLinkType(types[len(types)-1]); err != nil {
		log.Fatal(err)
	}
	data, ci, err := h.ReadPacketData()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ci.InterfaceIndex, ci.Direction, len(data))
}

// Read in batches: one call returns every packet ready in the ring's
// current block (up to 128), without copying them, which costs less per
// packet than a call or a callback per packet.
func Example_batches() {
	h, err := snare.OpenLive("eth0", 0, false, time.Second)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	var packets, bytes int
	for packets < 10000 {
		pkts, err := h.NextBatch()
		if errors.Is(err, snare.ErrTimeout) {
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		for i := range pkts {
			packets++
			bytes += len(pkts[i].Data) // valid until the next read
		}
	}
	fmt.Println(packets, "packets,", bytes, "bytes")
}
