package dumper_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/dumper"
	"github.com/snare-pcap/snare/link"
)

// Write packets to a ring of three files of at most about 1 MB each,
// as "tcpdump -w ring -C 1 -W 3" does.
func Example() {
	dir, _ := os.MkdirTemp("", "dumper-example")
	defer os.RemoveAll(dir)
	d, err := dumper.Open(dumper.Options{
		Name:      filepath.Join(dir, "ring"),
		Format:    dumper.Pcap{LinkType: link.Type(1)}, // Ethernet
		FileSize:  1000000,
		FileCount: 3,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	frame := make([]byte, 1000)
	for i := 0; i < 5000; i++ {
		ci := snare.CaptureInfo{Timestamp: time.Unix(1700000000, 0), CaptureLength: len(frame), Length: len(frame)}
		if err := d.WritePacket(ci, frame); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("now writing", filepath.Base(d.FileName()), "after opening", d.Files(), "files")
	if err := d.Close(); err != nil {
		fmt.Println(err)
	}
	// Output: now writing ring2 after opening 6 files
}

func ExampleStrftime() {
	t := time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)
	fmt.Println(dumper.Strftime("capture-%Y%m%d-%H%M%S.pcap", t))
	// Output: capture-20240301-123000.pcap
}
