// Package printer decodes packets and prints them as one-line summaries in
// the format of tcpdump 4.99: the same fields in the same order, the same
// timestamp styles (-t...-ttttt), verbosity levels (-v, -vv, -vvv), quiet
// mode (-q), link-level headers (-e), hex/ASCII dumps (-x, -xx, -X,
// -XX, -A) and the -T types vxlan, domain and snmp.
//
// Decoding is done by small hand-written decoders in this package (not
// gopacket layers): tcpdump's output depends on exact header fields and on
// where a truncated packet ends, which a layer decoder hides. Printing
// appends to one reusable buffer and writes through a bufio.Writer, so a
// packet costs no allocation in the common case. Call Flush when done.
//
// The package does not read files or capture: a caller hands it each
// packet's bytes and its snare.CaptureInfo.
package printer

import (
	"bufio"
	"io"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// TimestampMode selects how the time stamp at the start of each line is
// printed, as tcpdump's -t options do.
type TimestampMode int

// Timestamp modes, in the order of tcpdump's -t count.
const (
	// TimeDefault prints the time of day, "15:04:05.000000" (no -t).
	TimeDefault TimestampMode = iota
	// TimeNone prints no time stamp (-t).
	TimeNone
	// TimeEpoch prints seconds since the Unix epoch (-tt).
	TimeEpoch
	// TimeDeltaPrev prints the time since the previous packet (-ttt).
	TimeDeltaPrev
	// TimeDate prints the date and the time of day (-tttt).
	TimeDate
	// TimeDeltaFirst prints the time since the first packet (-ttttt).
	TimeDeltaFirst
)

// Hex dump modes for Options.Hex, as tcpdump's -x, -xx, -X and -XX.
const (
	// HexNone prints no dump.
	HexNone = iota
	// HexPayload prints the packet after the link-layer header in hex (-x).
	HexPayload
	// HexAll prints the whole packet in hex (-xx).
	HexAll
	// HexASCIIPayload prints hex and ASCII after the link header (-X).
	HexASCIIPayload
	// HexASCIIAll prints the whole packet in hex and ASCII (-XX).
	HexASCIIAll
)

// Options are the printing flags, named after tcpdump's.
type Options struct {
	// Verbose is the number of -v flags.
	Verbose int
	// NoResolve is the number of -n flags: 0 resolves addresses to host
	// names (through Resolver), 1 prints addresses, 2 (-nn) also prints
	// port numbers instead of service names.
	NoResolve int
	// Quiet is -q: less protocol information.
	Quiet bool
	// Link is -e: print the link-level header.
	Link bool
	// Timestamp is the -t count.
	Timestamp TimestampMode
	// Nano prints fractions of seconds with nine digits instead of six.
	Nano bool
	// AbsoluteSeq is -S: absolute TCP sequence numbers.
	AbsoluteSeq bool
	// NoChecksumCheck is -K: do not verify checksums.
	NoChecksumCheck bool
	// Hex is the dump mode: HexNone, HexPayload, HexAll, HexASCIIPayload
	// or HexASCIIAll.
	Hex int
	// ASCII is -A: print the packet after the link header in ASCII (when
	// Hex is HexNone).
	ASCII bool
	// ASCIIAll is -AA: with ASCII, print the whole packet, link-layer
	// header included.
	ASCIIAll bool
	// Number is -#: print the packet number at the start of each line.
	Number bool
	// Lengths is --lengths: print the captured and wire lengths after the
	// time stamp, as "caplen N len N " (snare's own addition; tcpdump
	// 4.99.3 has no such flag).
	Lengths bool
	// Location is the time zone for TimeDefault and TimeDate; nil means
	// time.Local.
	Location *time.Location
	// Resolver turns addresses into names when NoResolve is 0; nil means
	// a DNS resolver with a short timeout and a cache.
	Resolver Resolver
	// PacketType is -T: decode every UDP payload as this protocol,
	// whatever the ports.
	PacketType PacketType
}

// PacketType is a protocol that tcpdump's -T forces on UDP payloads.
type PacketType int

// The -T types snare decodes.
const (
	// PacketDefault chooses the decoder by port.
	PacketDefault PacketType = iota
	// PacketVXLAN is -T vxlan.
	PacketVXLAN
	// PacketDomain is -T domain (DNS).
	PacketDomain
	// PacketSNMP is -T snmp.
	PacketSNMP
)

// PacketTypeByName returns the PacketType for a -T name ("vxlan",
// "domain", "snmp").
func PacketTypeByName(name string) (PacketType, bool) {
	switch name {
	case "vxlan":
		return PacketVXLAN, true
	case "domain":
		return PacketDomain, true
	case "snmp":
		return PacketSNMP, true
	}
	return PacketDefault, false
}

// Printer prints packets as tcpdump does. It is not safe for concurrent use.
type Printer struct {
	w    *bufio.Writer
	opts Options
	buf  []byte
	num  uint64

	haveFirst bool
	first     time.Time
	prev      time.Time

	seqs tcpTable

	// cached "[date ]HH:MM:SS." of the second tsSec
	tsSec int64
	tsLen int
	tsBuf [32]byte

	// per-packet state
	linkLen int  // bytes of link-layer header (for -x/-X/-A)
	jumped  bool // a printer stopped at truncated data
	res     Resolver
}

// New returns a Printer writing to w with the given options.
func New(w io.Writer, opts Options) *Printer {
	p := &Printer{w: bufio.NewWriterSize(w, 64<<10), opts: opts, buf: make([]byte, 0, 4096)}
	if p.opts.Location == nil {
		p.opts.Location = time.Local
	}
	if opts.NoResolve == 0 {
		p.res = opts.Resolver
		if p.res == nil {
			p.res = NewDNSResolver(0)
		}
	}
	return p
}

// Flush writes any buffered output.
func (p *Printer) Flush() error { return p.w.Flush() }

// Print decodes one packet and writes its line(s). ci.LinkType selects the
// decoder and ci.Length is the length on the wire. The data slice is not
// retained.
func (p *Printer) Print(data []byte, ci snare.CaptureInfo) error {
	p.num++
	b := p.buf[:0]
	if p.opts.Number {
		b = appendPadUint(b, p.num, 5, ' ')
		b = append(b, ' ', ' ')
	}
	if bad := invalidHeader(b, len(data), ci.Length); bad != nil {
		b = bad
	} else {
		b = p.appendPacket(b, data, ci)
	}
	b = append(b, '\n')
	p.buf = b
	_, err := p.w.Write(b)
	return err
}

// appendPacket appends a packet's line(s) after the number: the time
// stamp, -e's and the protocols' fields, and -x's dump.
func (p *Printer) appendPacket(b, data []byte, ci snare.CaptureInfo) []byte {
	b = p.appendTimestamp(b, ci.Timestamp)
	if p.opts.Lengths {
		b = append(b, "caplen "...)
		b = appendUint(b, uint64(len(data)))
		b = append(b, " len "...)
		b = appendUint(b, uint64(ci.Length))
		b = append(b, ' ')
	}
	length := ci.Length
	if length < len(data) {
		length = len(data)
	}
	p.linkLen = 0
	p.jumped = false
	b = p.decodeLink(b, data, length, ci.LinkType)
	if p.jumped {
		p.linkLen = 0
	}
	return p.appendDump(b, data)
}

// invalidHeader appends tcpdump's line for a record whose lengths cannot
// be right ("[Invalid header: caplen==0, len==0]", "[Invalid header:
// len(10) < caplen(20)]"), printed instead of the packet, without a time
// stamp; it returns nil when the lengths are fine.
func invalidHeader(b []byte, caplen, length int) []byte {
	if caplen != 0 && length != 0 && length >= caplen {
		return nil
	}
	b = append(b, "[Invalid header:"...)
	sep := " "
	if caplen == 0 {
		b = append(b, " caplen==0"...)
		sep = ", "
	}
	if length == 0 {
		b = append(b, sep...)
		b = append(b, "len==0"...)
	} else if length < caplen {
		b = append(b, sep...)
		b = append(b, "len("...)
		b = appendUint(b, uint64(length))
		b = append(b, ") < caplen("...)
		b = appendUint(b, uint64(caplen))
		b = append(b, ')')
	}
	return append(b, ']')
}

func (p *Printer) decodeLink(b, data []byte, length int, lt link.Type) []byte {
	switch lt {
	case dltEN10MB:
		return p.ether(b, data, length)
	case dltNull, dltLoop:
		return p.null(b, data, length, lt == dltLoop)
	case dltRaw, dltRawAlt, 101, dltIPv4, dltIPv6:
		// tcpdump 4.99 prints LINKTYPE_IPV4 and _IPV6 as raw IP:
		// "ip: " with -e, and the version nibble decides.
		return p.rawIP(b, data, length)
	case dltLinuxSLL:
		return p.sll(b, data, length)
	case dltLinuxSLL2:
		return p.sll2(b, data, length)
	}
	// tcpdump: "unsupported data link type"; snare prints the generic dump.
	b = append(b, "unknown link type "...)
	b = appendUint(b, uint64(lt))
	b = append(b, ", length "...)
	b = appendUint(b, uint64(length))
	return b
}

// DLT values this package decodes.
const (
	dltNull      link.Type = 0
	dltEN10MB    link.Type = 1
	dltRaw       link.Type = 12
	dltRawAlt    link.Type = 14
	dltLoop      link.Type = 108
	dltLinuxSLL  link.Type = 113
	dltIPv4      link.Type = 228
	dltIPv6      link.Type = 229
	dltLinuxSLL2 link.Type = 276
)
