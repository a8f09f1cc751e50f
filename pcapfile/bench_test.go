package pcapfile

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"testing"
)

// benchFile is a pcap of 10000 packets with the corpus's size mix
// (40 % 60 B, 30 % 550-600 B, 30 % 1514 B).
func benchFile() []byte {
	var recs []rec
	sizes := []int{60, 60, 60, 60, 580, 560, 590, 1514, 1514, 1514}
	for i := 0; i < 10000; i++ {
		n := sizes[i%len(sizes)]
		recs = append(recs, rec{uint32(1700000000 + i/100000), uint32(i * 10 % 1000000), uint32(n), uint32(n), make([]byte, n)})
	}
	return build(binary.LittleEndian, MagicMicroseconds, 2, 4, 65535, 1, recs)
}

func benchRead(b *testing.B, file []byte, bufSize int, copyData bool) {
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		r, err := NewReaderOptions(bytes.NewReader(file), ReaderOptions{BufferSize: bufSize})
		if err != nil {
			b.Fatal(err)
		}
		for {
			var err error
			if copyData {
				_, _, err = r.ReadPacketData()
			} else {
				_, _, err = r.ZeroCopyReadPacketData()
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pkts/s")
}

// BenchmarkReaderZeroCopy reads an in-memory file: the per-packet cost
// without I/O.
func BenchmarkReaderZeroCopy(b *testing.B) { benchRead(b, benchFile(), 0, false) }

// BenchmarkReaderCopy is the same with ReadPacketData.
func BenchmarkReaderCopy(b *testing.B) { benchRead(b, benchFile(), 0, true) }

// BenchmarkReaderFile reads $SNARE_BENCH_PCAP (for example the bench
// corpus /tmp/bench/c1m.pcap) from disk with several buffer sizes.
func BenchmarkReaderFile(b *testing.B) {
	path := os.Getenv("SNARE_BENCH_PCAP")
	if path == "" {
		b.Skip("set SNARE_BENCH_PCAP to a pcap file")
	}
	for _, size := range []int{64 << 10, 256 << 10, 1 << 20, 4 << 20} {
		b.Run(byteSize(size), func(b *testing.B) {
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			b.ReportAllocs()
			var n int
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				r, err := NewReaderOptions(f, ReaderOptions{BufferSize: size})
				if err != nil {
					b.Fatal(err)
				}
				for {
					_, _, err := r.ZeroCopyReadPacketData()
					if err != nil {
						break
					}
					n++
				}
				f.Close()
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pkts/s")
		})
	}
}

func byteSize(n int) string {
	if n >= 1<<20 {
		return itoa(n>>20) + "MiB"
	}
	return itoa(n>>10) + "KiB"
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func BenchmarkWriter(b *testing.B) {
	data := make([]byte, 600)
	file := benchFile()
	r, _ := NewReader(bytes.NewReader(file))
	_, ci, _ := r.ZeroCopyReadPacketData()
	w, _ := NewWriter(io.Discard, WriterOptions{LinkType: 1})
	b.SetBytes(int64(len(data) + 16))
	b.ReportAllocs()
	for b.Loop() {
		if err := w.WritePacket(ci, data); err != nil {
			b.Fatal(err)
		}
	}
}
