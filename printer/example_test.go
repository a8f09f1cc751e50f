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
