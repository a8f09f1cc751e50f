package printer

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

var fuzzLinkTypes = []link.Type{dltEN10MB, dltNull, dltLoop, dltRaw, dltIPv4, dltIPv6, dltLinuxSLL, dltLinuxSLL2}

// FuzzPrint feeds random bytes to every link-layer decoder under several
// option sets: Print must neither panic nor loop.
func FuzzPrint(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pcap"))
	for _, path := range files {
		if filepath.Base(path) == "corpus.pcap" {
			continue
		}
		pkts, err := readPcap(path)
		if err != nil {
			f.Fatal(err)
		}
		for _, k := range pkts {
			for i, lt := range fuzzLinkTypes {
				if lt == k.ci.LinkType {
					f.Add(uint8(i), uint8(0), k.data)
					f.Add(uint8(i), uint8(3), k.data)
				}
			}
		}
	}
	f.Add(uint8(0), uint8(1), []byte{})
	opts := []Options{
		{NoResolve: 2},
		{NoResolve: 2, Verbose: 3, Link: true},
		{NoResolve: 2, Hex: HexASCIIAll, Quiet: true},
		{NoResolve: 2, Verbose: 2, ASCII: true, Link: true},
	}
	f.Fuzz(func(t *testing.T, lt, o uint8, data []byte) {
		opt := opts[int(o)%len(opts)]
		opt.Location = time.UTC
		p := New(io.Discard, opt)
		ci := snare.CaptureInfo{Timestamp: time.Unix(1, 0), CaptureLength: len(data), Length: len(data) + int(o), LinkType: fuzzLinkTypes[int(lt)%len(fuzzLinkTypes)]}
		if err := p.Print(data, ci); err != nil {
			t.Fatal(err)
		}
		// The same bytes again exercise the TCP sequence table's
		// second-packet path.
		if err := p.Print(data, ci); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTruncatedPrefixes prints every prefix of every test packet: no
// panic, and each output is one line (plus dump lines) ending in newline.
func TestTruncatedPrefixes(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pcap"))
	n := 0
	for _, path := range files {
		if filepath.Base(path) == "corpus.pcap" {
			continue
		}
		pkts, err := readPcap(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range pkts {
			for cut := 0; cut <= len(k.data); cut++ {
				var out writeCounter
				p := New(&out, Options{NoResolve: 2, Verbose: 2, Link: true, Location: time.UTC})
				ci := k.ci
				ci.CaptureLength = cut
				if err := p.Print(k.data[:cut], ci); err != nil {
					t.Fatal(err)
				}
				p.Flush()
				if out.n == 0 || out.last != '\n' {
					t.Fatalf("%s: prefix %d: output does not end in a newline", path, cut)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no packets")
	}
	_ = os.Stdout
}

type writeCounter struct {
	n    int
	last byte
}

func (w *writeCounter) Write(b []byte) (int, error) {
	w.n += len(b)
	if len(b) > 0 {
		w.last = b[len(b)-1]
	}
	return len(b), nil
}
