package savefile

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/pcapfile"
	"github.com/snare-pcap/snare/pcapng"
)

// Reader reads packets from a capture file of either format.
type Reader interface {
	// ZeroCopyReadPacketData returns the next packet; data is valid
	// until the next call. It returns io.EOF at the end of the file.
	ZeroCopyReadPacketData() (data []byte, ci snare.CaptureInfo, err error)
	// ReadPacketData returns the next packet in a new slice.
	ReadPacketData() (data []byte, ci snare.CaptureInfo, err error)
	// LinkType returns the link-layer type (of the first interface, for
	// pcapng).
	LinkType() link.Type
	// SnapLen returns the snapshot length (of the first interface, for
	// pcapng).
	SnapLen() int
	// Close releases the file (an input given to NewReader stays open).
	Close() error
}

// Format is a capture file format.
type Format int

// Formats.
const (
	FormatUnknown Format = iota
	FormatPcap           // libpcap's classic format (package pcapfile)
	FormatPcapNG         // pcapng (package pcapng)
)

// String returns "pcap", "pcapng" or "unknown".
func (f Format) String() string {
	switch f {
	case FormatPcap:
		return "pcap"
	case FormatPcapNG:
		return "pcapng"
	}
	return "unknown"
}

// Compression is a compression wrapped around a capture file.
type Compression int

// Compressions.
const (
	CompressionNone Compression = iota
	CompressionGzip
	CompressionZstd
)

// String returns "none", "gzip" or "zstd".
func (c Compression) String() string {
	switch c {
	case CompressionGzip:
		return "gzip"
	case CompressionZstd:
		return "zstd"
	}
	return "none"
}

// Magic numbers, as the first four bytes of a file.
var (
	magicGzip   = []byte{0x1f, 0x8b}
	magicZstd   = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicPcapNG = []byte{0x0a, 0x0d, 0x0d, 0x0a}
)

// Detect reports the format or compression that the first four bytes of
// a file announce.
func Detect(head []byte) (Format, Compression) {
	if len(head) >= 2 && head[0] == magicGzip[0] && head[1] == magicGzip[1] {
		return FormatUnknown, CompressionGzip
	}
	if len(head) < 4 {
		return FormatUnknown, CompressionNone
	}
	if string(head[:4]) == string(magicZstd) {
		return FormatUnknown, CompressionZstd
	}
	if string(head[:4]) == string(magicPcapNG) {
		return FormatPcapNG, CompressionNone
	}
	for _, v := range []uint32{binary.LittleEndian.Uint32(head), binary.BigEndian.Uint32(head)} {
		switch v {
		case pcapfile.MagicMicroseconds, pcapfile.MagicNanoseconds, pcapfile.MagicKuznetzov:
			return FormatPcap, CompressionNone
		}
	}
	return FormatUnknown, CompressionNone
}

// File is the Reader that Open and NewReader return.
type File struct {
	pcap    *pcapfile.Reader
	ng      *pcapng.Reader
	format  Format
	comp    Compression
	name    string
	closers []io.Closer
	closed  bool
}

// zstd limits: a hostile header cannot make the decoder allocate more.
// 128 MiB is the largest window the zstd command (and so Wireshark)
// decodes without being told otherwise (--long=27, --ultra -22).
const (
	zstdMaxWindow = 128 << 20
	zstdMaxMemory = 512 << 20
)

