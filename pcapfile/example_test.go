package pcapfile_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
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
