package pcapfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/snare-pcap/snare"
)

// FuzzReader feeds arbitrary bytes to the Reader: it must never panic,
// hang or hand out more than the snaplen, and every error but io.EOF must
// be an *Error.
func FuzzReader(f *testing.F) {
	f.Add(build(binary.LittleEndian, MagicMicroseconds, 2, 4, 65535, 1, threeRecs()))
	f.Add(build(binary.BigEndian, MagicNanoseconds, 2, 4, 100, 1, threeRecs()))
	f.Add(build(binary.LittleEndian, MagicKuznetzov, 2, 3, 0, 101, threeRecs()))
	f.Add(build(binary.BigEndian, MagicMicroseconds, 543, 0, 0, 231, threeRecs()))
	for _, dir := range []string{
		filepath.Join("..", "..", "shared", "testdata", "libpcap-invalid"),
		filepath.Join("..", "..", "shared", "testdata", "libpcap-filter", "captures"),
	} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.pcap"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewReaderOptions(bytes.NewReader(b), ReaderOptions{BufferSize: 256})
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("header error %v is not an *Error", err)
			}
			return
		}
		for n := 0; ; n++ {
			data, ci, err := r.ZeroCopyReadPacketData()
			if err == io.EOF {
				return
			}
			if err != nil {
				var pe *Error
				if !errors.As(err, &pe) || !(errors.Is(err, snare.ErrTruncated) || errors.Is(err, snare.ErrFormat)) {
					t.Fatalf("record error %v", err)
				}
				if pe.Record != int64(n+1) {
					t.Fatalf("error names record %d after %d packets", pe.Record, n)
				}
				return
			}
			if len(data) > r.SnapLen() || ci.CaptureLength != len(data) {
				t.Fatalf("packet of %d bytes (ci %d) with snaplen %d", len(data), ci.CaptureLength, r.SnapLen())
			}
			if n > len(b) {
				t.Fatal("more packets than bytes")
			}
		}
	})
}
