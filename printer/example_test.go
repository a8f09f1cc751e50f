package printer_test

import (
	"os"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/printer"
)

func Example() {
	// An ARP request in an Ethernet frame.
	frame := []byte{
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 10, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
	}
	p := printer.New(os.Stdout, printer.Options{NoResolve: 2, Link: true, Location: time.UTC})
	p.Print(frame, snare.CaptureInfo{
		Timestamp:     time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC),
		CaptureLength: len(frame),
		Length:        len(frame),
		LinkType:      1, // Ethernet
	})
	p.Flush()
	// Output:
	// 03:04:05.000006 00:11:22:33:44:55 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1, length 28
}

// ExamplePacketTypeByName decodes a UDP datagram to an unusual port as
// DNS, as tcpdump -T domain does.
func ExamplePacketTypeByName() {
	pt, ok := printer.PacketTypeByName("domain")
	if !ok {
		return
	}
	// IPv4 (no link header), UDP from port 5000 to port 9999, carrying
	// a DNS query for "a." type A.
	pkt := []byte{
		0x45, 0, 0, 47, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0x13, 0x88, 0x27, 0x0f, 0, 27, 0, 0,
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1,
	}
	p := printer.New(os.Stdout, printer.Options{NoResolve: 2, Timestamp: printer.TimeNone, PacketType: pt})
	p.Print(pkt, snare.CaptureInfo{CaptureLength: len(pkt), Length: len(pkt), LinkType: 228}) // raw IPv4
	p.Flush()
	// Output:
	// IP 10.0.0.1.5000 > 10.0.0.2.9999: 4660+ A? a. (19)
}
