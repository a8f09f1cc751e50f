package main

import (
	"bufio"
	"strconv"

	"github.com/snare-pcap/snare"
)

// linePrinter is the first cut's printer: one line per packet with the
// time, the link type and the lengths.
type linePrinter struct {
	w   *bufio.Writer
	buf []byte
}

func newPrinter(cfg *config, w *bufio.Writer) packetPrinter {
	return &linePrinter{w: w}
}

func (p *linePrinter) Print(data []byte, ci snare.CaptureInfo) error {
	b := ci.Timestamp.AppendFormat(p.buf[:0], "15:04:05.000000")
	b = append(b, ' ')
	b = append(b, ci.LinkType.Name()...)
	b = append(b, ", caplen "...)
	b = strconv.AppendInt(b, int64(len(data)), 10)
	b = append(b, ", length "...)
	b = strconv.AppendInt(b, int64(ci.Length), 10)
	b = append(b, '\n')
	p.buf = b
	_, err := p.w.Write(b)
	return err
}

func (p *linePrinter) Flush() error { return p.w.Flush() }
