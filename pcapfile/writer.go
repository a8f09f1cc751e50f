package pcapfile

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// WriterOptions describe the file a Writer writes.
type WriterOptions struct {
	// LinkType is the packets' link-layer type (a DLT_ value; the file
	// gets the LINKTYPE_ value).
	LinkType link.Type
	// SnapLen is the snapshot length written to the header; longer
	// packets are cut to it. 0 means the link type's maximum (262144 for
	// most types).
	SnapLen int
	// Nanosecond selects nanosecond timestamps (magic 0xa1b23c4d);
	// otherwise microseconds, and timestamps are truncated to µs.
	Nanosecond bool
	// ByteOrder is the file's byte order; nil means little-endian.
	ByteOrder binary.ByteOrder
	// FCSLength, if positive, is written to the header's FCS bits: the
	// packets end with that many bytes of frame check sequence.
	FCSLength int
}

// WriterBufferSize is the size of a Writer's output buffer.
const WriterBufferSize = 1 << 20

// Writer writes a pcap file. It is not safe for concurrent use.
type Writer struct {
	w      *bufio.Writer
	c      io.Closer // closed by Close when the Writer opened the file
	be     bool
	nano   bool
	snap   int
	lt     link.Type
	hdr    [RecordHeaderLen]byte
	err    error
	closed bool
}

func (o *WriterOptions) normalize() (field uint32, err error) {
	lt, ok := link.LinktypeOK(o.LinkType)
	if !ok {
		return 0, fmt.Errorf("link-layer type %d isn't supported in savefiles", uint32(o.LinkType))
	}
	if o.SnapLen < 0 {
		return 0, fmt.Errorf("invalid snapshot length %d", o.SnapLen)
	}
	if o.SnapLen == 0 {
		o.SnapLen = o.LinkType.MaxSnapLen()
	}
	if o.FCSLength < 0 || o.FCSLength > 30 || o.FCSLength%2 != 0 {
		return 0, fmt.Errorf("invalid FCS length %d (must be even, at most 30)", o.FCSLength)
	}
	fcs := -1
	if o.FCSLength > 0 {
		fcs = o.FCSLength
	}
	return link.JoinField(lt, fcs), nil
}

func bigEndian(bo binary.ByteOrder) bool {
	if bo == nil {
		return false
	}
	var b [2]byte
	bo.PutUint16(b[:], 1)
	return b[0] == 0
}

// fileHeader returns the 24-byte header for opts (normalized).
func fileHeader(opts WriterOptions, field uint32) []byte {
	var bo binary.ByteOrder = binary.LittleEndian
	if bigEndian(opts.ByteOrder) {
		bo = binary.BigEndian
	}
	h := make([]byte, FileHeaderLen)
	magic := MagicMicroseconds
	if opts.Nanosecond {
		magic = MagicNanoseconds
	}
	bo.PutUint32(h[0:], magic)
	bo.PutUint16(h[4:], 2)
	bo.PutUint16(h[6:], 4)
	bo.PutUint32(h[16:], uint32(opts.SnapLen))
	bo.PutUint32(h[20:], field)
	return h
}

// NewWriter writes a pcap file header for opts to w and returns a Writer
// for the packets. Call Flush (or Close) when done.
func NewWriter(w io.Writer, opts WriterOptions) (*Writer, error) {
	field, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	pw := newWriter(w, opts)
	if _, err := pw.w.Write(fileHeader(opts, field)); err != nil {
		return nil, err
	}
	return pw, nil
}

func newWriter(w io.Writer, opts WriterOptions) *Writer {
	return &Writer{
		w:    bufio.NewWriterSize(w, WriterBufferSize),
		be:   bigEndian(opts.ByteOrder),
		nano: opts.Nanosecond,
		snap: opts.SnapLen,
		lt:   opts.LinkType,
	}
}

// Create creates (or truncates) the file path and returns a Writer on it;
// Close closes the file.
func Create(path string, opts WriterOptions) (*Writer, error) {
	field, err := opts.normalize()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return newFileWriter(f, opts, field)
}

// newFileWriter returns a Writer that writes a file header for opts to
// the file f (which Close closes), closing f on failure.
func newFileWriter(f *os.File, opts WriterOptions, field uint32) (*Writer, error) {
	pw := newWriter(f, opts)
	pw.c = f
	if _, err := pw.w.Write(fileHeader(opts, field)); err != nil {
		f.Close()
		return nil, err
	}
	return pw, nil
}

