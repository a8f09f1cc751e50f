package pcapfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testenv"
	"github.com/snare-pcap/snare/link"
)

// rec is a record to put in a hand-built file.
type rec struct {
	sec, frac, caplen, wirelen uint32
	data                       []byte
}

// build writes a pcap file by hand (independently of Writer).
func build(bo binary.ByteOrder, magic uint32, major, minor uint16, snap, field uint32, recs []rec) []byte {
	var b bytes.Buffer
	h := make([]byte, 24)
	bo.PutUint32(h[0:], magic)
	bo.PutUint16(h[4:], major)
	bo.PutUint16(h[6:], minor)
	bo.PutUint32(h[16:], snap)
	bo.PutUint32(h[20:], field)
	b.Write(h)
	for _, r := range recs {
		rh := make([]byte, 16)
		bo.PutUint32(rh[0:], r.sec)
		bo.PutUint32(rh[4:], r.frac)
		bo.PutUint32(rh[8:], r.caplen)
		bo.PutUint32(rh[12:], r.wirelen)
		b.Write(rh)
		if magic == MagicKuznetzov {
			b.Write([]byte{0, 0, 0, 2, 8, 0, 4, 0}) // ifindex, protocol, pkt_type, pad
		}
		b.Write(r.data)
	}
	return b.Bytes()
}

func pkt(n int, seed byte) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = seed + byte(i)
	}
	return p
}

func threeRecs() []rec {
	return []rec{
		{1700000000, 123456, 60, 60, pkt(60, 1)},
		{1700000001, 999999, 100, 1514, pkt(100, 2)},
		{1700000002, 0, 0, 0, nil},
	}
}

func readAll(t *testing.T, r *Reader) ([][]byte, []snare.CaptureInfo, error) {
	t.Helper()
	var ds [][]byte
	var cis []snare.CaptureInfo
	for {
		d, ci, err := r.ReadPacketData()
		if err != nil {
			return ds, cis, err
		}
		ds = append(ds, d)
		cis = append(cis, ci)
	}
}

func TestReadFormats(t *testing.T) {
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, magic := range []uint32{MagicMicroseconds, MagicNanoseconds, MagicKuznetzov} {
			recs := threeRecs()
			file := build(bo, magic, 2, 4, 65535, 1, recs)
			for _, size := range []int{0, 64, 100} {
				r, err := NewReaderOptions(bytes.NewReader(file), ReaderOptions{BufferSize: size})
				if err != nil {
					t.Fatalf("%v %#x: %v", bo, magic, err)
				}
				if r.ByteOrder() != bo || r.Nanosecond() != (magic == MagicNanoseconds) || r.LinkType() != link.EN10MB {
					t.Errorf("%v %#x: header says %v nano=%v lt=%v", bo, magic, r.ByteOrder(), r.Nanosecond(), r.LinkType())
				}
				wantSnap := 65535
				if magic == MagicKuznetzov {
					wantSnap += 14
				}
				if r.SnapLen() != wantSnap {
					t.Errorf("snaplen %d, want %d", r.SnapLen(), wantSnap)
				}
				ds, cis, err := readAll(t, r)
				if err != io.EOF {
					t.Fatalf("%v %#x: end with %v, want io.EOF", bo, magic, err)
				}
				if len(ds) != len(recs) {
					t.Fatalf("%d packets, want %d", len(ds), len(recs))
				}
				for i, rc := range recs {
					ns := int64(rc.frac)
					if magic != MagicNanoseconds {
						ns *= 1000
					}
					want := time.Unix(int64(rc.sec), ns)
					if !cis[i].Timestamp.Equal(want) {
						t.Errorf("packet %d: time %v, want %v", i, cis[i].Timestamp, want)
					}
					if cis[i].CaptureLength != int(rc.caplen) || cis[i].Length != int(rc.wirelen) || cis[i].LinkType != link.EN10MB {
						t.Errorf("packet %d: ci %+v", i, cis[i])
					}
					if !bytes.Equal(ds[i], rc.data) {
						t.Errorf("packet %d: data differs", i)
					}
				}
			}
		}
	}
}

