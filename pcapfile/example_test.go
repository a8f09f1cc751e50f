package pcapfile_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/pcapfile"
)

func Example() {
	var file bytes.Buffer
	w, err := pcapfile.NewWriter(&file, pcapfile.WriterOptions{LinkType: link.EN10MB, Nanosecond: true})
	if err != nil {
		log.Fatal(err)
	}
	ts := time.Unix(1700000000, 123456789)
	for i := 0; i < 3; i++ {
		data := make([]byte, 60+i)
		w.WritePacket(snare.CaptureInfo{Timestamp: ts.Add(time.Duration(i) * time.Millisecond), Length: len(data)}, data)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}

	r, err := pcapfile.NewReader(&file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.LinkType(), r.SnapLen(), r.Nanosecond())
	for {
		data, ci, err := r.ZeroCopyReadPacketData() // data is valid until the next call
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ci.Timestamp.UnixNano(), len(data), ci.Length)
	}
	// Output:
	// EN10MB 262144 true
	// 1700000000123456789 60 60
	// 1700000000124456789 61 61
	// 1700000000125456789 62 62
}

// A file cut inside a record gives every packet before it, then an
// *Error that says where: the file, the record (from 1) and its byte
// offset. It wraps snare.ErrTruncated, never io.EOF.
func ExampleError() {
	var file bytes.Buffer
	w, _ := pcapfile.NewWriter(&file, pcapfile.WriterOptions{LinkType: link.EN10MB})
	for i := 0; i < 3; i++ {
		w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(1700000000, 0), Length: 60}, make([]byte, 60))
	}
	w.Flush()
	cut := file.Bytes()[:file.Len()-10]

	r, err := pcapfile.NewReaderOptions(bytes.NewReader(cut), pcapfile.ReaderOptions{Name: "cut.pcap"})
	if err != nil {
		log.Fatal(err)
	}
	for {
		_, _, err := r.ZeroCopyReadPacketData()
		if err != nil {
			var pe *pcapfile.Error
			if errors.As(err, &pe) {
				fmt.Println(pe.Record, pe.Offset, errors.Is(err, snare.ErrTruncated), errors.Is(err, io.EOF))
			}
			fmt.Println(err)
			break
		}
		fmt.Println("packet", r.Records())
	}
	// Output:
	// packet 1
	// packet 2
	// 3 176 true false
	// cut.pcap: record 3 at byte offset 176: truncated dump file; tried to read 60 captured bytes, only got 50
}

// OpenAppend adds packets to an existing file (creating it if needed)
// and refuses a file whose header differs from the options.
func ExampleOpenAppend() {
	dir, err := os.MkdirTemp("", "pcapfile-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "a.pcap")
	opts := pcapfile.WriterOptions{LinkType: link.EN10MB, SnapLen: 1500}
	for i := 0; i < 2; i++ {
		w, err := pcapfile.OpenAppend(path, opts)
		if err != nil {
			log.Fatal(err)
		}
		w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(int64(i), 0), Length: 60}, make([]byte, 60))
		if err := w.Close(); err != nil {
			log.Fatal(err)
		}
	}
	opts.SnapLen = 65535
	_, err = pcapfile.OpenAppend(path, opts)
	fmt.Println(strings.TrimPrefix(err.Error(), path+": "))
	// Output: file header: different snaplen, cannot append to file (file has 1500, want 65535)
}