// Open opens the capture file path ("-" for the standard input).
func Open(path string) (Reader, error) {
	f, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// OpenFile is Open returning the concrete *File.
func OpenFile(path string) (*File, error) {
	if path == "-" {
		return newFile(os.Stdin, "standard input", nil)
	}
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	f, err := newFile(fd, path, fd)
	if err != nil {
		fd.Close()
		return nil, err
	}
	return f, nil
}

// NewReader reads a capture file of either format, possibly compressed,
// from r. Close does not close r.
func NewReader(r io.Reader) (Reader, error) {
	f, err := NewFile(r, "")
	if err != nil {
		return nil, err
	}
	return f, nil
}

// NewFile is NewReader returning the concrete *File; name, if not empty,
// names the input in errors.
func NewFile(r io.Reader, name string) (*File, error) {
	if name == "" {
		if n, ok := r.(interface{ Name() string }); ok {
			name = n.Name()
		}
	}
	return newFile(r, name, nil)
}

// prefixReader gives back the bytes read to detect the format, then
// reads straight from r.
type prefixReader struct {
	prefix []byte
	r      io.Reader
}

func (p *prefixReader) Read(b []byte) (int, error) {
	if len(p.prefix) > 0 {
		n := copy(b, p.prefix)
		p.prefix = p.prefix[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// decompressed reads from a decompressor. A stream cut short stays
// io.ErrUnexpectedEOF, which the format readers report as a truncated
// file; any other error means corrupt compressed data and becomes a
// *DecompressError wrapping snare.ErrFormat.
type decompressed struct {
	r    io.Reader
	comp Compression
}

func (d *decompressed) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		err = &DecompressError{Compression: d.comp, Err: err}
	}
	return n, err
}

// DecompressError is corrupt gzip or zstd data (or a zstd frame that
// needs a window larger than 128 MiB). It wraps snare.ErrFormat and the
// decompressor's error; the format readers put it inside their own
// error, which names the file, the record and the byte offset in the
// decompressed data.
type DecompressError struct {
	Compression Compression // CompressionGzip or CompressionZstd
	Err         error       // the decompressor's error
}

// Error returns "corrupt gzip data: ..." or "corrupt zstd data: ...".
func (e *DecompressError) Error() string {
	if errors.Is(e.Err, zstd.ErrWindowSizeExceeded) {
		return fmt.Sprintf("corrupt %v data: %v (the limit is %d MiB)", e.Compression, e.Err, zstdMaxWindow>>20)
	}
	return fmt.Sprintf("corrupt %v data: %v", e.Compression, e.Err)
}

// Unwrap returns snare.ErrFormat and the decompressor's error.
func (e *DecompressError) Unwrap() []error { return []error{snare.ErrFormat, e.Err} }

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func newFile(r io.Reader, name string, c io.Closer) (*File, error) {
	f := &File{name: name}
	if c != nil {
		f.closers = append(f.closers, c)
	}
	for depth := 0; ; depth++ {
		head := make([]byte, 4)
		n, err := io.ReadFull(r, head)
		head = head[:n]
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			f.Close()
			return nil, &pcapfile.Error{File: name, Msg: "error reading dump file: " + err.Error(), Err: err}
		}
		format, comp := Detect(head)
		src := &prefixReader{head, r}
		if comp != CompressionNone {
			if depth > 0 {
				f.Close()
				return nil, &pcapfile.Error{File: name, Msg: fmt.Sprintf("%v data inside %v data", comp, f.comp), Err: snare.ErrFormat}
			}
			f.comp = comp
			switch comp {
			case CompressionGzip:
				zr, err := gzip.NewReader(src)
				if err != nil {
					f.Close()
					return nil, &pcapfile.Error{File: name, Msg: "gzip: " + err.Error(), Err: snare.ErrFormat}
				}
				f.closers = append(f.closers, zr)
				r = &decompressed{zr, comp}
			case CompressionZstd:
				zr, err := zstd.NewReader(src, zstd.WithDecoderMaxWindow(zstdMaxWindow), zstd.WithDecoderMaxMemory(zstdMaxMemory), zstd.WithDecoderConcurrency(1))
				if err != nil {
					f.Close()
					return nil, &pcapfile.Error{File: name, Msg: "zstd: " + err.Error(), Err: snare.ErrFormat}
				}
				f.closers = append(f.closers, closerFunc(func() error { zr.Close(); return nil }))
				r = &decompressed{zr, comp}
			}
			continue
		}
		f.format = format
		switch format {
		case FormatPcap:
			pr, err := pcapfile.NewReaderOptions(src, pcapfile.ReaderOptions{Name: name})
			if err != nil {
				f.Close()
				return nil, err
			}
			f.pcap = pr
		case FormatPcapNG:
			nr, err := pcapng.NewReaderOptions(src, pcapng.ReaderOptions{Name: name})
			if err != nil {
				f.Close()
				return nil, err
			}
			f.ng = nr
		default:
			f.Close()
			if len(head) < 4 {
				return nil, &pcapfile.Error{File: name, Msg: fmt.Sprintf("truncated dump file; tried to read 4 file header bytes, only got %d", len(head)), Err: snare.ErrTruncated}
			}
			return nil, &pcapfile.Error{File: name, Msg: fmt.Sprintf("unknown file format (magic %02x%02x%02x%02x)", head[0], head[1], head[2], head[3]), Err: snare.ErrFormat}
		}
		return f, nil
	}
}

// ZeroCopyReadPacketData returns the next packet; data is valid until the
// next call. Packets carry their interface index and link type.
func (f *File) ZeroCopyReadPacketData() ([]byte, snare.CaptureInfo, error) {
	if f.pcap != nil {
		return f.pcap.ZeroCopyReadPacketData()
	}
	return f.ng.ZeroCopyReadPacketData()
}

// ReadPacketData returns the next packet in a new slice.
func (f *File) ReadPacketData() ([]byte, snare.CaptureInfo, error) {
	if f.pcap != nil {
		return f.pcap.ReadPacketData()
	}
	return f.ng.ReadPacketData()
}

// LinkType returns the file's link-layer type (the first interface's for
// pcapng).
func (f *File) LinkType() link.Type {
	if f.pcap != nil {
		return f.pcap.LinkType()
	}
	return f.ng.LinkType()
}

// SnapLen returns the file's snapshot length (the first interface's for
// pcapng).
func (f *File) SnapLen() int {
	if f.pcap != nil {
		return f.pcap.SnapLen()
	}
	return f.ng.SnapLen()
}

// Format returns the file's format.
func (f *File) Format() Format { return f.format }

// Compression returns the compression the file was wrapped in.
func (f *File) Compression() Compression { return f.comp }

// Name returns the name used in errors ("standard input" for "-").
func (f *File) Name() string { return f.name }

// Pcap returns the pcap reader, or nil for a pcapng file.
func (f *File) Pcap() *pcapfile.Reader { return f.pcap }

// PcapNG returns the pcapng reader (interfaces, options, statistics), or
// nil for a pcap file.
func (f *File) PcapNG() *pcapng.Reader { return f.ng }

// Nanosecond reports whether the file's timestamps have a resolution finer
// than a microsecond (for pcapng: the first interface's).
func (f *File) Nanosecond() bool {
	if f.pcap != nil {
		return f.pcap.Nanosecond()
	}
	if ifs := f.ng.Interfaces(); len(ifs) > 0 {
		return ifs[0].TSResolution.UnitsPerSecond() > 1e6
	}
	return false
}

// FCSLength returns the number of bytes of frame check sequence at the
// end of each packet when the file says (pcap: the header's FCS bits;
// pcapng: the first interface's if_fcslen), else 0.
func (f *File) FCSLength() int {
	if f.pcap != nil {
		return f.pcap.FCSLength()
	}
	if ifs := f.ng.Interfaces(); len(ifs) > 0 && ifs[0].HasFCSLen {
		return ifs[0].FCSLen
	}
	return 0
}

// Close closes what Open opened (decompressors and the file).
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	var err error
	for i := len(f.closers) - 1; i >= 0; i-- {
		if e := f.closers[i].Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}
