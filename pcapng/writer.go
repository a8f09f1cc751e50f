package pcapng

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/snare-pcap/snare"
)

// WriterOptions are the Section Header Block's options.
type WriterOptions struct {
	// Hardware, OS and UserApplication are written as shb_hardware,
	// shb_os and shb_userappl when not empty.
	Hardware, OS, UserApplication string
	// Comments are written as opt_comment options.
	Comments []string
	// BigEndian writes the section in big-endian byte order (default
	// little-endian).
	BigEndian bool
}

// ErrWriterClosed is returned by a Writer used after Close.
var ErrWriterClosed = errors.New("pcapng: writer is closed")

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

type wiface struct {
	Interface
	clock   clock
	stats   InterfaceStatistics
	hasStat bool
}

// Writer writes a pcapng section. It buffers its output: call Flush or
// Close. String options longer than an option can hold (65528 bytes)
// are cut. After an error from the underlying writer every call returns
// that error.
type Writer struct {
	w      *bufio.Writer
	order  byteOrder
	ifaces []wiface
	hdr    []byte // scratch for block headers and options
	tail   [12]byte
	closed bool
	err    error
}

// NewWriter writes a Section Header Block with opts to w and returns a
// Writer for the section.
func NewWriter(w io.Writer, opts WriterOptions) (*Writer, error) {
	wr := &Writer{w: bufio.NewWriterSize(w, 1<<20), order: binary.LittleEndian, hdr: make([]byte, 0, 256)}
	if opts.BigEndian {
		wr.order = binary.BigEndian
	}
	b := wr.begin(BlockTypeSHB)
	b = wr.order.AppendUint32(b, byteOrderMagic)
	b = wr.order.AppendUint16(b, 1)
	b = wr.order.AppendUint16(b, 0)
	b = wr.order.AppendUint64(b, ^uint64(0))
	for _, c := range opts.Comments {
		b = wr.appendString(b, optComment, c)
	}
	b = wr.appendString(b, optSHBHardware, opts.Hardware)
	b = wr.appendString(b, optSHBOS, opts.OS)
	b = wr.appendString(b, optSHBUserAppl, opts.UserApplication)
	if err := wr.finish(b, nil); err != nil {
		return nil, err
	}
	return wr, nil
}

// begin starts a block in the scratch buffer (the length is patched by
// finish).
func (w *Writer) begin(typ uint32) []byte {
	b := w.order.AppendUint32(w.hdr[:0], typ)
	return w.order.AppendUint32(b, 0)
}

// appendOption appends an option (value padded to 4 bytes).
func (w *Writer) appendOption(b []byte, code uint16, v []byte) []byte {
	b = w.order.AppendUint16(b, code)
	b = w.order.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	for i := len(v); i%4 != 0; i++ {
		b = append(b, 0)
	}
	return b
}

// appendString appends a string option if s is not empty, cut to the
// longest length an option can have.
func (w *Writer) appendString(b []byte, code uint16, s string) []byte {
	if s == "" {
		return b
	}
	if len(s) > 0xfff8 {
		s = s[:0xfff8]
	}
	b = w.order.AppendUint16(b, code)
	b = w.order.AppendUint16(b, uint16(len(s)))
	b = append(b, s...)
	for i := len(s); i%4 != 0; i++ {
		b = append(b, 0)
	}
	return b
}

// finish writes the block begun in b, without packet data or options.
func (w *Writer) finish(b []byte, data []byte) error {
	return w.finishParts(b, data, nil)
}

// finishParts writes a block: head (header and fixed fields, from
// begin), data padded to 4 bytes, the options in opts followed by
// opt_endofopt if there are any, and the trailer.

func (w *Writer) finishParts(head, data, opts []byte) error {
	if w.err != nil {
		return w.err
	}
	pad := (4 - len(data)%4) % 4
	hasOpts := len(opts) > 0
	total := len(head) + len(data) + pad + len(opts) + 4
	if hasOpts {
		total += 4 // opt_endofopt
	}
	if uint64(total) > 0xfffffffc {
		return fmt.Errorf("pcapng: block of %d bytes is too large", total)
	}
	w.order.PutUint32(head[4:], uint32(total))
	if _, err := w.w.Write(head); err != nil {
		w.err = err
		return err
	}
	if len(data) > 0 {
		if _, err := w.w.Write(data); err != nil {
			w.err = err
			return err
		}
	}
	tail := w.tail[:0]
	tail = append(tail, zeros[:pad]...)
	if hasOpts {
		if _, err := w.w.Write(tail); err != nil {
			w.err = err
			return err
		}
		if _, err := w.w.Write(opts); err != nil {
			w.err = err
			return err
		}
		tail = append(tail[:0], zeros[:4]...)
	}
	tail = w.order.AppendUint32(tail, uint32(total))
	if _, err := w.w.Write(tail); err != nil {
		w.err = err
		return err
	}
	return nil
}

var zeros [4]byte

