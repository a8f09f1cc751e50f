package savefile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// FuzzOpen feeds arbitrary bytes through format detection, decompression
// and either format's reader: no panic, no hang, packets never longer
// than the snapshot length of a pcap file, and every error but io.EOF
// names the input and wraps snare.ErrFormat or snare.ErrTruncated.
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
			checkErr(t, err)
			return
		}
		defer r.Close()
		for n := 0; n < 1<<16; n++ {
			data, ci, err := r.ZeroCopyReadPacketData()
			if err != nil {
				if err != io.EOF {
					checkErr(t, err)
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

// checkErr fails unless err names the input and wraps snare.ErrFormat or
// snare.ErrTruncated (corrupt compressed data included).
func checkErr(t *testing.T, err error) {
	t.Helper()
	if !strings.Contains(err.Error(), "fuzz") {
		t.Fatalf("error %q does not name the input", err)
	}
	if !errors.Is(err, snare.ErrFormat) && !errors.Is(err, snare.ErrTruncated) {
		t.Fatalf("error %q (%T) wraps neither ErrFormat nor ErrTruncated", err, err)
	}
}