func TestLinktypeMapping(t *testing.T) {
	file := build(binary.LittleEndian, MagicMicroseconds, 2, 4, 0, 101, threeRecs()) // LINKTYPE_RAW
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if r.LinkType() != link.Raw {
		t.Errorf("LINKTYPE_RAW read as %v, want DLT_RAW", r.LinkType())
	}
	if r.SnapLen() != 262144 {
		t.Errorf("snaplen 0 adjusted to %d, want 262144", r.SnapLen())
	}
	_, ci, _ := r.ZeroCopyReadPacketData()
	if ci.LinkType != link.Raw {
		t.Errorf("packet link type %v", ci.LinkType)
	}
}

func TestSnapLenClamp(t *testing.T) {
	for _, c := range []struct {
		field uint32
		snap  uint32
		want  int
	}{
		{1, 0x7fffffff, 262144},
		{1, 1000, 1000},
		{231, 0xffffffff, 128 << 20}, // DBUS
		{279, 0, 8 << 20},            // EBHSCR
		{249, 1 << 30, 1 << 20},      // USBPCAP
	} {
		r, err := NewReader(bytes.NewReader(build(binary.LittleEndian, MagicMicroseconds, 2, 4, c.snap, c.field, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if r.SnapLen() != c.want {
			t.Errorf("linktype %d snaplen %d: got %d, want %d", c.field, c.snap, r.SnapLen(), c.want)
		}
	}
}

func TestFCSBits(t *testing.T) {
	r, err := NewReader(bytes.NewReader(build(binary.BigEndian, MagicMicroseconds, 2, 4, 100, link.JoinField(1, 4), threeRecs())))
	if err != nil {
		t.Fatal(err)
	}
	if r.FCSLength() != 4 || r.LinkType() != link.EN10MB {
		t.Errorf("FCS %d, link type %v", r.FCSLength(), r.LinkType())
	}
}

func TestVersionsAndLengthSwap(t *testing.T) {
	// Before 2.3 (and DG/UX 543.0) caplen and len were stored the other way round.
	swapped := []rec{{1, 0, 60, 40, pkt(40, 3)}}
	for _, v := range [][2]uint16{{2, 0}, {2, 1}, {2, 2}, {543, 0}} {
		r, err := NewReader(bytes.NewReader(build(binary.LittleEndian, MagicMicroseconds, v[0], v[1], 100, 1, swapped)))
		if err != nil {
			t.Fatalf("version %v: %v", v, err)
		}
		d, ci, err := r.ReadPacketData()
		if err != nil || len(d) != 40 || ci.Length != 60 {
			t.Errorf("version %v: len(data)=%d ci=%+v err=%v", v, len(d), ci, err)
		}
	}
	// 2.3: swapped only when caplen > len.
	r, err := NewReader(bytes.NewReader(build(binary.LittleEndian, MagicMicroseconds, 2, 3, 100, 1,
		[]rec{{1, 0, 60, 40, pkt(40, 3)}, {2, 0, 30, 50, pkt(30, 4)}})))
	if err != nil {
		t.Fatal(err)
	}
	_, ci1, err1 := r.ReadPacketData()
	_, ci2, err2 := r.ReadPacketData()
	if err1 != nil || err2 != nil || ci1.CaptureLength != 40 || ci1.Length != 60 || ci2.CaptureLength != 30 || ci2.Length != 50 {
		t.Errorf("2.3: %+v %v / %+v %v", ci1, err1, ci2, err2)
	}
	if maj, min := r.Version(); maj != 2 || min != 3 {
		t.Errorf("Version() = %d.%d", maj, min)
	}
}

func TestBadHeaders(t *testing.T) {
	le := binary.LittleEndian
	cases := []struct {
		name string
		file []byte
		want string
		is   error
	}{
		{"archaic", build(le, MagicMicroseconds, 1, 4, 100, 1, nil), "archaic pcap savefile format", snare.ErrFormat},
		{"minor", build(le, MagicMicroseconds, 2, 5, 100, 1, nil), "unsupported pcap savefile version 2.5", snare.ErrFormat},
		{"major", build(le, MagicMicroseconds, 3, 0, 100, 1, nil), "unsupported pcap savefile version 3.0", snare.ErrFormat},
		{"543.1", build(le, MagicMicroseconds, 543, 1, 100, 1, nil), "unsupported pcap savefile version 543.1", snare.ErrFormat},
		{"reserved", build(le, MagicMicroseconds, 2, 4, 100, 0x00010001, nil), "non-zero reserved bits", snare.ErrFormat},
		{"magic", []byte("0123456789abcdefghijklmnop"), "unknown file format", snare.ErrFormat},
		{"short", build(le, MagicMicroseconds, 2, 4, 100, 1, nil)[:10], "tried to read 24 file header bytes, only got 10", snare.ErrTruncated},
		{"empty", nil, "only got 0", snare.ErrTruncated},
	}
	for _, c := range cases {
		_, err := NewReaderOptions(bytes.NewReader(c.file), ReaderOptions{Name: "x.pcap"})
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, c.is) || !strings.HasPrefix(err.Error(), "x.pcap: ") {
			t.Errorf("%s: got %v, want %q wrapping %v", c.name, err, c.want, c.is)
		}
	}
}

func TestLibpcapInvalid(t *testing.T) {
	dir := testenv.Shared(t, "testdata", "libpcap-invalid")
	want := map[string]string{
		"linktype-reserved-field-not-zero.pcap": "non-zero reserved bits",
		"pcap-invalid-version-1.pcap":           "archaic pcap savefile format",
		"pcap-invalid-version-2.pcap":           "unsupported pcap savefile version 2.5",
	}
	for name, msg := range want {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		_, err = NewReader(f)
		f.Close()
		if err == nil || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), name) || !errors.Is(err, snare.ErrFormat) {
			t.Errorf("%s: got %v, want an error naming the file and saying %q", name, err, msg)
		}
	}
}