// AddInterface writes an Interface Description Block for intf and
// returns its interface index. Note that libpcap 1.10 (and so tcpdump)
// refuses files whose interfaces differ in link type or snap length;
// Wireshark reads them. The block has if_name, if_description,
// if_filter, if_os, if_hardware, if_speed, if_fcslen, if_tsresol (when
// not microseconds; a zero TSResolution means nanoseconds), if_tsoffset
// and comments when set.
func (w *Writer) AddInterface(intf Interface) (int, error) {
	if w.closed {
		return 0, ErrWriterClosed
	}
	if intf.TSResolution == 0 {
		intf.TSResolution = Nanosecond
	}
	if !intf.TSResolution.valid() {
		return 0, fmt.Errorf("pcapng: time-stamp resolution %s is too fine", intf.TSResolution)
	}
	if intf.SnapLen < 0 || int64(intf.SnapLen) > 0xffffffff {
		return 0, fmt.Errorf("pcapng: bad snapshot length %d", intf.SnapLen)
	}
	lt := toLinktype(intf.LinkType)
	if lt > 0xffff {
		return 0, fmt.Errorf("pcapng: link type %d does not fit in an interface description block", lt)
	}
	b := w.begin(BlockTypeIDB)
	b = w.order.AppendUint16(b, uint16(lt))
	b = w.order.AppendUint16(b, 0)
	b = w.order.AppendUint32(b, uint32(intf.SnapLen))
	o := len(b)
	for _, c := range intf.Comments {
		b = w.appendString(b, optComment, c)
	}
	b = w.appendString(b, optIfName, intf.Name)
	b = w.appendString(b, optIfDescription, intf.Description)
	if intf.Filter != "" {
		b = w.appendOption(b, optIfFilter, append([]byte{intf.FilterType}, intf.Filter...))
	}
	b = w.appendString(b, optIfOS, intf.OS)
	b = w.appendString(b, optIfHardware, intf.Hardware)
	if intf.Speed != 0 {
		b = w.appendOption(b, optIfSpeed, w.order.AppendUint64(nil, intf.Speed))
	}
	if intf.TSResolution != Microsecond {
		b = w.appendOption(b, optIfTSResol, []byte{byte(intf.TSResolution)})
	}
	if intf.TSOffset != 0 {
		b = w.appendOption(b, optIfTSOffset, w.order.AppendUint64(nil, uint64(intf.TSOffset)))
	}
	if intf.HasFCSLen {
		b = w.appendOption(b, optIfFCSLen, []byte{byte(intf.FCSLen)})
	}
	w.hdr = b
	if err := w.finishParts(b[:o], nil, b[o:]); err != nil {
		return 0, err
	}
	w.ifaces = append(w.ifaces, wiface{Interface: intf, clock: newClock(intf.TSResolution, intf.TSOffset)})
	return len(w.ifaces) - 1, nil
}

// WritePacket writes an Enhanced Packet Block for data on interface
// ci.InterfaceIndex, with epb_flags carrying ci.Direction when known.
// The captured length is len(data); the original length is ci.Length
// (or len(data) if smaller).
func (w *Writer) WritePacket(ci snare.CaptureInfo, data []byte) error {
	return w.WritePacketWithOptions(ci, data, PacketOptions{})
}

// WritePacketWithOptions is WritePacket with options: comments, flags
// (whose direction bits, if zero, come from ci.Direction), drop count,
// hashes, packet ID and queue.
func (w *Writer) WritePacketWithOptions(ci snare.CaptureInfo, data []byte, opts PacketOptions) error {
	if w.closed {
		return ErrWriterClosed
	}
	if ci.InterfaceIndex < 0 || ci.InterfaceIndex >= len(w.ifaces) {
		return fmt.Errorf("pcapng: packet on interface %d, but %d interfaces were added", ci.InterfaceIndex, len(w.ifaces))
	}
	if len(data) > 0xffffffff-64 {
		return fmt.Errorf("pcapng: packet of %d bytes is too large", len(data))
	}
	ifc := &w.ifaces[ci.InterfaceIndex]
	ts, ok := ifc.clock.stamp(ci.Timestamp)
	if !ok {
		return fmt.Errorf("pcapng: time stamp %v can't be written with resolution %s and offset %d", ci.Timestamp, ifc.TSResolution, ifc.TSOffset)
	}
	wire := ci.Length
	if wire < len(data) {
		wire = len(data)
	}
	b := w.begin(BlockTypeEPB)
	b = w.order.AppendUint32(b, uint32(ci.InterfaceIndex))
	b = w.order.AppendUint32(b, uint32(ts>>32))
	b = w.order.AppendUint32(b, uint32(ts))
	b = w.order.AppendUint32(b, uint32(len(data)))
	b = w.order.AppendUint32(b, uint32(min(uint64(wire), 0xffffffff)))
	o := len(b)
	flags := opts.Flags
	if flags&3 == 0 {
		flags |= flagsFor(ci.Direction)
	}
	if flags != 0 || opts.HasFlags {
		b = w.order.AppendUint16(b, optEPBFlags)
		b = w.order.AppendUint16(b, 4)
		b = w.order.AppendUint32(b, uint32(flags))
	}
	for _, c := range opts.Comments {
		b = w.appendString(b, optComment, c)
	}
	for _, h := range opts.Hashes {
		b = w.appendOption(b, optEPBHash, append([]byte{h.Algorithm}, h.Value...))
	}
	if opts.HasDropCount || opts.DropCount != 0 {
		b = w.appendOption(b, optEPBDropCount, w.order.AppendUint64(nil, opts.DropCount))
	}
	if opts.HasPacketID || opts.PacketID != 0 {
		b = w.appendOption(b, optEPBPacketID, w.order.AppendUint64(nil, opts.PacketID))
	}
	if opts.HasQueue || opts.Queue != 0 {
		b = w.appendOption(b, optEPBQueue, w.order.AppendUint32(nil, opts.Queue))
	}
	w.hdr = b
	return w.finishParts(b[:o], data, b[o:])
}

