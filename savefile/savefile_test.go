package savefile

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testenv"
	"github.com/snare-pcap/snare/link"
)

type packet struct {
	ci   snare.CaptureInfo
	data []byte
}

func samplePackets(n int) []packet {
	var ps []packet
	t0 := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)
	for i := 0; i < n; i++ {
		d := make([]byte, 60+i%1454)
		for j := range d {
			d[j] = byte(i*7 + j)
		}
		d[12], d[13] = 0x88, 0xb5 // local experimental EtherType: printers show one line
		ps = append(ps, packet{snare.CaptureInfo{Timestamp: t0.Add(time.Duration(i)*1234567*time.Nanosecond + time.Duration(i%1000)), Length: len(d) + i%3, LinkType: link.EN10MB}, d})
	}
	return ps
}

func writeAll(t *testing.T, w Writer, ps []packet) {
	t.Helper()
	for _, p := range ps {
		if err := w.WritePacket(p.ci, p.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func checkAll(t *testing.T, r Reader, ps []packet, nano bool) {
	t.Helper()
	for i, p := range ps {
		var d []byte
		var ci snare.CaptureInfo
		var err error
		if i%2 == 0 {
			d, ci, err = r.ZeroCopyReadPacketData()
		} else {
			d, ci, err = r.ReadPacketData()
		}
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		want := p.ci.Timestamp
		if !nano {
			want = want.Truncate(time.Microsecond)
		}
		if !ci.Timestamp.Equal(want) || ci.Length != p.ci.Length || !bytes.Equal(d, p.data) || ci.LinkType != link.EN10MB {
			t.Fatalf("packet %d: got %v len %d/%d, want %v len %d/%d", i, ci.Timestamp, len(d), ci.Length, want, len(p.data), p.ci.Length)
		}
	}
	if _, _, err := r.ZeroCopyReadPacketData(); err != io.EOF {
		t.Fatalf("after the last packet: %v, want io.EOF", err)
	}
}

func TestRoundTrip(t *testing.T) {
	ps := samplePackets(300)
	dir := t.TempDir()
	for _, format := range []Format{FormatPcap, FormatPcapNG} {
		for _, comp := range []Compression{CompressionNone, CompressionGzip, CompressionZstd} {
			for _, nano := range []bool{false, true} {
				for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
					name := filepath.Join(dir, format.String()+comp.String()+bo.String())
					if nano {
						name += "ns"
					}
					w, err := Create(name, CreateOptions{Format: format, LinkType: link.EN10MB, Nanosecond: nano, Compression: comp, ByteOrder: bo})
					if err != nil {
						t.Fatal(err)
					}
					writeAll(t, w, ps)
					f, err := OpenFile(name)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if f.Format() != format || f.Compression() != comp || f.LinkType() != link.EN10MB || f.SnapLen() != 262144 || f.Nanosecond() != nano {
						t.Errorf("%s: format %v compression %v link %v snap %d nano %v", name, f.Format(), f.Compression(), f.LinkType(), f.SnapLen(), f.Nanosecond())
					}
					checkAll(t, f, ps, nano)
					if err := f.Close(); err != nil {
						t.Error(err)
					}
				}
			}
		}
	}
}

func TestFCSLength(t *testing.T) {
	for _, format := range []Format{FormatPcap, FormatPcapNG} {
		var b bytes.Buffer
		w, err := NewWriter(&b, CreateOptions{Format: format, LinkType: link.EN10MB, FCSLength: 4})
		if err != nil {
			t.Fatal(err)
		}
		writeAll(t, w, samplePackets(2))
		f, err := NewFile(&b, "")
		if err != nil {
			t.Fatal(err)
		}
		if f.FCSLength() != 4 {
			t.Errorf("%v: FCS length %d, want 4", format, f.FCSLength())
		}
	}
}

func TestAppendAndStdio(t *testing.T) {
	ps := samplePackets(10)
	p := filepath.Join(t.TempDir(), "a.pcap")
	opts := CreateOptions{LinkType: link.EN10MB, Append: true}
	for i := 0; i < 2; i++ {
		w, err := Create(p, opts)
		if err != nil {
			t.Fatal(err)
		}
		writeAll(t, w, ps[i*5:i*5+5])
	}
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	checkAll(t, r, ps, false)
	if _, err := Create(p, CreateOptions{LinkType: link.EN10MB, Append: true, Nanosecond: true}); err == nil || !strings.Contains(err.Error(), "different time stamp precision") {
		t.Errorf("append with other precision: %v", err)
	}
	if _, err := Create(p, CreateOptions{LinkType: link.EN10MB, Append: true, Format: FormatPcapNG}); err == nil {
		t.Error("append to pcapng accepted")
	}
}

func TestNewReaderFromPipe(t *testing.T) {
	ps := samplePackets(50)
	var b bytes.Buffer
	w, _ := NewWriter(&b, CreateOptions{Format: FormatPcapNG, Compression: CompressionZstd, LinkType: link.EN10MB, Nanosecond: true})
	writeAll(t, w, ps)
	pr, pw := io.Pipe()
	go func() {
		// Dribble the file in small pieces, as a pipe does.
		data := b.Bytes()
		for len(data) > 0 {
			n := min(len(data), 777)
			pw.Write(data[:n])
			data = data[n:]
		}
		pw.Close()
	}()
	r, err := NewReader(pr)
	if err != nil {
		t.Fatal(err)
	}
	checkAll(t, r, ps, true)
}

func TestDetect(t *testing.T) {
	cases := []struct {
		head   []byte
		format Format
		comp   Compression
	}{
		{[]byte{0xd4, 0xc3, 0xb2, 0xa1}, FormatPcap, CompressionNone},
		{[]byte{0xa1, 0xb2, 0xc3, 0xd4}, FormatPcap, CompressionNone},
		{[]byte{0x4d, 0x3c, 0xb2, 0xa1}, FormatPcap, CompressionNone},
		{[]byte{0xa1, 0xb2, 0xcd, 0x34}, FormatPcap, CompressionNone},
		{[]byte{0x0a, 0x0d, 0x0d, 0x0a}, FormatPcapNG, CompressionNone},
		{[]byte{0x1f, 0x8b, 0x08, 0x00}, FormatUnknown, CompressionGzip},
		{[]byte{0x28, 0xb5, 0x2f, 0xfd}, FormatUnknown, CompressionZstd},
		{[]byte("GET "), FormatUnknown, CompressionNone},
		{[]byte{0xd4}, FormatUnknown, CompressionNone},
	}
	for _, c := range cases {
		f, comp := Detect(c.head)
		if f != c.format || comp != c.comp {
			t.Errorf("Detect(% x) = %v %v, want %v %v", c.head, f, comp, c.format, c.comp)
		}
	}
}

func TestBadInput(t *testing.T) {
	gz := func(b []byte) []byte {
		var out bytes.Buffer
		zw := gzip.NewWriter(&out)
		zw.Write(b)
		zw.Close()
		return out.Bytes()
	}
	zs := func(b []byte) []byte {
		zw, _ := zstd.NewWriter(nil)
		return zw.EncodeAll(b, nil)
	}
	cases := []struct {
		name string
		data []byte
		want string
		is   error
	}{
		{"empty", nil, "only got 0", snare.ErrTruncated},
		{"short", []byte{0xd4, 0xc3}, "only got 2", snare.ErrTruncated},
		{"text", []byte("hello, world\n"), "unknown file format", snare.ErrFormat},
		{"gz-text", gz([]byte("hello, world\n")), "unknown file format", snare.ErrFormat},
		{"gz-gz", gz(gz([]byte("x"))), "gzip data inside gzip data", snare.ErrFormat},
		{"zst-text", zs([]byte("hello, world\n")), "unknown file format", snare.ErrFormat},
		{"bad-gzip", []byte{0x1f, 0x8b, 0, 0, 0, 0}, "gzip", snare.ErrFormat},
	}
	dir := t.TempDir()
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		os.WriteFile(p, c.data, 0o644)
		_, err := Open(p)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) || !errors.Is(err, c.is) {
			t.Errorf("%s: %v, want %q naming the file, wrapping %v", c.name, err, c.want, c.is)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// drain reads r to its end and returns the number of packets and the
// error that ended the read (io.EOF at a clean end).
func drain(r Reader) (int, error) {
	for n := 0; ; n++ {
		if _, _, err := r.ZeroCopyReadPacketData(); err != nil {
			return n, err
		}
	}
}

// decompress returns what the decompressor for comp yields from b before
// it fails (the whole of b when comp is CompressionNone).
func decompress(t *testing.T, comp Compression, b []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(b)
	switch comp {
	case CompressionGzip:
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case CompressionZstd:
		zr, err := zstd.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		r = zr
	}
	out, _ := io.ReadAll(r)
	return out
}

// wholePackets counts the packets whose records (pcap) or blocks
// (pcapng, little-endian) lie entirely in b, and returns the offset of
// the first one that does not.
func wholePackets(format Format, b []byte) (n int, off int) {
	if format == FormatPcap {
		off = 24
		for off+16 <= len(b) {
			end := off + 16 + int(binary.LittleEndian.Uint32(b[off+8:]))
			if end > len(b) {
				break
			}
			n, off = n+1, end
		}
		return n, off
	}
	for off+8 <= len(b) {
		end := off + int(binary.LittleEndian.Uint32(b[off+4:]))
		if end > len(b) {
			break
		}
		if binary.LittleEndian.Uint32(b[off:]) == 6 {
			n++
		}
		off = end
	}
	return n, off
}

// A file cut short, plain or compressed, read through Open: every packet
// before the cut, then an error wrapping snare.ErrTruncated (not io.EOF)
// that names the file and the byte offset of the record cut.
func TestTruncatedEveryPacket(t *testing.T) {
	ps := samplePackets(3000)
	dir := t.TempDir()
	for _, format := range []Format{FormatPcap, FormatPcapNG} {
		for _, comp := range []Compression{CompressionNone, CompressionGzip, CompressionZstd} {
			var b bytes.Buffer
			w, _ := NewWriter(&b, CreateOptions{Format: format, LinkType: link.EN10MB, Compression: comp})
			writeAll(t, w, ps)
			for _, cut := range []int{b.Len() / 3, b.Len() * 2 / 3, b.Len() - 1} {
				name := fmt.Sprintf("%s-%s-%d", format, comp, cut)
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, b.Bytes()[:cut], 0o644); err != nil {
					t.Fatal(err)
				}
				want, off := wholePackets(format, decompress(t, comp, b.Bytes()[:cut]))
				// (A gzip file without the last byte of its trailer still
				// holds every packet.)
				if want == 0 || want > len(ps) {
					t.Fatalf("%s: test cut leaves %d packets", name, want)
				}
				r, err := Open(p)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				n := 0
				for {
					var d []byte
					d, _, err = r.ZeroCopyReadPacketData()
					if err != nil {
						break
					}
					if !bytes.Equal(d, ps[n].data) {
						t.Fatalf("%s: packet %d differs", name, n)
					}
					n++
				}
				r.Close()
				if n != want {
					t.Errorf("%s: %d packets before the error, want %d", name, n, want)
				}
				if !errors.Is(err, snare.ErrTruncated) || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), p) ||
					!strings.Contains(err.Error(), fmt.Sprintf("byte offset %d:", off)) {
					t.Errorf("%s: error %v, want truncation naming the file and byte offset %d", name, err, off)
				}
			}
		}
	}
}

