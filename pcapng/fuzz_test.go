package pcapng

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
)

// fuzzSeeds returns the golden files, the shared invalid files and a
// file from the writer.
func fuzzSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, pat := range []string{"testdata/*.pcapng", filepath.Join(sharedDir(), "libpcap-invalid", "*.pcapng")} {
		files, _ := filepath.Glob(pat)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, WriterOptions{Comments: []string{"x"}, OS: "os"})
	if err != nil {
		t.Fatal(err)
	}
	w.AddInterface(Interface{LinkType: 1, Name: "a", TSResolution: 0x94, TSOffset: 5})
	w.WriteNameRecords(NameRecord{Addr: mustAddr("10.0.0.1"), Names: []string{"a", "b"}})
	w.WritePacketWithOptions(snare.CaptureInfo{Timestamp: time.Unix(10, 5), Length: 9}, []byte("abcde"),
		PacketOptions{Comments: []string{"c"}, Flags: 0x21, Hashes: []Hash{{2, []byte{1, 2, 3, 4}}}, DropCount: 3})
	w.SetInterfaceStatistics(0, InterfaceStatistics{Received: 1})
	w.Close()
	seeds = append(seeds, buf.Bytes())
	return seeds
}

// FuzzReader reads arbitrary input: it must not panic, hang or allocate
// without bound, and every error must be io.EOF or say where.
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReaderOptions(bytes.NewReader(data), ReaderOptions{MaxBlockSize: 1 << 20,
			CustomBlock: func(CustomBlock) error { return nil }})
		if err != nil {
			checkErr(t, err)
			return
		}
		for i := 0; ; i++ {
			pkt, ci, err := r.ZeroCopyReadPacketData()
			if err == io.EOF {
				return
			}
			if err != nil {
				checkErr(t, err)
				if _, _, err2 := r.ZeroCopyReadPacketData(); err2 != err {
					t.Fatalf("error not sticky: %v then %v", err, err2)
				}
				return
			}
			if len(pkt) != ci.CaptureLength || ci.Length < ci.CaptureLength {
				t.Fatalf("packet %d: len %d, CaptureInfo %+v", i, len(pkt), ci)
			}
			r.PacketOptions()
			r.Interfaces()
			if i > len(data) {
				t.Fatal("more packets than bytes")
			}
		}
	})
}

func checkErr(t *testing.T, err error) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FormatError", err, err)
	}
	if !errors.Is(err, snare.ErrFormat) && !errors.Is(err, snare.ErrTruncated) {
		t.Fatalf("error %v wraps neither ErrFormat nor ErrTruncated", err)
	}
}

// FuzzRoundTrip writes a packet with options and reads it back.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("packet"), int64(1700000000123456789), uint8(9), "comment", uint32(0x21), uint64(7), false)
	f.Add([]byte{}, int64(0), uint8(0x9e), "", uint32(2), uint64(0), true)
	f.Fuzz(func(t *testing.T, data []byte, ns int64, res uint8, comment string, flags uint32, drops uint64, big bool) {
		if ns < 0 || !Resolution(res).valid() || Resolution(res).UnitsPerSecond() < 1e9 && res&0x80 == 0 {
			return
		}
		if Resolution(res).IsBinary() && Resolution(res).Exponent() < 30 {
			return // coarser than a nanosecond: the time stamp is rounded
		}
		var buf bytes.Buffer
		w, err := NewWriter(&buf, WriterOptions{BigEndian: big, Comments: []string{comment}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.AddInterface(Interface{LinkType: 1, TSResolution: Resolution(res), Name: comment}); err != nil {
			t.Fatal(err)
		}
		ts := time.Unix(0, ns)
		opts := PacketOptions{Flags: Flags(flags), HasFlags: true, DropCount: drops, HasDropCount: true}
		if comment != "" {
			opts.Comments = []string{comment}
		}
		if err := w.WritePacketWithOptions(snare.CaptureInfo{Timestamp: ts, Length: len(data) + 3}, data, opts); err != nil {
			return // time stamp out of range for the resolution
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		got, ci, err := r.ReadPacketData()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) || ci.Length != len(data)+3 || ci.Direction != Flags(flags).Direction() {
			t.Fatalf("read %x %+v", got, ci)
		}
		if Resolution(res).IsBinary() {
			if d := ci.Timestamp.Sub(ts); d < -1 || d > 1 {
				t.Fatalf("time %v, want %v", ci.Timestamp, ts)
			}
		} else if !ci.Timestamp.Equal(ts) {
			t.Fatalf("time %v, want %v", ci.Timestamp, ts)
		}
		po := r.PacketOptions()
		if po.Flags != Flags(flags) || po.DropCount != drops || len(po.Comments) != len(opts.Comments) {
			t.Fatalf("options %+v", po)
		}
		if comment != "" && len(comment) <= 0xfff8 && po.Comments[0] != comment {
			t.Fatalf("comment %q", po.Comments[0])
		}
		if _, _, err := r.ReadPacketData(); err != io.EOF {
			t.Fatalf("after the packet: %v", err)
		}
	})
}
