package printer

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkPrint prints the bench corpus prefix (testdata/corpus.pcap, from
// ../shared/bench/gen_corpus.go) with -nn to io.Discard.
func BenchmarkPrint(b *testing.B) {
	pkts, err := readPcap(filepath.Join("testdata", "corpus.pcap"))
	if err != nil {
		b.Fatal(err)
	}
	if big := os.Getenv("PRINTER_BENCH_FILE"); big != "" {
		if pkts, err = readPcap(big); err != nil {
			b.Fatal(err)
		}
	}
	for _, o := range []struct {
		name string
		opts Options
	}{{"nn", Options{NoResolve: 2}}, {"nn-v", Options{NoResolve: 2, Verbose: 1}}, {"nn-X", Options{NoResolve: 2, Hex: HexASCIIPayload}}} {
		b.Run(o.name, func(b *testing.B) {
			o.opts.Location = time.UTC
			p := New(io.Discard, o.opts)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := pkts[i%len(pkts)]
				if err := p.Print(k.data, k.ci); err != nil {
					b.Fatal(err)
				}
			}
			p.Flush()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pkt/s")
		})
	}
}
