package main

// A minimal pcap reader and writer for the command's first cut, used
// until package savefile lands; it reads and writes little- or
// big-endian microsecond and nanosecond pcap files only.

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

type miniReader struct {
	name  string
	f     io.Closer
	r     *bufio.Reader
	bo    binary.ByteOrder
	nano  bool
	lt    link.Type
	snap  int
	buf   []byte
	recno int64
	off   int64
}

func openMini(name string, stdin io.Reader) (*miniReader, error) {
	var rd io.Reader
	var c io.Closer = io.NopCloser(nil)
	if name == "-" {
		rd = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, errorf("%s: %s", name, errText(err))
		}
		rd, c = f, f
	}
	m := &miniReader{name: name, f: c, r: bufio.NewReaderSize(rd, 1<<20)}
	var h [24]byte
	if n, err := io.ReadFull(m.r, h[:]); err != nil {
		c.Close()
		if n == 0 && err == io.EOF {
			return nil, errorf("%s: truncated dump file; tried to read 4 file header bytes, only got 0", name)
		}
		return nil, errorf("%s: truncated dump file; tried to read 24 file header bytes, only got %d", name, n)
	}
	switch {
	case binary.LittleEndian.Uint32(h[:]) == 0xa1b2c3d4:
		m.bo = binary.LittleEndian
	case binary.BigEndian.Uint32(h[:]) == 0xa1b2c3d4:
		m.bo = binary.BigEndian
	case binary.LittleEndian.Uint32(h[:]) == 0xa1b23c4d:
		m.bo, m.nano = binary.LittleEndian, true
	case binary.BigEndian.Uint32(h[:]) == 0xa1b23c4d:
		m.bo, m.nano = binary.BigEndian, true
	default:
		c.Close()
		return nil, errorf("%s: unknown file format", name)
	}
	m.snap = int(m.bo.Uint32(h[16:]))
	m.lt = link.FromLinktype(m.bo.Uint32(h[20:]) & 0x03ffffff)
	m.off = 24
	return m, nil
}

func (m *miniReader) ZeroCopyReadPacketData() ([]byte, snare.CaptureInfo, error) {
	var h [16]byte
	n, err := io.ReadFull(m.r, h[:])
	if err == io.EOF {
		return nil, snare.CaptureInfo{}, io.EOF
	}
	if err != nil {
		return nil, snare.CaptureInfo{}, fmt.Errorf("%s: record %d at offset %d: truncated record header (%d of 16 bytes): %w", m.name, m.recno+1, m.off, n, snare.ErrTruncated)
	}
	caplen := int(m.bo.Uint32(h[8:]))
	if caplen > 1<<18 {
		return nil, snare.CaptureInfo{}, fmt.Errorf("%s: record %d at offset %d: caplen %d is too large: %w", m.name, m.recno+1, m.off, caplen, snare.ErrFormat)
	}
	if cap(m.buf) < caplen {
		m.buf = make([]byte, caplen)
	}
	m.buf = m.buf[:caplen]
	if n, err := io.ReadFull(m.r, m.buf); err != nil {
		return nil, snare.CaptureInfo{}, fmt.Errorf("%s: record %d at offset %d: truncated packet data (%d of %d bytes): %w", m.name, m.recno+1, m.off, n, caplen, snare.ErrTruncated)
	}
	m.recno++
	m.off += 16 + int64(caplen)
	frac := int64(m.bo.Uint32(h[4:]))
	if !m.nano {
		frac *= 1000
	}
	ci := snare.CaptureInfo{
		Timestamp:     time.Unix(int64(m.bo.Uint32(h[0:])), frac),
		CaptureLength: caplen,
		Length:        int(m.bo.Uint32(h[12:])),
		LinkType:      m.lt,
	}
	return m.buf, ci, nil
}

func (m *miniReader) LinkType() link.Type { return m.lt }
func (m *miniReader) SnapLen() int        { return m.snap }
func (m *miniReader) Close() error        { return m.f.Close() }

type miniWriter struct {
	w    *bufio.Writer
	c    io.Closer
	nano bool
}

func newMiniWriter(w io.Writer, c io.Closer, lt link.Type, snap int, nano bool) (*miniWriter, error) {
	mw := &miniWriter{w: bufio.NewWriterSize(w, 1<<20), c: c, nano: nano}
	var h [24]byte
	magic := uint32(0xa1b2c3d4)
	if nano {
		magic = 0xa1b23c4d
	}
	binary.LittleEndian.PutUint32(h[0:], magic)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], uint32(snap))
	binary.LittleEndian.PutUint32(h[20:], link.ToLinktype(lt))
	_, err := mw.w.Write(h[:])
	return mw, err
}

func (mw *miniWriter) WritePacket(ci snare.CaptureInfo, data []byte) error {
	var h [16]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(ci.Timestamp.Unix()))
	frac := ci.Timestamp.Nanosecond()
	if !mw.nano {
		frac /= 1000
	}
	binary.LittleEndian.PutUint32(h[4:], uint32(frac))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[12:], uint32(ci.Length))
	mw.w.Write(h[:])
	_, err := mw.w.Write(data)
	return err
}

func (mw *miniWriter) Flush() error { return mw.w.Flush() }
func (mw *miniWriter) Close() error {
	return errors.Join(mw.w.Flush(), mw.c.Close())
}
