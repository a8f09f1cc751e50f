package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/snare-pcap/snare/cmd/snare/internal/sample"
)

var update = flag.Bool("update", false, "rewrite testdata/sample.pcap from the generator")

// samplePath is the capture the README runs.
var samplePath = filepath.Join("..", "..", "testdata", "sample.pcap")

// TestSampleCapture checks that the shipped sample is what the generator
// builds (go test ./cmd/snare -run TestSampleCapture -update rewrites it).
func TestSampleCapture(t *testing.T) {
	var buf bytes.Buffer
	if err := sample.WritePcap(&buf, sample.Packets()); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(samplePath, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Fatalf("%s differs from the generator's output; run go test ./cmd/snare -run TestSampleCapture -update", samplePath)
	}
}
