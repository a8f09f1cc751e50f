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
