package bpf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchPackets loads the bench corpus (SNARE_BENCH_PCAP, default
// /tmp/bench/c100k.pcap, made by
// go run ../shared/bench/gen_corpus.go -n 100000 -o /tmp/bench/c100k.pcap).
func benchPackets(b *testing.B) []testPacket {
	path := os.Getenv("SNARE_BENCH_PCAP")
	if path == "" {
		path = "/tmp/bench/c100k.pcap"
	}
	pkts, _, err := readPcap(path)
	if err != nil {
		b.Skipf("bench corpus: %v (make it with: go run ../../shared/bench/gen_corpus.go -n 100000 -o /tmp/bench/c100k.pcap)", err)
	}
	return pkts
}

// BenchmarkMachine runs tcpdump's programs (testdata/bench/*.ddd, see the
// README there) over the bench corpus, one packet per iteration: "hot"
// cycles through the first 2000 packets (in cache: the filter's own
// cost), "all" through every packet. bench/bpf/run.sh compares the same
// runs with libpcap's bpf_filter.
func BenchmarkMachine(b *testing.B) {
	pkts := benchPackets(b)
	files, _ := filepath.Glob("testdata/bench/*.ddd")
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		p, err := ParseDecimal(string(text))
		if err != nil {
			b.Fatal(err)
		}
		m := mustMachine(b, p)
		name := strings.TrimSuffix(filepath.Base(f), ".ddd")
		for _, set := range []struct {
			name string
			pkts []testPacket
		}{{"hot", pkts[:min(2000, len(pkts))]}, {"all", pkts}} {
			b.Run(name+"/"+set.name, func(b *testing.B) {
				ps := set.pkts
				matched := 0
				i := 0
				for b.Loop() {
					pk := &ps[i]
					if m.Run(pk.data, pk.wireLen) != 0 {
						matched++
					}
					i++
					if i == len(ps) {
						i = 0
					}
				}
				_ = matched
			})
		}
	}
}