func TestOversizedRecord(t *testing.T) {
	recs := threeRecs()
	recs = append(recs[:2], rec{5, 0, 300000, 300000, nil}) // no data behind the header
	file := build(binary.LittleEndian, MagicMicroseconds, 2, 4, 65535, 1, recs)
	r, err := NewReaderOptions(bytes.NewReader(file), ReaderOptions{Name: "big.pcap"})
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := readAll(t, r)
	if len(ds) != 2 {
		t.Errorf("got %d packets before the bad record, want 2", len(ds))
	}
	var pe *Error
	if !errors.As(err, &pe) || pe.Record != 3 || pe.Offset != 24+16+60+16+100 || !errors.Is(err, snare.ErrFormat) {
		t.Fatalf("error %v (%+v), want record 3 at offset %d", err, pe, 24+16+60+16+100)
	}
	want := "big.pcap: record 3 at byte offset 216: invalid packet capture length 300000, bigger than snaplen of 65535"
	if err.Error() != want {
		t.Errorf("got %q\nwant %q", err, want)
	}
	// The error sticks.
	if _, _, err2 := r.ZeroCopyReadPacketData(); err2 != err {
		t.Errorf("second call: %v", err2)
	}
	// Larger than the maximum but within the snaplen (Kuznetzov files on
	// Ethernet get 14 bytes more than the maximum).
	file = build(binary.LittleEndian, MagicKuznetzov, 2, 4, 0xffffffff, 1, []rec{{1, 0, 262145, 262145, nil}})
	r, _ = NewReader(bytes.NewReader(file))
	if _, _, err := r.ZeroCopyReadPacketData(); err == nil || !strings.Contains(err.Error(), "bigger than maximum of 262144") {
		t.Errorf("got %v", err)
	}
}

// A record with caplen above the header's snaplen but below the maximum
// is cut to the snaplen, as libpcap does.
func TestCaplenAboveSnaplen(t *testing.T) {
	file := build(binary.LittleEndian, MagicMicroseconds, 2, 4, 50, 1, []rec{{1, 0, 80, 80, pkt(80, 9)}, {2, 0, 10, 10, pkt(10, 7)}})
	r, _ := NewReader(bytes.NewReader(file))
	ds, cis, err := readAll(t, r)
	if err != io.EOF || len(ds) != 2 || len(ds[0]) != 50 || cis[0].CaptureLength != 50 || cis[0].Length != 80 || !bytes.Equal(ds[1], pkt(10, 7)) {
		t.Errorf("got %d packets, err %v, cis %+v", len(ds), err, cis)
	}
}