// WriteNameRecords writes a Name Resolution Block with the IPv4 and
// IPv6 records (other addresses are refused).
func (w *Writer) WriteNameRecords(records ...NameRecord) error {
	if w.closed {
		return ErrWriterClosed
	}
	b := w.begin(BlockTypeNRB)
	for _, rec := range records {
		var typ uint16
		a := rec.Addr.Unmap()
		switch {
		case rec.Addr.Is4():
			typ = nrbRecordIPv4
		case rec.Addr.Is6():
			typ, a = nrbRecordIPv6, rec.Addr
		default:
			return fmt.Errorf("pcapng: name record with invalid address %v", rec.Addr)
		}
		v := a.AsSlice()
		for _, n := range rec.Names {
			v = append(append(v, n...), 0)
		}
		if len(v) > 0xffff {
			return fmt.Errorf("pcapng: name record for %v is too long", rec.Addr)
		}
		b = w.appendOption(b, typ, v)
	}
	b = w.appendOption(b, nrbRecordEnd, nil)
	w.hdr = b
	return w.finish(b, nil)
}

// SetInterfaceStatistics sets the statistics written for interface
// index in an Interface Statistics Block when the Writer is closed.
func (w *Writer) SetInterfaceStatistics(index int, stats InterfaceStatistics) error {
	if index < 0 || index >= len(w.ifaces) {
		return fmt.Errorf("pcapng: statistics for interface %d, but %d interfaces were added", index, len(w.ifaces))
	}
	w.ifaces[index].stats, w.ifaces[index].hasStat = stats, true
	return nil
}

func (w *Writer) writeISB(index int) error {
	ifc := &w.ifaces[index]
	s := &ifc.stats
	ts, _ := ifc.clock.stamp(s.Timestamp)
	b := w.begin(BlockTypeISB)
	b = w.order.AppendUint32(b, uint32(index))
	b = w.order.AppendUint32(b, uint32(ts>>32))
	b = w.order.AppendUint32(b, uint32(ts))
	o := len(b)
	for _, c := range s.Comments {
		b = w.appendString(b, optComment, c)
	}
	appendTime := func(code uint16, bit StatFields, t interface{ IsZero() bool }, v uint64) {
		if s.Fields&bit != 0 || !t.IsZero() {
			b = w.order.AppendUint16(b, code)
			b = w.order.AppendUint16(b, 8)
			b = w.order.AppendUint32(b, uint32(v>>32))
			b = w.order.AppendUint32(b, uint32(v))
		}
	}
	st, _ := ifc.clock.stamp(s.StartTime)
	et, _ := ifc.clock.stamp(s.EndTime)
	appendTime(optISBStartTime, StatStartTime, s.StartTime, st)
	appendTime(optISBEndTime, StatEndTime, s.EndTime, et)
	for _, c := range []struct {
		code uint16
		bit  StatFields
		v    uint64
	}{
		{optISBIfRecv, StatReceived, s.Received},
		{optISBIfDrop, StatDropped, s.Dropped},
		{optISBFilterAccept, StatFilterAccepted, s.FilterAccepted},
		{optISBOSDrop, StatOSDropped, s.OSDropped},
		{optISBUsrDeliv, StatDelivered, s.Delivered},
	} {
		if s.Fields&c.bit != 0 || c.v != 0 {
			b = w.appendOption(b, c.code, w.order.AppendUint64(nil, c.v))
		}
	}
	w.hdr = b
	return w.finishParts(b[:o], nil, b[o:])
}

// Flush writes buffered blocks to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Close writes the Interface Statistics Blocks set with
// SetInterfaceStatistics and flushes. It does not close the underlying
// writer.
func (w *Writer) Close() error {
	if w.closed {
		return ErrWriterClosed
	}
	for i := range w.ifaces {
		if w.ifaces[i].hasStat {
			if err := w.writeISB(i); err != nil {
				return err
			}
		}
	}
	w.closed = true
	return w.Flush()
}
