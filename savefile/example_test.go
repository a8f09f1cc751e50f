package savefile_test

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/savefile"
)

func Example() {
	dir, err := os.MkdirTemp("", "savefile-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "trace.pcapng.zst")

	// Write a zstd-compressed pcapng file with nanosecond timestamps.
	w, err := savefile.Create(path, savefile.CreateOptions{
		Format:      savefile.FormatPcapNG,
		Compression: savefile.CompressionZstd,
		LinkType:    link.EN10MB,
		Nanosecond:  true,
	})
	if err != nil {
		log.Fatal(err)
	}
	ts := time.Unix(1700000000, 123456789)
	for i := 0; i < 2; i++ {
		w.WritePacket(snare.CaptureInfo{Timestamp: ts, Length: 64}, make([]byte, 60))
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	// Open finds the compression and the format by their magic numbers.
	r, err := savefile.OpenFile(path)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	fmt.Println(r.Format(), r.Compression(), r.LinkType())
	for {
		data, ci, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ci.Timestamp.UnixNano(), len(data), ci.Length, ci.InterfaceIndex)
	}
	// Output:
	// pcapng zstd EN10MB
	// 1700000000123456789 60 64 0
	// 1700000000123456789 60 64 0
}
