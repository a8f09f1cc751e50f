package main

import (
	"github.com/snare-pcap/snare"
)

// reader is what the command reads packets from: a capture file or a
// live handle. The slice returned by ZeroCopyReadPacketData is valid
// until the next call.
type reader interface {
	ZeroCopyReadPacketData() ([]byte, snare.CaptureInfo, error)
}
