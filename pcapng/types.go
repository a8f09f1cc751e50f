package pcapng

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"net/netip"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// Resolution is an interface's time-stamp resolution, the raw value of
// the if_tsresol option: if the top bit is clear the unit is 10^-n
// seconds, otherwise 2^-n seconds, n being the low seven bits.
type Resolution uint8

// Common resolutions.
const (
	// Microsecond is pcapng's default resolution (10^-6 s).
	Microsecond Resolution = 6
	// Nanosecond is 10^-9 s.
	Nanosecond Resolution = 9
)

// IsBinary reports whether the unit is a negative power of 2.
func (r Resolution) IsBinary() bool { return r&0x80 != 0 }

// Exponent returns n, the unit being 10^-n or 2^-n seconds.
func (r Resolution) Exponent() int { return int(r & 0x7f) }

// valid reports whether the units per second fit in 64 bits (libpcap's
// limits: 10^19 and 2^63).
func (r Resolution) valid() bool {
	if r.IsBinary() {
		return r.Exponent() <= 63
	}
	return r.Exponent() <= 19
}

// UnitsPerSecond returns the number of time-stamp units per second, or
// 0 if it does not fit in 64 bits.
func (r Resolution) UnitsPerSecond() uint64 {
	if !r.valid() {
		return 0
	}
	if r.IsBinary() {
		return 1 << uint(r.Exponent())
	}
	u := uint64(1)
	for i := 0; i < r.Exponent(); i++ {
		u *= 10
	}
	return u
}

// String returns "10^-6 s" or "2^-20 s".
func (r Resolution) String() string {
	if r.IsBinary() {
		return fmt.Sprintf("2^-%d s", r.Exponent())
	}
	return fmt.Sprintf("10^-%d s", r.Exponent())
}

// clock converts between time stamps in units and time.Time for one
// resolution and offset.
type clock struct {
	units  uint64 // units per second
	offset int64  // if_tsoffset, seconds
	kind   uint8  // clockMicro, clockNano, clockMul, clockDiv, clockBin
	factor uint64 // multiplier (clockMul) or divisor (clockDiv) to nanoseconds
}

const (
	clockMicro = iota
	clockNano
	clockMul // power of 10 below 10^9: ns = frac * factor
	clockDiv // power of 10 above 10^9: ns = frac / factor
	clockBin // power of 2: ns = frac * 1e9 / units
)

func newClock(r Resolution, offset int64) clock {
	c := clock{units: r.UnitsPerSecond(), offset: offset}
	switch {
	case r == Microsecond:
		c.kind = clockMicro
	case r == Nanosecond:
		c.kind = clockNano
	case r.IsBinary():
		c.kind = clockBin
	case r.Exponent() < 9:
		c.kind = clockMul
		c.factor = 1e9 / c.units
	default:
		c.kind = clockDiv
		c.factor = c.units / 1e9
	}
	return c
}

// time converts a time stamp in units to a time.Time.
func (c *clock) time(ts uint64) time.Time {
	var sec, ns uint64
	switch c.kind {
	case clockMicro:
		sec, ns = ts/1e6, ts%1e6*1e3
	case clockNano:
		sec, ns = ts/1e9, ts%1e9
	case clockMul:
		sec, ns = ts/c.units, ts%c.units*c.factor
	case clockDiv:
		sec, ns = ts/c.units, ts%c.units/c.factor
	default:
		sec = ts / c.units
		hi, lo := bits.Mul64(ts%c.units, 1e9)
		ns, _ = bits.Div64(hi, lo, c.units)
	}
	return time.Unix(int64(sec)+c.offset, int64(ns))
}

