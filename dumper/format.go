package dumper

import (
	"io"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/pcapfile"
	"github.com/snare-pcap/snare/pcapng"
)

// Writer writes the packets of one output file. pcapfile.Writer and
// pcapng.Writer are Writers.
type Writer interface {
	WritePacket(ci snare.CaptureInfo, data []byte) error
	Flush() error
	Close() error
}

// A Format starts output files and knows how many bytes each packet
// takes in them, so that size rotation (-C) can be decided exactly as
// tcpdump decides it (on the file's logical size, buffered bytes
// included) without flushing.
type Format interface {
	// NewWriter writes a file header to w and returns the file's
	// Writer, and the header's size in bytes.
	NewWriter(w io.Writer) (Writer, int64, error)
	// RecordSize is the number of bytes WritePacket adds to the file
	// for this packet.
	RecordSize(ci snare.CaptureInfo, data []byte) int64
}

// Pcap is the classic pcap format.
type Pcap struct {
	// LinkType and SnapLen go to the file header (SnapLen 0: the link
	// type's maximum); packets longer than SnapLen are cut.
	LinkType link.Type
	SnapLen  int
	// Nanosecond writes nanosecond time stamps.
	Nanosecond bool
}

// NewWriter implements Format.
func (f Pcap) NewWriter(w io.Writer) (Writer, int64, error) {
	pw, err := pcapfile.NewWriter(w, pcapfile.WriterOptions{LinkType: f.LinkType, SnapLen: f.SnapLen, Nanosecond: f.Nanosecond})
	if err != nil {
		return nil, 0, err
	}
	return pw, pcapfile.FileHeaderLen, nil
}

// RecordSize implements Format.
func (f Pcap) RecordSize(ci snare.CaptureInfo, data []byte) int64 {
	n := len(data)
	snap := f.SnapLen
	if snap == 0 {
		snap = f.LinkType.MaxSnapLen()
	}
	if n > snap {
		n = snap
	}
	return int64(pcapfile.RecordHeaderLen + n)
}

// Pcapng is the pcapng format: a section header and one interface
// description per interface, then an Enhanced Packet Block per packet
// (with epb_flags when the packet's direction is known).
type Pcapng struct {
	// Section is the section header's options (application, OS,
	// comments).
	Section pcapng.WriterOptions
	// Interfaces are written in order; a packet's
	// CaptureInfo.InterfaceIndex selects one. At least one is needed.
	Interfaces []pcapng.Interface
}

// NewWriter implements Format.
func (f Pcapng) NewWriter(w io.Writer) (Writer, int64, error) {
	cw := &countWriter{w: w}
	nw, err := pcapng.NewWriter(cw, f.Section)
	if err != nil {
		return nil, 0, err
	}
	for _, intf := range f.Interfaces {
		if _, err := nw.AddInterface(intf); err != nil {
			return nil, 0, err
		}
	}
	if err := nw.Flush(); err != nil {
		return nil, 0, err
	}
	return nw, cw.n, nil
}

// interfaceSize is the size of intf's Interface Description Block,
// measured by writing it to a scratch section.
func (f Pcapng) interfaceSize(intf pcapng.Interface) (int64, error) {
	cw := &countWriter{w: io.Discard}
	w, err := pcapng.NewWriter(cw, pcapng.WriterOptions{})
	if err != nil {
		return 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	before := cw.n
	if _, err := w.AddInterface(intf); err != nil {
		return 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return cw.n - before, nil
}

// RecordSize implements Format.
func (f Pcapng) RecordSize(ci snare.CaptureInfo, data []byte) int64 {
	return f.recordSizeOptions(ci, data, nil)
}

// recordSizeOptions is the size of an Enhanced Packet Block with opts
// (nil: none but the direction).
func (f Pcapng) recordSizeOptions(ci snare.CaptureInfo, data []byte, opts *pcapng.PacketOptions) int64 {
	n := int64(28 + padded(len(data)) + 4)
	var o int
	flags := ci.Direction != snare.DirectionUnknown
	if opts != nil {
		flags = flags || opts.Flags != 0 || opts.HasFlags
		for _, c := range opts.Comments {
			o += 4 + padded(min(len(c), 0xfff8))
		}
		for _, h := range opts.Hashes {
			o += 4 + padded(1+len(h.Value))
		}
		if opts.HasDropCount || opts.DropCount != 0 {
			o += 12
		}
		if opts.HasPacketID || opts.PacketID != 0 {
			o += 12
		}
		if opts.HasQueue || opts.Queue != 0 {
			o += 8
		}
	}
	if flags {
		o += 8
	}
	if o > 0 {
		o += 4 // opt_endofopt
	}
	return n + int64(o)
}

func padded(n int) int { return n + (4-n%4)%4 }

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
