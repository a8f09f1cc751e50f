package savefile

import (
	"bytes"
	"io"
	"testing"

	"github.com/snare-pcap/snare/link"
)

// benchFile returns 5000 packets written in format with comp.
func benchFile(b *testing.B, format Format, comp Compression) []byte {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, CreateOptions{Format: format, Compression: comp, LinkType: link.EN10MB})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range samplePackets(5000) {
		w.WritePacket(p.ci, p.data)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchOpen(b *testing.B, format Format, comp Compression) {
	file := benchFile(b, format, comp)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
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
		r.Close()
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pkts/s")
}

func BenchmarkReaderPcap(b *testing.B)     { benchOpen(b, FormatPcap, CompressionNone) }
func BenchmarkReaderPcapNG(b *testing.B)   { benchOpen(b, FormatPcapNG, CompressionNone) }
func BenchmarkReaderPcapGzip(b *testing.B) { benchOpen(b, FormatPcap, CompressionGzip) }
func BenchmarkReaderPcapZstd(b *testing.B) { benchOpen(b, FormatPcap, CompressionZstd) }
