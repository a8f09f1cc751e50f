package savefile_test

import (
	"bytes"
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

// Open a capture file by path, whatever its format ("-" reads the
// standard input), and count its packets.
func ExampleOpen() {
	r, err := savefile.Open("../testdata/sample.pcap")
	if err != nil {
		log.Fatal(err) // names the file; wraps snare.ErrFormat for a file that is not a capture
	}
	defer r.Close()
	fmt.Println(r.LinkType(), r.SnapLen())
	n := 0
	for {
		_, _, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A file cut short: every packet before the cut has been
			// read, and err wraps snare.ErrTruncated and names the
			// file, the record and its byte offset.
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "packets")
	// Output:
	// EN10MB 262144
	// 36 packets
}

// Read a capture from a stream (a pipe, a network connection): here a
// gzip-compressed pcap file in memory.
func ExampleNewReader() {
	var stream bytes.Buffer
	w, _ := savefile.NewWriter(&stream, savefile.CreateOptions{LinkType: link.Raw, Compression: savefile.CompressionGzip})
	w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(1700000000, 5000), Length: 20}, make([]byte, 20))
	w.Close()

	r, err := savefile.NewReader(&stream)
	if err != nil {
		log.Fatal(err)
	}
	data, ci, err := r.ReadPacketData() // a copy, the caller's to keep
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.LinkType(), len(data), ci.Timestamp.UnixNano())
	// Output: RAW 20 1700000000000005000
}

// Append packets to an existing pcap file, as libpcap's
// pcap_dump_open_append does: the file's timestamp precision, byte
// order, link type and snap length must match the options, or Create
// refuses and leaves the file as it was.
func ExampleCreate_append() {
	dir, err := os.MkdirTemp("", "savefile-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "log.pcap")
	for i := 0; i < 2; i++ {
		w, err := savefile.Create(path, savefile.CreateOptions{LinkType: link.EN10MB, Append: true})
		if err != nil {
			log.Fatal(err)
		}
		w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(int64(i), 0), Length: 60}, make([]byte, 60))
		if err := w.Close(); err != nil {
			log.Fatal(err)
		}
	}
	_, err = savefile.Create(path, savefile.CreateOptions{LinkType: link.EN10MB, Append: true, Nanosecond: true})
	fmt.Println(err != nil)
	fi, _ := os.Stat(path)
	fmt.Println(fi.Size(), "bytes")
	// Output:
	// true
	// 176 bytes
}

// Detect tells the format or the compression from a file's first bytes.
func ExampleDetect() {
	fmt.Println(savefile.Detect([]byte{0xd4, 0xc3, 0xb2, 0xa1}))
	fmt.Println(savefile.Detect([]byte{0x0a, 0x0d, 0x0d, 0x0a}))
	fmt.Println(savefile.Detect([]byte{0x28, 0xb5, 0x2f, 0xfd}))
	// Output:
	// pcap none
	// pcapng none
	// unknown zstd
}
