package pcapng_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/pcapng"
)

func ExampleWriter() {
	var buf bytes.Buffer
	w, err := pcapng.NewWriter(&buf, pcapng.WriterOptions{UserApplication: "example", Comments: []string{"two interfaces"}})
	if err != nil {
		log.Fatal(err)
	}
	eth, _ := w.AddInterface(pcapng.Interface{LinkType: link.Type(1), SnapLen: 65535, Name: "eth0"})
	lo, _ := w.AddInterface(pcapng.Interface{LinkType: link.Type(1), SnapLen: 65535, Name: "lo", TSResolution: pcapng.Microsecond})
	ts := time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.UTC)
	frame := make([]byte, 60)
	w.WritePacket(snare.CaptureInfo{Timestamp: ts, Length: 60, InterfaceIndex: eth, Direction: snare.DirectionOut}, frame)
	w.WritePacketWithOptions(snare.CaptureInfo{Timestamp: ts, Length: 60, InterfaceIndex: lo}, frame,
		pcapng.PacketOptions{Comments: []string{"looped back"}})
	w.SetInterfaceStatistics(eth, pcapng.InterfaceStatistics{Timestamp: ts, Received: 1})
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := pcapng.NewReader(&buf)
	if err != nil {
		log.Fatal(err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		fmt.Println(ci.Timestamp.Format(time.RFC3339Nano), len(data), r.Interfaces()[ci.InterfaceIndex].Name, ci.Direction, r.PacketOptions().Comments)
	}
	stats, _ := r.Statistics(eth)
	fmt.Println("received on eth0:", stats.Received)
	// Output:
	// 2024-01-02T03:04:05.123456789Z 60 eth0 out []
	// 2024-01-02T03:04:05.123456Z 60 lo unknown [looped back]
	// received on eth0: 1
}

func ExampleReader() {
	// A file as tcpdump or Wireshark would write it (made here with the
	// Writer to keep the example self-contained).
	var file bytes.Buffer
	w, _ := pcapng.NewWriter(&file, pcapng.WriterOptions{})
	w.AddInterface(pcapng.Interface{LinkType: link.Type(1), Name: "eth0"})
	for i := 0; i < 3; i++ {
		w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(1700000000, int64(i)), Length: 64}, make([]byte, 60))
	}
	w.Close()

	r, err := pcapng.NewReader(&file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("link type:", r.LinkType(), "snap length:", r.SnapLen())
	for {
		// The slice is valid until the next read: copy what you keep.
		data, ci, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err) // names the file, block number and byte offset
		}
		fmt.Println(ci.Timestamp.UnixNano(), ci.CaptureLength, ci.Length, len(data), ci.LinkType)
	}
	// Output:
	// link type: EN10MB snap length: 262144
	// 1700000000000000000 60 64 60 EN10MB
	// 1700000000000000001 60 64 60 EN10MB
	// 1700000000000000002 60 64 60 EN10MB
}

// A corrupt or truncated file gives every packet before the damage, then
// a *FormatError naming the file, the block (numbered from 1) and its
// byte offset, wrapping snare.ErrFormat or snare.ErrTruncated.
func ExampleFormatError() {
	var file bytes.Buffer
	w, _ := pcapng.NewWriter(&file, pcapng.WriterOptions{})
	w.AddInterface(pcapng.Interface{LinkType: link.EN10MB})
	for i := 0; i < 2; i++ {
		w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(1700000000, 0), Length: 60}, make([]byte, 60))
	}
	w.Close()
	cut := file.Bytes()[:file.Len()-8]

	r, err := pcapng.NewReaderOptions(bytes.NewReader(cut), pcapng.ReaderOptions{Name: "cut.pcapng"})
	if err != nil {
		log.Fatal(err)
	}
	for {
		_, _, err := r.ZeroCopyReadPacketData()
		if err != nil {
			var fe *pcapng.FormatError
			if errors.As(err, &fe) {
				fmt.Println(fe.Block, fe.Offset, errors.Is(err, snare.ErrTruncated))
			}
			fmt.Println(err)
			break
		}
		fmt.Println("packet")
	}
	// Output:
	// packet
	// 4 152 true
	// pcapng: cut.pcapng: block 4 (Enhanced Packet Block, type 0x00000006) at byte offset 152: file ends 84 bytes into a block of 92 bytes: capture file is truncated
}
