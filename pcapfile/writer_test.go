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
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

func TestWriteRead(t *testing.T) {
	ts := time.Date(2024, 2, 29, 12, 34, 56, 123456789, time.UTC)
	for _, bo := range []binary.ByteOrder{nil, binary.LittleEndian, binary.BigEndian} {
		for _, nano := range []bool{false, true} {
			var b bytes.Buffer
			w, err := NewWriter(&b, WriterOptions{LinkType: link.Raw, SnapLen: 100, Nanosecond: nano, ByteOrder: bo, FCSLength: 4})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WritePacket(snare.CaptureInfo{Timestamp: ts, Length: 60}, pkt(60, 1)); err != nil {
				t.Fatal(err)
			}
			if err := w.WritePacket(snare.CaptureInfo{Timestamp: ts.Add(time.Second), Length: 10}, pkt(150, 2)); err != nil {
				t.Fatal(err)
			}
			if b.Len() != 0 {
				t.Error("Writer wrote before Flush")
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			r, err := NewReader(&b)
			if err != nil {
				t.Fatal(err)
			}
			wantBE := bo == binary.BigEndian
			if (r.ByteOrder() == binary.BigEndian) != wantBE || r.Nanosecond() != nano || r.LinkType() != link.Raw || r.SnapLen() != 100 || r.FCSLength() != 4 {
				t.Errorf("header: %v nano=%v %v snap=%d fcs=%d", r.ByteOrder(), r.Nanosecond(), r.LinkType(), r.SnapLen(), r.FCSLength())
			}
			ds, cis, err := readAll(t, r)
			if err != io.EOF || len(ds) != 2 {
				t.Fatalf("%d packets, %v", len(ds), err)
			}
			want := ts
			if !nano {
				want = ts.Truncate(time.Microsecond)
			}
			if !cis[0].Timestamp.Equal(want) || !bytes.Equal(ds[0], pkt(60, 1)) || cis[0].Length != 60 {
				t.Errorf("packet 1: %+v", cis[0])
			}
			// Cut to the snaplen; the wire length is at least the data's.
			if !bytes.Equal(ds[1], pkt(100, 2)) || cis[1].Length != 150 {
				t.Errorf("packet 2: %d bytes, %+v", len(ds[1]), cis[1])
			}
		}
	}
}

func TestWriterRefuses(t *testing.T) {
	if _, err := NewWriter(io.Discard, WriterOptions{LinkType: 13}); err == nil || !strings.Contains(err.Error(), "isn't supported in savefiles") {
		t.Errorf("DLT 13: %v", err)
	}
	if _, err := NewWriter(io.Discard, WriterOptions{LinkType: 1, FCSLength: 3}); err == nil {
		t.Error("odd FCS length accepted")
	}
	if _, err := NewWriter(io.Discard, WriterOptions{LinkType: 1, SnapLen: -1}); err == nil || !strings.Contains(err.Error(), "invalid snapshot length -1") {
		t.Errorf("negative snaplen: %v", err)
	}
	if _, err := Create(filepath.Join(t.TempDir(), "x.pcap"), WriterOptions{LinkType: 13}); err == nil || !strings.Contains(err.Error(), "x.pcap: link-layer type 13") {
		t.Errorf("Create with DLT 13: %v", err)
	}
	w, _ := NewWriter(io.Discard, WriterOptions{LinkType: 1})
	if w.SnapLen() != 262144 {
		t.Errorf("default snaplen %d", w.SnapLen())
	}
	for _, ts := range []time.Time{{}, time.Unix(-1, 0), time.Unix(1<<32, 0)} {
		if err := w.WritePacket(snare.CaptureInfo{Timestamp: ts}, nil); !errors.Is(err, ErrTimestampRange) {
			t.Errorf("%v: %v", ts, err)
		}
	}
}

type errWriter struct{}

func (e *errWriter) Write(p []byte) (int, error) {
	return 0, errors.New("disk full")
}

func TestWriterErrorSticks(t *testing.T) {
	w, err := NewWriter(&errWriter{}, WriterOptions{LinkType: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err == nil {
		t.Fatal("Flush hid the error")
	}
	if err := w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(1, 0)}, pkt(10, 1)); err == nil {
		t.Error("WritePacket after a failed Flush succeeded")
	}
}

func TestOpenAppend(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.pcap")
	opts := WriterOptions{LinkType: link.EN10MB, SnapLen: 1000, Nanosecond: true}
	// Creates the file when missing.
	w, err := OpenAppend(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(10, 5), Length: 20}, pkt(20, 1))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = OpenAppend(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(11, 7), Length: 30}, pkt(30, 2))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	r, err := NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	ds, cis, err := readAll(t, r)
	if err != io.EOF || len(ds) != 2 || cis[1].Timestamp.UnixNano() != 11e9+7 || !bytes.Equal(ds[1], pkt(30, 2)) {
		t.Fatalf("after append: %d packets, %v", len(ds), err)
	}
	refuse := []struct {
		opts WriterOptions
		msg  string
	}{
		{WriterOptions{LinkType: link.EN10MB, SnapLen: 1000}, "different time stamp precision"},
		{WriterOptions{LinkType: link.EN10MB, SnapLen: 1000, Nanosecond: true, ByteOrder: binary.BigEndian}, "different byte order"},
		{WriterOptions{LinkType: link.Raw, SnapLen: 1000, Nanosecond: true}, "different linktype"},
		{WriterOptions{LinkType: link.EN10MB, SnapLen: 1000, Nanosecond: true, FCSLength: 4}, "different linktype"},
		{WriterOptions{LinkType: link.EN10MB, SnapLen: 2000, Nanosecond: true}, "different snaplen"},
	}
	for _, c := range refuse {
		_, err := OpenAppend(p, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), p) {
			t.Errorf("%+v: %v, want %q", c.opts, err, c.msg)
		}
	}
	// Other files.
	others := map[string][]byte{
		"short":   {0xd4, 0xc3, 0xb2},
		"v22":     build(binary.LittleEndian, MagicNanoseconds, 2, 2, 1000, 1, nil),
		"kuz":     build(binary.LittleEndian, MagicKuznetzov, 2, 4, 1000, 1, nil),
		"garbage": []byte("this is not a capture file at all"),
	}
	msgs := map[string]string{"short": "truncated pcap file header", "v22": "version is 2.2", "kuz": "not a pcap file to which we can append", "garbage": "not a pcap file"}
	for name, data := range others {
		q := filepath.Join(dir, name)
		os.WriteFile(q, data, 0o644)
		_, err := OpenAppend(q, opts)
		if err == nil || !strings.Contains(err.Error(), msgs[name]) {
			t.Errorf("%s: %v, want %q", name, err, msgs[name])
		}
		if got, _ := os.ReadFile(q); !bytes.Equal(got, data) {
			t.Errorf("%s: refused file was modified", name)
		}
	}
}