// stamp converts a time.Time to units; ok is false when t is before
// the offset or does not fit in 64 bits.
func (c *clock) stamp(t time.Time) (ts uint64, ok bool) {
	sec := t.Unix() - c.offset
	if sec < 0 {
		return 0, false
	}
	ns := uint64(t.Nanosecond())
	var frac uint64
	switch c.kind {
	case clockMicro:
		frac = ns / 1e3
	case clockNano:
		frac = ns
	case clockMul:
		frac = ns / c.factor
	case clockDiv:
		frac = ns * c.factor
	default:
		// Round up when the unit is finer than a nanosecond, so that
		// time() (which rounds down) gives back the same nanosecond.
		hi, lo := bits.Mul64(ns, c.units)
		var rem uint64
		frac, rem = bits.Div64(hi, lo, 1e9)
		if rem != 0 && c.units > 1e9 {
			frac++
		}
	}
	hi, lo := bits.Mul64(uint64(sec), c.units)
	ts, carry := bits.Add64(lo, frac, 0)
	if hi != 0 || carry != 0 {
		return 0, false
	}
	return ts, true
}

// SectionHeader is the content of a Section Header Block.
type SectionHeader struct {
	// ByteOrder is the section's byte order.
	ByteOrder binary.ByteOrder
	// Major and Minor are the format version (1.0).
	Major, Minor uint16
	// Length is the section length in bytes, or -1 if not given.
	Length int64
	// Hardware, OS and UserApplication are the shb_hardware, shb_os and
	// shb_userappl options.
	Hardware, OS, UserApplication string
	// Comments are the opt_comment options.
	Comments []string
	// Offset is the byte offset of the block in the file.
	Offset int64
}

// Interface is an Interface Description Block.
type Interface struct {
	// LinkType is the link-layer header type of the interface's packets.
	LinkType link.Type
	// SnapLen is the snapshot length; 0 means no limit.
	SnapLen int
	// Name, Description, OS and Hardware are if_name, if_description,
	// if_os and if_hardware.
	Name, Description, OS, Hardware string
	// Filter is the if_filter option's text and FilterType its first
	// byte (0: a libpcap filter string).
	Filter     string
	FilterType uint8
	// TSResolution is if_tsresol. The reader reports Microsecond when the
	// option is absent; the writer uses Nanosecond when it is zero.
	TSResolution Resolution
	// TSOffset is if_tsoffset, in seconds, added to every time stamp.
	TSOffset int64
	// FCSLen is if_fcslen, the length of the frame check sequence at
	// the end of each packet, valid when HasFCSLen is true.
	FCSLen    int
	HasFCSLen bool
	// Speed is if_speed in bits per second (0 if absent).
	Speed uint64
	// Comments are the opt_comment options.
	Comments []string
}

// Flags is the epb_flags option (pack_flags in a Packet Block).
type Flags uint32

// Direction returns the direction in the low two bits.
func (f Flags) Direction() snare.Direction {
	switch f & 3 {
	case 1:
		return snare.DirectionIn
	case 2:
		return snare.DirectionOut
	}
	return snare.DirectionUnknown
}

// ReceptionType returns bits 2-4: 0 not specified, 1 unicast, 2
// multicast, 3 broadcast, 4 promiscuous.
func (f Flags) ReceptionType() int { return int(f>>2) & 7 }

// FCSLength returns bits 5-8, the FCS length (0 if not available).
func (f Flags) FCSLength() int { return int(f>>5) & 15 }

// LinkLayerErrors returns bits 16-31, the link-layer error bits.
func (f Flags) LinkLayerErrors() uint16 { return uint16(f >> 16) }

// flagsFor returns flags carrying direction d.
func flagsFor(d snare.Direction) Flags {
	switch d {
	case snare.DirectionIn:
		return 1
	case snare.DirectionOut:
		return 2
	}
	return 0
}

// Hash is an epb_hash option: an algorithm code (2: CRC32, 3: MD5,
// 4: SHA-1, 5: Toeplitz) and the hash value.
type Hash struct {
	Algorithm uint8  // the algorithm code
	Value     []byte // the hash, as many bytes as the algorithm makes
}

