// Command snareread reads a capture file with snare and prints the line
// that ../shared/bench/pcapread.c prints for libpcap:
//
//	packets=N bytes=B matched=M
//
// so the two can be timed side by side (bench/read.sh). It uses the
// zero-copy read unless -copy is given. There is no filter: matched
// equals packets.
//
// Usage:
//
//	snareread [-copy] [-buf BYTES] [-pcap] FILE
//
// -pcap reads through pcapfile directly instead of savefile.Open (format
// detection, compression); -buf sets pcapfile's read buffer size.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/pcapfile"
	"github.com/snare-pcap/snare/savefile"
)

type reader interface {
	ZeroCopyReadPacketData() ([]byte, snare.CaptureInfo, error)
	ReadPacketData() ([]byte, snare.CaptureInfo, error)
}

func main() {
	copyData := flag.Bool("copy", false, "use ReadPacketData (a copy per packet)")
	buf := flag.Int("buf", 0, "read buffer size in bytes with -pcap (0: pcapfile's default)")
	direct := flag.Bool("pcap", false, "read with pcapfile directly (pcap files only)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: snareread [-copy] [-buf BYTES] [-pcap] FILE")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	path := flag.Arg(0)
	var r reader
	if *direct {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "snareread:", err)
			os.Exit(1)
		}
		defer f.Close()
		pr, err := pcapfile.NewReaderOptions(f, pcapfile.ReaderOptions{BufferSize: *buf})
		if err != nil {
			fmt.Fprintln(os.Stderr, "snareread:", err)
			os.Exit(1)
		}
		r = pr
	} else {
		sr, err := savefile.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "snareread:", err)
			os.Exit(1)
		}
		defer sr.Close()
		r = sr
	}
	var packets, bytes uint64
	for {
		var data []byte
		var err error
		if *copyData {
			data, _, err = r.ReadPacketData()
		} else {
			data, _, err = r.ZeroCopyReadPacketData()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "snareread:", err)
			os.Exit(1)
		}
		packets++
		bytes += uint64(len(data))
	}
	fmt.Printf("packets=%d bytes=%d matched=%d\n", packets, bytes, packets)
}
