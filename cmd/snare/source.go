package main

import (
	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// packetSource is what the command reads packets from: a capture file
// or a live handle. The slice returned by ZeroCopyReadPacketData is
// valid until the next call.
type packetSource interface {
	ZeroCopyReadPacketData() ([]byte, snare.CaptureInfo, error)
	LinkType() link.Type
	SnapLen() int
	Close() error
}

// packetSink is where the command writes packets: an output file,
// possibly rotated.
type packetSink interface {
	WritePacket(ci snare.CaptureInfo, data []byte) error
	Flush() error
	Close() error
}