// PacketOptions are the options of a packet block.
type PacketOptions struct {
	// Comments are the opt_comment options.
	Comments []string
	// Flags is epb_flags, valid when HasFlags.
	Flags    Flags
	HasFlags bool
	// DropCount is epb_dropcount (or a Packet Block's drops count),
	// valid when HasDropCount.
	DropCount    uint64
	HasDropCount bool
	// Hashes are the epb_hash options.
	Hashes []Hash
	// PacketID is epb_packetid, valid when HasPacketID.
	PacketID    uint64
	HasPacketID bool
	// Queue is epb_queue, valid when HasQueue.
	Queue    uint32
	HasQueue bool
}

// NameRecord is one IPv4 or IPv6 record of a Name Resolution Block.
type NameRecord struct {
	Addr  netip.Addr // the address (nrb_record_ipv4 or nrb_record_ipv6)
	Names []string   // the names given for it, in order
}

// StatFields says which fields of InterfaceStatistics are present.
type StatFields uint8

// Statistics fields.
const (
	StatStartTime StatFields = 1 << iota
	StatEndTime
	StatReceived
	StatDropped
	StatFilterAccepted
	StatOSDropped
	StatDelivered
)

// InterfaceStatistics is an Interface Statistics Block. When writing, a
// counter is written if its bit is set in Fields or it is not zero.
type InterfaceStatistics struct {
	// Timestamp is when the statistics were taken.
	Timestamp time.Time
	// Fields says which of the following are present.
	Fields StatFields
	// StartTime and EndTime are isb_starttime and isb_endtime.
	StartTime, EndTime time.Time
	// Received (isb_ifrecv), Dropped (isb_ifdrop), FilterAccepted
	// (isb_filteraccept), OSDropped (isb_osdrop), Delivered
	// (isb_usrdeliv) are packet counters.
	Received, Dropped, FilterAccepted, OSDropped, Delivered uint64
	// Comments are the opt_comment options.
	Comments []string
}

// DecryptionSecrets is a Decryption Secrets Block.
type DecryptionSecrets struct {
	// Type is the secrets type (0x544c534b: TLS key log, 0x57474b4c:
	// WireGuard key log, ...).
	Type uint32
	// Data is the secrets.
	Data []byte
	// Comments are the opt_comment options.
	Comments []string
}

// CustomBlock is a custom block, handed to ReaderOptions.CustomBlock.
type CustomBlock struct {
	// Copyable is true for block type 0x00000BAD, false for 0x40000BAD.
	Copyable bool
	// PEN is the IANA Private Enterprise Number of the block's owner.
	PEN uint32
	// Data is the rest of the block body (including any options, which
	// only the owner can parse). It is valid only during the callback.
	Data []byte
	// Offset is the byte offset of the block in the file.
	Offset int64
}

// FormatError reports a malformed or truncated block.
type FormatError struct {
	// File is the file name, when known.
	File string
	// Block is the block's number in the file, counting from 1.
	Block int
	// Type is the block type (0 if it could not be read).
	Type uint32
	// Offset is the byte offset of the block's start.
	Offset int64
	// Msg says what is wrong.
	Msg string
	// Err is snare.ErrFormat or snare.ErrTruncated.
	Err error
}

// Error returns "pcapng: FILE: block N (TYPE) at byte offset X: what:
// malformed capture file" (or "capture file is truncated").
func (e *FormatError) Error() string {
	s := "pcapng: "
	if e.File != "" {
		s += e.File + ": "
	}
	if e.Block > 0 {
		s += fmt.Sprintf("block %d", e.Block)
		if e.Type != 0 || e.Block == 1 {
			s += fmt.Sprintf(" (%s, type 0x%08X)", BlockTypeName(e.Type), e.Type)
		}
		s += fmt.Sprintf(" at byte offset %d: ", e.Offset)
	}
	return s + e.Msg + ": " + e.Err.Error()
}

// Unwrap returns snare.ErrFormat or snare.ErrTruncated.
func (e *FormatError) Unwrap() error { return e.Err }
