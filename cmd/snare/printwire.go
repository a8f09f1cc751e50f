package main

import (
	"io"

	"github.com/snare-pcap/snare/printer"
)

// newPrinter returns the tcpdump-style printer for cfg's printing
// flags, writing to w.
func newPrinter(cfg *config, w io.Writer) packetPrinter {
	hex := printer.HexNone
	switch {
	case cfg.Xflag >= 2:
		hex = printer.HexASCIIAll
	case cfg.Xflag == 1:
		hex = printer.HexASCIIPayload
	case cfg.xflag >= 2:
		hex = printer.HexAll
	case cfg.xflag == 1:
		hex = printer.HexPayload
	}
	return printer.New(w, printer.Options{
		Verbose:         cfg.verbose,
		NoResolve:       min(cfg.nflag, 2),
		Quiet:           cfg.quiet,
		Link:            cfg.eflag > 0,
		Timestamp:       printer.TimestampMode(cfg.tflag),
		Nano:            cfg.tsPrecision == "nano",
		AbsoluteSeq:     cfg.absSeq,
		NoChecksumCheck: cfg.noChecksums,
		Hex:             hex,
		ASCII:           cfg.ascii,
		Number:          cfg.number,
		Lengths:         cfg.lengths,
	})
}