// invalidReasons are what the errors for libpcap's invalid files must
// say (where libpcap says it, in libpcap's words).
var invalidReasons = map[string]string{
	"linktype-reserved-field-not-zero.pcap": "file header: link-type field 0x00300000 has non-zero reserved bits",
	"pcap-invalid-version-1.pcap":           "file header: archaic pcap savefile format",
	"pcap-invalid-version-2.pcap":           "file header: unsupported pcap savefile version 2.5",
	"pcapng-invalid-vers-1.pcapng":          "block 1 (Section Header Block, type 0x0A0D0D0A) at byte offset 0: unsupported pcapng version 0.1",
	"pcapng-invalid-vers-2.pcapng":          "block 1 (Section Header Block, type 0x0A0D0D0A) at byte offset 0: unsupported pcapng version 1.1",
	"shb-option-too-long.pcapng":            "block 1 (Section Header Block, type 0x0A0D0D0A) at byte offset 0: block total length in header 52 and trailer 808464432 don't match",
}

// Everything in libpcap's collection of invalid files is refused, by
// name, with a clear message.
func TestLibpcapInvalid(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.Shared(t, "testdata", "libpcap-invalid"), "*"))
	if len(files) == 0 {
		t.Fatal("no files in libpcap-invalid")
	}
	for _, p := range files {
		r, err := Open(p)
		if err == nil {
			// pcapng may find a problem only when reading on.
			for err == nil {
				_, _, err = r.ZeroCopyReadPacketData()
			}
			r.Close()
		}
		if err == nil || err == io.EOF {
			t.Errorf("%s: accepted", p)
			continue
		}
		if !strings.Contains(err.Error(), p) || !errors.Is(err, snare.ErrFormat) {
			t.Errorf("%s: error %q does not name the file or wrap ErrFormat", p, err)
		}
		if want, ok := invalidReasons[filepath.Base(p)]; ok && !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q does not say %q", p, err, want)
		}
		t.Logf("%s: %v", filepath.Base(p), err)
	}
}

