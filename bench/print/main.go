// Command print is a small driver for the printer package: it reads a
// classic pcap file and prints it as tcpdump -r would. bench/print.sh
// uses it when cmd/snare cannot print yet; it is also handy for diffing
// against tcpdump by hand.
//
//	go run ./bench/print -r FILE [-n 2] [-v N] [-e] [-t N] [-x N] [-X N] [-A] [-q] [-S] [-#]
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/printer"
)

func main() {
	file := flag.String("r", "", "pcap file")
	n := flag.Int("n", 2, "-n count")
	v := flag.Int("v", 0, "-v count")
	e := flag.Bool("e", false, "-e")
	t := flag.Int("t", 0, "-t count")
	x := flag.Int("x", 0, "-x count")
	X := flag.Int("X", 0, "-X count")
	A := flag.Bool("A", false, "-A")
	q := flag.Bool("q", false, "-q")
	S := flag.Bool("S", false, "-S")
	num := flag.Bool("#", false, "-#")
	nano := flag.Bool("nano", false, "nanosecond time stamps")
	flag.Parse()
	opts := printer.Options{Verbose: *v, NoResolve: *n, Link: *e, Timestamp: printer.TimestampMode(*t),
		ASCII: *A, Quiet: *q, AbsoluteSeq: *S, Number: *num, Nano: *nano, Location: time.Local}
	switch {
	case *X >= 2:
		opts.Hex = printer.HexASCIIAll
	case *X == 1:
		opts.Hex = printer.HexASCIIPayload
	case *x >= 2:
		opts.Hex = printer.HexAll
	case *x == 1:
		opts.Hex = printer.HexPayload
	}
	if err := run(*file, opts); err != nil {
		fmt.Fprintln(os.Stderr, "print:", err)
		os.Exit(1)
	}
}

func run(path string, opts printer.Options) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var gh [24]byte
	if _, err := io.ReadFull(r, gh[:]); err != nil {
		return fmt.Errorf("%s: file header: %w", path, err)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	nano := false
	switch binary.LittleEndian.Uint32(gh[:]) {
	case 0xa1b2c3d4:
	case 0xa1b23c4d:
		nano = true
	case 0xd4c3b2a1:
		bo = binary.BigEndian
	case 0x4d3cb2a1:
		bo, nano = binary.BigEndian, true
	default:
		return fmt.Errorf("%s: not a pcap file", path)
	}
	lt := link.Type(bo.Uint32(gh[20:]) & 0x0fffffff)
	if lt == 101 {
		lt = 12
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer out.Flush()
	p := printer.New(out, opts)
	defer p.Flush()
	buf := make([]byte, 0, 1<<16)
	var rh [16]byte
	for rec := 0; ; rec++ {
		if _, err := io.ReadFull(r, rh[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("%s: record %d: %w", path, rec, err)
		}
		sec, frac := bo.Uint32(rh[:]), bo.Uint32(rh[4:])
		incl, orig := int(bo.Uint32(rh[8:])), int(bo.Uint32(rh[12:]))
		if incl > 1<<18 {
			return fmt.Errorf("%s: record %d: caplen %d too large", path, rec, incl)
		}
		if cap(buf) < incl {
			buf = make([]byte, incl)
		}
		buf = buf[:incl]
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("%s: record %d: %w", path, rec, err)
		}
		ns := int64(frac) * 1000
		if nano {
			ns = int64(frac)
		}
		ci := snare.CaptureInfo{Timestamp: time.Unix(int64(sec), ns), CaptureLength: incl, Length: orig, LinkType: lt}
		if err := p.Print(buf, ci); err != nil {
			return err
		}
	}
}
