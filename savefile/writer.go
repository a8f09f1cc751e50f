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

// Writer writes packets to a capture file.
type Writer interface {
	// WritePacket writes one packet.
	WritePacket(ci snare.CaptureInfo, data []byte) error
	// Flush writes buffered packets out.
	Flush() error
	// Close flushes and closes what Create opened.
	Close() error
}

// CreateOptions describe the file Create and NewWriter write.
type CreateOptions struct {
	// Format is FormatPcap (the default when zero) or FormatPcapNG.
	Format Format
	// LinkType and SnapLen are the pcap header's, or the single pcapng
	// interface's when Interfaces is empty. SnapLen 0 means the link
	// type's maximum.
	LinkType link.Type
	SnapLen  int
	// Nanosecond selects nanosecond timestamps (pcap magic 0xa1b23c4d,
	// pcapng if_tsresol 9); otherwise microseconds.
	Nanosecond bool
	// ByteOrder is the file's byte order; nil means little-endian.
	ByteOrder binary.ByteOrder
	// FCSLength, if positive, says the packets end with that many bytes
	// of frame check sequence (pcap: the header's FCS bits; pcapng: the
	// single interface's if_fcslen).
	FCSLength int
	// Append adds to an existing pcap file (see pcapfile.OpenAppend);
	// only for FormatPcap without compression.
	Append bool
	// Compression compresses the output (gzip or zstd).
	Compression Compression
	// Interfaces are the pcapng interfaces to describe, in order
	// (CaptureInfo.InterfaceIndex refers to them). Empty: one interface
	// from LinkType, SnapLen and Nanosecond.
	Interfaces []pcapng.Interface
	// Section holds the pcapng Section Header Block's options.
	Section pcapng.WriterOptions
}

type fileWriter struct {
	pw      *pcapfile.Writer
	nw      *pcapng.Writer
	closers []io.Closer // closed in order after the format writer
	flushes []interface{ Flush() error }
	closed  bool
}

func (w *fileWriter) WritePacket(ci snare.CaptureInfo, data []byte) error {
	if w.pw != nil {
		return w.pw.WritePacket(ci, data)
	}
	return w.nw.WritePacket(ci, data)
}

func (w *fileWriter) Flush() error {
	var err error
	if w.pw != nil {
		err = w.pw.Flush()
	} else {
		err = w.nw.Flush()
	}
	if err != nil {
		return err
	}
	for _, f := range w.flushes {
		if err := f.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func (w *fileWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	var err error
	if w.pw != nil {
		err = w.pw.Close()
	} else {
		err = w.nw.Close()
	}
	for _, c := range w.closers {
		if e := c.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// Create creates the capture file path ("-" for the standard output)
// and returns a Writer for it.
func Create(path string, opts CreateOptions) (Writer, error) {
	if opts.Append {
		if opts.Format == FormatPcapNG || opts.Compression != CompressionNone {
			return nil, fmt.Errorf("%s: can only append to an uncompressed pcap file", path)
		}
		if path == "-" {
			return NewWriter(os.Stdout, opts)
		}
		pw, err := pcapfile.OpenAppend(path, pcapOptions(opts))
		if err != nil {
			return nil, err
		}
		return &fileWriter{pw: pw}, nil
	}
	if path == "-" {
		return NewWriter(os.Stdout, opts)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w, err := newWriter(f, opts)
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w.closers = append(w.closers, f)
	return w, nil
}

// NewWriter writes a capture file to w. Close flushes but does not close
// w.
func NewWriter(w io.Writer, opts CreateOptions) (Writer, error) {
	fw, err := newWriter(w, opts)
	if err != nil {
		return nil, err
	}
	return fw, nil
}

func pcapOptions(opts CreateOptions) pcapfile.WriterOptions {
	return pcapfile.WriterOptions{LinkType: opts.LinkType, SnapLen: opts.SnapLen, Nanosecond: opts.Nanosecond, ByteOrder: opts.ByteOrder, FCSLength: opts.FCSLength}
}

func newWriter(w io.Writer, opts CreateOptions) (*fileWriter, error) {
	fw := &fileWriter{}
	switch opts.Compression {
	case CompressionNone:
	case CompressionGzip:
		zw := gzip.NewWriter(w)
		fw.closers = append(fw.closers, zw)
		fw.flushes = append(fw.flushes, zw)
		w = zw
	case CompressionZstd:
		zw, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		fw.closers = append(fw.closers, zw)
		fw.flushes = append(fw.flushes, zw)
		w = zw
	default:
		return nil, fmt.Errorf("unknown compression %d", opts.Compression)
	}
	switch opts.Format {
	case FormatUnknown, FormatPcap:
		pw, err := pcapfile.NewWriter(w, pcapOptions(opts))
		if err != nil {
			return nil, err
		}
		fw.pw = pw
	case FormatPcapNG:
		so := opts.Section
		if opts.ByteOrder != nil && opts.ByteOrder.Uint16([]byte{0, 1}) == 1 {
			so.BigEndian = true
		}
		nw, err := pcapng.NewWriter(w, so)
		if err != nil {
			return nil, err
		}
		ifs := opts.Interfaces
		if len(ifs) == 0 {
			res := pcapng.Microsecond
			if opts.Nanosecond {
				res = pcapng.Nanosecond
			}
			snap := opts.SnapLen
			if snap == 0 {
				snap = opts.LinkType.MaxSnapLen()
			}
			ifs = []pcapng.Interface{{LinkType: opts.LinkType, SnapLen: snap, TSResolution: res, FCSLen: opts.FCSLength, HasFCSLen: opts.FCSLength > 0}}
		}
		for _, intf := range ifs {
			if _, err := nw.AddInterface(intf); err != nil {
				return nil, err
			}
		}
		fw.nw = nw
	default:
		return nil, errors.New("unknown capture file format")
	}
	return fw, nil
}