func TestLibpcapCaptures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.Shared(t, "testdata", "libpcap-filter", "captures"), "*"))
	if len(files) == 0 {
		t.Fatal("no files in libpcap-filter/captures")
	}
	for _, p := range files {
		r, err := Open(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		_, err = drain(r)
		r.Close()
		if err != io.EOF {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestZeroCopyAllocs(t *testing.T) {
	for _, format := range []Format{FormatPcap, FormatPcapNG} {
		var b bytes.Buffer
		w, _ := NewWriter(&b, CreateOptions{Format: format, LinkType: link.EN10MB})
		writeAll(t, w, samplePackets(2000))
		r, err := NewReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(1500, func() { r.ZeroCopyReadPacketData() }); a != 0 {
			t.Errorf("%v: %v allocations per packet", format, a)
		}
	}
}

// pcapHeader is a little-endian µs pcap file header for Ethernet.
func pcapHeader() []byte {
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h, 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[20:], 1)
	return h
}

// Decompression bombs: a small file that expands to much more data is
// read in the memory of the read buffer and the decompressor, however
// much it expands; a zstd frame that asks for a window over 128 MiB is
// refused.
func TestDecompressionBombs(t *testing.T) {
	const zeros = 32 << 20 // two million empty records
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(pcapHeader())
	zw.Write(make([]byte, zeros))
	zw.Close()
	var zs bytes.Buffer
	ze, _ := zstd.NewWriter(&zs)
	ze.Write(pcapHeader())
	ze.Write(make([]byte, zeros))
	ze.Close()
	for _, c := range []struct {
		name string
		data []byte
	}{{"gzip", gz.Bytes()}, {"zstd", zs.Bytes()}} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r, err := NewReader(bytes.NewReader(c.data))
		if err != nil {
			t.Fatal(err)
		}
		n, err := drain(r)
		r.Close()
		runtime.ReadMemStats(&after)
		if err != io.EOF || n != zeros/16 {
			t.Errorf("%s: %d packets then %v, want %d then io.EOF", c.name, n, err, zeros/16)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d bytes expanding to %d: %d bytes allocated", c.name, len(c.data), zeros, alloc)
		if alloc > 24<<20 {
			t.Errorf("%s: %d bytes of input expanding to %d allocated %d bytes", c.name, len(c.data), zeros, alloc)
		}
	}
	// A zstd frame header asking for a 256 MiB window (exponent 18),
	// followed by a raw block.
	frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 18 << 3, 1 | 4<<3, 0, 0, 'a', 'b', 'c', 'd'}
	p := filepath.Join(t.TempDir(), "window.pcap.zst")
	os.WriteFile(p, frame, 0o644)
	_, err := Open(p)
	if !errors.Is(err, snare.ErrFormat) || !errors.Is(err, zstd.ErrWindowSizeExceeded) || !strings.Contains(err.Error(), p) ||
		!strings.Contains(err.Error(), "limit is 128 MiB") {
		t.Errorf("256 MiB zstd window: %v", err)
	}
}

// Corrupt compressed data: the packets before the damage, then an error
// wrapping snare.ErrFormat that names the file and the record.
func TestCorruptCompressed(t *testing.T) {
	ps := samplePackets(200)
	for _, comp := range []Compression{CompressionGzip, CompressionZstd} {
		var b bytes.Buffer
		w, _ := NewWriter(&b, CreateOptions{LinkType: link.EN10MB, Compression: comp})
		for i, p := range ps {
			if i == 100 {
				w.Flush() // the rest in later blocks
			}
			w.WritePacket(p.ci, p.data)
		}
		w.Close()
		data := b.Bytes()
		data[len(data)-6] ^= 0xff // gzip: the CRC; zstd: the last block
		f, err := NewFile(bytes.NewReader(data), "bad."+comp.String())
		if err != nil {
			t.Fatal(err)
		}
		n, err := drain(f)
		var de *DecompressError
		if n == 0 || !errors.Is(err, snare.ErrFormat) || !errors.As(err, &de) || de.Compression != comp ||
			!strings.Contains(err.Error(), "bad."+comp.String()+": record ") || !strings.Contains(err.Error(), "corrupt "+comp.String()+" data") {
			t.Errorf("%v: %d packets, then %v", comp, n, err)
		}
	}
}

// Open("-") reads the standard input (here a pipe): the packets, then an
// error that calls the input "standard input" when it is cut short.
func TestOpenStdin(t *testing.T) {
	ps := samplePackets(20)
	var b bytes.Buffer
	w, _ := NewWriter(&b, CreateOptions{Format: FormatPcapNG, Compression: CompressionGzip, LinkType: link.EN10MB, Nanosecond: true})
	writeAll(t, w, ps)
	for _, cut := range []bool{false, true} {
		data := b.Bytes()
		if cut {
			data = data[:len(data)-20]
		}
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			pw.Write(data)
			pw.Close()
		}()
		saved := os.Stdin
		os.Stdin = pr
		f, err := OpenFile("-")
		os.Stdin = saved
		if err != nil {
			t.Fatal(err)
		}
		if f.Name() != "standard input" || f.Format() != FormatPcapNG || f.Compression() != CompressionGzip {
			t.Errorf("name %q, format %v, compression %v", f.Name(), f.Format(), f.Compression())
		}
		if !cut {
			checkAll(t, f, ps, true)
		} else {
			if _, err := drain(f); !errors.Is(err, snare.ErrTruncated) || !strings.Contains(err.Error(), "standard input") {
				t.Errorf("cut standard input: %v", err)
			}
		}
		f.Close()
		pr.Close()
	}
}
