package savefile

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/snare-pcap/snare/link"
)

// FuzzOpen feeds arbitrary bytes through format detection, decompression
// and either format's reader: no panic, no hang, and packets never longer
// than the snapshot length of a pcap file.
func FuzzOpen(f *testing.F) {
	for _, format := range []Format{FormatPcap, FormatPcapNG} {
		for _, comp := range []Compression{CompressionNone, CompressionGzip, CompressionZstd} {
			var b bytes.Buffer
			w, _ := NewWriter(&b, CreateOptions{Format: format, LinkType: link.EN10MB, Compression: comp, SnapLen: 100})
			for _, p := range samplePackets(3) {
				w.WritePacket(p.ci, p.data)
			}
			w.Close()
			f.Add(b.Bytes())
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("not a capture"))
	zw.Close()
	f.Add(gz.Bytes())
	for _, dir := range []string{
		filepath.Join("..", "..", "shared", "testdata", "libpcap-invalid"),
		filepath.Join("..", "..", "shared", "testdata", "libpcap-filter", "captures"),
	} {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 16<<10 {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewFile(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		defer r.Close()
		for n := 0; n < 1<<16; n++ {
			data, ci, err := r.ZeroCopyReadPacketData()
			if err != nil {
				if err != io.EOF && r.Format() == FormatPcap && !bytes.Contains([]byte(err.Error()), []byte("fuzz")) {
					t.Fatalf("error %q does not name the input", err)
				}
				return
			}
			if ci.CaptureLength != len(data) {
				t.Fatalf("CaptureLength %d for %d bytes", ci.CaptureLength, len(data))
			}
			if r.Format() == FormatPcap && len(data) > r.SnapLen() {
				t.Fatalf("%d bytes with snaplen %d", len(data), r.SnapLen())
			}
		}
	})
}