func TestTruncated(t *testing.T) {
	file := build(binary.LittleEndian, MagicMicroseconds, 2, 4, 65535, 1, threeRecs()[:2])
	full := len(file)
	for cut := 24 + 16 + 60 + 1; cut < full; cut++ {
		for _, wrap := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.DataErrReader, cutShort} {
			r, err := NewReaderOptions(wrap(bytes.NewReader(file[:cut])), ReaderOptions{Name: "cut.pcap", BufferSize: 64})
			if err != nil {
				t.Fatal(err)
			}
			ds, _, err := readAll(t, r)
			if len(ds) != 1 || !bytes.Equal(ds[0], pkt(60, 1)) {
				t.Fatalf("cut at %d: %d packets", cut, len(ds))
			}
			var pe *Error
			if !errors.Is(err, snare.ErrTruncated) || errors.Is(err, io.EOF) || !errors.As(err, &pe) || pe.Record != 2 || pe.Offset != 100 {
				t.Fatalf("cut at %d: error %v, want truncated record 2 at offset 100", cut, err)
			}
			if !strings.Contains(err.Error(), "truncated dump file") {
				t.Errorf("message %q", err)
			}
		}
	}
}

// cutShort ends r with io.ErrUnexpectedEOF, as a decompressor does when
// the compressed stream is cut short.
func cutShort(r io.Reader) io.Reader { return &unexpectedEOF{r} }

type unexpectedEOF struct{ r io.Reader }

func (u *unexpectedEOF) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// A stream cut short between records (a compressed file missing its end)
// is truncated too, not a clean end of file.
func TestCutBetweenRecords(t *testing.T) {
	file := build(binary.BigEndian, MagicMicroseconds, 2, 4, 65535, 1, threeRecs()[:2])
	r, err := NewReaderOptions(cutShort(bytes.NewReader(file)), ReaderOptions{Name: "cut.pcap.gz"})
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := readAll(t, r)
	var pe *Error
	if len(ds) != 2 || !errors.Is(err, snare.ErrTruncated) || !errors.As(err, &pe) || pe.Record != 3 || pe.Offset != int64(len(file)) {
		t.Fatalf("%d packets, error %v; want 2 packets then truncation at record 3, offset %d", len(ds), err, len(file))
	}
}

type failReader struct {
	r   io.Reader
	n   int
	err error
}

func (f *failReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	m, err := f.r.Read(p)
	f.n -= m
	return m, err
}

