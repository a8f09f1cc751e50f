package pcapng

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// benchFile returns a pcapng file of n packets of mixed sizes.
func benchFile(tb testing.TB, n int) []byte {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, WriterOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	w.AddInterface(Interface{LinkType: link.Type(1), TSResolution: Microsecond})
	rng := rand.New(rand.NewPCG(1, 1))
	sizes := []int{60, 590, 1514}
	data := make([]byte, 1514)
	ts := time.Unix(1700000000, 0)
	for i := 0; i < n; i++ {
		ts = ts.Add(10 * time.Microsecond)
		s := sizes[rng.IntN(3)]
		opts := PacketOptions{}
		if i%3 == 0 {
			opts.Flags = 1 // some packets carry epb_flags
		}
		w.WritePacketWithOptions(snare.CaptureInfo{Timestamp: ts, Length: s}, data[:s], opts)
	}
	w.Close()
	return buf.Bytes()
}

// TestZeroCopyAllocs checks that the zero-copy read allocates nothing
// per packet.
func TestZeroCopyAllocs(t *testing.T) {
	file := benchFile(t, 3000)
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(2000, func() {
		if _, _, err := r.ZeroCopyReadPacketData(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per packet, want 0", allocs)
	}
}

func BenchmarkZeroCopyRead(b *testing.B) {
	file := benchFile(b, 20000)
	b.SetBytes(int64(len(file)) / 20000)
	b.ReportAllocs()
	r, _ := NewReader(bytes.NewReader(file))
	for b.Loop() {
		_, _, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			r, _ = NewReader(bytes.NewReader(file))
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCorpus reads $PCAPNG_BENCH_FILE (for example the bench
// corpus converted with editcap, see the package's closing note):
//
//	go run ../../shared/bench/gen_corpus.go -n 1000000 -o /tmp/bench/c1m.pcap
//	editcap -F pcapng /tmp/bench/c1m.pcap /tmp/bench/c1m.pcapng
//	PCAPNG_BENCH_FILE=/tmp/bench/c1m.pcapng go test -run XXX -bench Corpus -benchmem ./pcapng
func BenchmarkCorpus(b *testing.B) {
	path := os.Getenv("PCAPNG_BENCH_FILE")
	if path == "" {
		b.Skip("set PCAPNG_BENCH_FILE to a pcapng file")
	}
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := NewReader(f)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, _, err := r.ZeroCopyReadPacketData()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		f.Close()
		b.ReportMetric(float64(n), "packets/op")
	}
}

func BenchmarkWrite(b *testing.B) {
	w, _ := NewWriter(io.Discard, WriterOptions{})
	w.AddInterface(Interface{LinkType: link.Type(1)})
	data := make([]byte, 590)
	ci := snare.CaptureInfo{Timestamp: time.Unix(1700000000, 5), Length: 590, Direction: snare.DirectionIn}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := w.WritePacket(ci, data); err != nil {
			b.Fatal(err)
		}
	}
}