// OpenAppend opens the pcap file path for appending packets, creating it
// (with a header for opts) when it does not exist or is empty. Like
// libpcap's pcap_dump_open_append it refuses a file whose byte order,
// timestamp precision, link type (with FCS bits) or snapshot length
// differ from opts, or whose version is not 2.4. Close closes the file.
func OpenAppend(path string, opts WriterOptions) (*Writer, error) {
	field, err := opts.normalize()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) (*Writer, error) {
		f.Close()
		return nil, &Error{File: path, Msg: fmt.Sprintf(format, args...), Err: snare.ErrFormat}
	}
	var h [FileHeaderLen]byte
	n, err := io.ReadFull(f, h[:])
	switch {
	case n == 0 && (err == io.EOF || err == nil):
		return newFileWriter(f, opts, field)
	case err == io.ErrUnexpectedEOF:
		return fail("truncated pcap file header")
	case err != nil:
		f.Close()
		return nil, err
	}
	wantBE := bigEndian(opts.ByteOrder)
	var bo binary.ByteOrder = binary.LittleEndian
	if wantBE {
		bo = binary.BigEndian
	}
	var other binary.ByteOrder = binary.BigEndian
	if wantBE {
		other = binary.LittleEndian
	}
	switch bo.Uint32(h[:]) {
	case MagicMicroseconds:
		if opts.Nanosecond {
			return fail("different time stamp precision, cannot append to file")
		}
	case MagicNanoseconds:
		if !opts.Nanosecond {
			return fail("different time stamp precision, cannot append to file")
		}
	case MagicKuznetzov:
		return fail("not a pcap file to which we can append")
	default:
		switch other.Uint32(h[:]) {
		case MagicMicroseconds, MagicNanoseconds:
			return fail("different byte order, cannot append to file")
		case MagicKuznetzov:
			return fail("not a pcap file to which we can append")
		}
		return fail("not a pcap file")
	}
	if maj, min := bo.Uint16(h[4:]), bo.Uint16(h[6:]); maj != 2 || min != 4 {
		return fail("version is %d.%d, cannot append to file", maj, min)
	}
	if got := bo.Uint32(h[20:]); got != field {
		return fail("different linktype, cannot append to file (file has %#x, want %#x)", got, field)
	}
	if got := bo.Uint32(h[16:]); got != uint32(opts.SnapLen) {
		return fail("different snaplen, cannot append to file (file has %d, want %d)", got, opts.SnapLen)
	}
	if _, err := f.Seek(0, io.SeekEnd); err != nil {
		f.Close()
		return nil, err
	}
	pw := newWriter(f, opts)
	pw.c = f
	return pw, nil
}

// ErrTimestampRange is returned for a timestamp a pcap file cannot hold
// (before 1970 or after 2106-02-07).
var ErrTimestampRange = errors.New("timestamp outside the range of pcap files (1970 to 2106)")

// WritePacket writes one packet. data is cut to the snapshot length; the
// original length written is ci.Length, or len(data) if that is larger.
func (w *Writer) WritePacket(ci snare.CaptureInfo, data []byte) error {
	if w.err != nil {
		return w.err
	}
	sec := ci.Timestamp.Unix()
	if sec < 0 || sec > math.MaxUint32 {
		return fmt.Errorf("%w: %v", ErrTimestampRange, ci.Timestamp)
	}
	frac := uint32(ci.Timestamp.Nanosecond())
	if !w.nano {
		frac /= 1000
	}
	wire := ci.Length
	if wire < len(data) {
		wire = len(data)
	}
	if len(data) > w.snap {
		data = data[:w.snap]
	}
	h := w.hdr[:]
	if w.be {
		binary.BigEndian.PutUint32(h[0:], uint32(sec))
		binary.BigEndian.PutUint32(h[4:], frac)
		binary.BigEndian.PutUint32(h[8:], uint32(len(data)))
		binary.BigEndian.PutUint32(h[12:], uint32(wire))
	} else {
		binary.LittleEndian.PutUint32(h[0:], uint32(sec))
		binary.LittleEndian.PutUint32(h[4:], frac)
		binary.LittleEndian.PutUint32(h[8:], uint32(len(data)))
		binary.LittleEndian.PutUint32(h[12:], uint32(wire))
	}
	if _, err := w.w.Write(h); err != nil {
		w.err = err
		return err
	}
	if _, err := w.w.Write(data); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Flush writes buffered packets to the underlying writer.
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

// Close flushes and, when the Writer opened the file itself (Create,
// OpenAppend), closes it. It does not close a writer given to NewWriter.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.Flush()
	if w.c != nil {
		if cerr := w.c.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// LinkType returns the link-layer type the Writer was created with.
func (w *Writer) LinkType() link.Type { return w.lt }

// SnapLen returns the snapshot length written to the header.
func (w *Writer) SnapLen() int { return w.snap }