func TestReadError(t *testing.T) {
	file := build(binary.LittleEndian, MagicMicroseconds, 2, 4, 65535, 1, threeRecs())
	boom := errors.New("disk on fire")
	r, err := NewReaderOptions(&failReader{bytes.NewReader(file), 24 + 16 + 60 + 5, boom}, ReaderOptions{BufferSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := readAll(t, r)
	if len(ds) != 1 || !errors.Is(err, boom) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("%d packets, err %v", len(ds), err)
	}
	// An error inside the file header.
	_, err = NewReaderOptions(&failReader{bytes.NewReader(file), 10, boom}, ReaderOptions{Name: "h.pcap"})
	var pe *Error
	if !errors.Is(err, boom) || !errors.As(err, &pe) || pe.Record != 0 || err.Error() != "h.pcap: file header: error reading dump file: disk on fire" {
		t.Errorf("header read error: %v", err)
	}
	// A reader that never makes progress does not hang the Reader.
	r, err = NewReaderOptions(&failReader{bytes.NewReader(file), 24, nil}, ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.ZeroCopyReadPacketData(); !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("got %v, want io.ErrNoProgress", err)
	}
}

// A huge claimed length (D-Bus allows 128 MiB) in a small file must not
// allocate the claimed size.
func TestNoHugeAllocation(t *testing.T) {
	file := build(binary.LittleEndian, MagicMicroseconds, 2, 4, 0, 231, []rec{{1, 0, 100 << 20, 100 << 20, pkt(1000, 1)}})
	r, err := NewReaderOptions(bytes.NewReader(file), ReaderOptions{BufferSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.ZeroCopyReadPacketData()
	if !errors.Is(err, snare.ErrTruncated) {
		t.Errorf("got %v", err)
	}
	if len(r.buf) > 8192 {
		t.Errorf("buffer grew to %d bytes for a %d-byte file", len(r.buf), len(file))
	}
}

// A record larger than the buffer makes it grow; the next ones still read.
func TestBufferGrowth(t *testing.T) {
	recs := []rec{{1, 0, 5000, 5000, pkt(5000, 1)}, {2, 0, 70000, 70000, pkt(70000, 2)}, {3, 0, 3, 3, pkt(3, 3)}}
	file := build(binary.LittleEndian, MagicNanoseconds, 2, 4, 0, 1, recs)
	r, err := NewReaderOptions(iotest.HalfReader(bytes.NewReader(file)), ReaderOptions{BufferSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := readAll(t, r)
	if err != io.EOF || len(ds) != 3 {
		t.Fatalf("%d packets, %v", len(ds), err)
	}
	for i := range recs {
		if !bytes.Equal(ds[i], recs[i].data) {
			t.Errorf("packet %d differs", i)
		}
	}
	if r.Offset() != int64(len(file)) || r.Records() != 3 {
		t.Errorf("Offset %d Records %d", r.Offset(), r.Records())
	}
}

func TestZeroCopyAllocs(t *testing.T) {
	var recs []rec
	for i := 0; i < 1000; i++ {
		recs = append(recs, rec{uint32(i), 0, 200, 200, pkt(200, byte(i))})
	}
	file := build(binary.LittleEndian, MagicMicroseconds, 2, 4, 0, 1, recs)
	r, err := NewReaderOptions(bytes.NewReader(file), ReaderOptions{BufferSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(900, func() {
		if _, _, err := r.ZeroCopyReadPacketData(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ZeroCopyReadPacketData allocates %v times per packet", allocs)
	}
}

// bigSource produces a pcap stream of n records of size bytes each
// without holding it in memory.
type bigSource struct {
	hdr     []byte
	recHdr  [16]byte
	size, n int
	pos     int64
	recLen  int64
	total   int64
}

func (s *bigSource) Read(p []byte) (int, error) {
	if s.pos >= s.total {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && s.pos < s.total {
		if s.pos < 24 {
			c := copy(p[n:], s.hdr[s.pos:])
			n += c
			s.pos += int64(c)
			continue
		}
		in := (s.pos - 24) % s.recLen
		if in < 16 {
			c := copy(p[n:], s.recHdr[in:])
			n += c
			s.pos += int64(c)
			continue
		}
		c := int64(len(p) - n)
		if rem := s.recLen - in; c > rem {
			c = rem
		}
		if rem := s.total - s.pos; c > rem {
			c = rem
		}
		clear(p[n : n+int(c)])
		n += int(c)
		s.pos += c
	}
	return n, nil
}

func TestOver4GiB(t *testing.T) {
	const size = 262144
	const n = 16400 // 16400 * (262144+16) + 24 > 4 GiB
	s := &bigSource{size: size, n: n, recLen: size + 16}
	s.hdr = build(binary.LittleEndian, MagicMicroseconds, 2, 4, 0, 1, nil)
	binary.LittleEndian.PutUint32(s.recHdr[8:], size)
	binary.LittleEndian.PutUint32(s.recHdr[12:], size)
	s.total = 24 + int64(n)*s.recLen
	// Chop the last record in half: the error must carry an offset > 4 GiB.
	s.total -= size / 2
	r, err := NewReader(s)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for {
		_, _, err = r.ZeroCopyReadPacketData()
		if err != nil {
			break
		}
		count++
	}
	var pe *Error
	wantOff := 24 + int64(n-1)*s.recLen
	if count != n-1 || !errors.As(err, &pe) || pe.Offset != wantOff || pe.Record != n || !errors.Is(err, snare.ErrTruncated) {
		t.Fatalf("read %d packets, error %v; want %d packets then truncation at offset %d", count, err, n-1, wantOff)
	}
	if wantOff <= 1<<32 {
		t.Fatal("test does not cross 4 GiB")
	}
}