// OpenAppend on a file already larger than 4 GiB (sparse, so the test
// writes only the header and one packet) appends at the end: no
// offset or size is kept in 32 bits.
func TestOpenAppendOver4GiB(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.pcap")
	opts := WriterOptions{LinkType: link.EN10MB, SnapLen: 65535}
	w, err := Create(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Empty records fill the hole: 4 GiB + 16 bytes of zeros read as
	// records of length 0.
	const size = 24 + 1<<32 + 16
	if err := os.Truncate(p, size); err != nil {
		t.Skipf("cannot make a sparse file of %d bytes: %v", int64(size), err)
	}
	w, err = OpenAppend(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Unix(1700000000, 123000)
	if err := w.WritePacket(snare.CaptureInfo{Timestamp: ts, Length: 40}, pkt(40, 5)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if fi, _ := f.Stat(); fi.Size() != size+16+40 {
		t.Fatalf("size %d after append, want %d", fi.Size(), int64(size+16+40))
	}
	// Read the appended record where it must be, with a Reader started at
	// the header and moved past the hole.
	var hdr [FileHeaderLen]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		t.Fatal(err)
	}
	tail := io.NewSectionReader(f, size, 16+40)
	r, err := NewReader(io.MultiReader(bytes.NewReader(hdr[:]), tail))
	if err != nil {
		t.Fatal(err)
	}
	d, ci, err := r.ReadPacketData()
	if err != nil || !bytes.Equal(d, pkt(40, 5)) || !ci.Timestamp.Equal(ts) {
		t.Fatalf("appended packet: %d bytes at %v, %v", len(d), ci.Timestamp, err)
	}
}

// countingWriter counts what it is given and keeps nothing.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// A Writer writes more than 4 GiB: every byte arrives (the bytes
// themselves are checked by TestWriteRead; here only that nothing wraps).
func TestWriterOver4GiB(t *testing.T) {
	var c countingWriter
	w, err := NewWriter(&c, WriterOptions{LinkType: link.EN10MB})
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 262144)
	const n = 16400
	ci := snare.CaptureInfo{Timestamp: time.Unix(1, 0), Length: len(data)}
	for i := 0; i < n; i++ {
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := int64(24 + n*(16+len(data))); c.n != want || want <= 1<<32 {
		t.Fatalf("wrote %d bytes, want %d (> 4 GiB)", c.n, want)
	}
}
