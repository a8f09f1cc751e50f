package snare

import (
	"time"

	"github.com/snare-pcap/snare/link"
)

// CaptureInfo is the metadata a source delivers with each packet.
type CaptureInfo struct {
	// Timestamp is when the packet was captured, at nanosecond precision.
	Timestamp time.Time
	// CaptureLength is the number of bytes captured (the length of the
	// data slice delivered with this CaptureInfo).
	CaptureLength int
	// Length is the packet's length on the wire; it is at least
	// CaptureLength.
	Length int
	// InterfaceIndex is the index of the interface the packet came from:
	// the pcapng interface ID for files, the OS interface index for live
	// capture, 0 when unknown.
	InterfaceIndex int
	// LinkType is the link-layer header type of the packet's data.
	LinkType link.Type
	// Direction is whether the packet was received or sent, when known.
	Direction Direction
}

// Direction says whether a packet was received by or sent from the
// capturing host, as libpcap's pcap_direction_t and pcapng's epb_flags do.
type Direction uint8

// Directions, as in libpcap's pcap_setdirection.
const (
	// DirectionUnknown: the source cannot tell (or, as a capture filter,
	// both directions: libpcap's PCAP_D_INOUT).
	DirectionUnknown Direction = iota
	// DirectionIn: the packet was received.
	DirectionIn
	// DirectionOut: the packet was sent.
	DirectionOut
)

// DirectionInOut is the capture setting that keeps both directions.
const DirectionInOut = DirectionUnknown

// String returns "in", "out" or "unknown".
func (d Direction) String() string {
	switch d {
	case DirectionIn:
		return "in"
	case DirectionOut:
		return "out"
	}
	return "unknown"
}
