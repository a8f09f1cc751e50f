package main

import (
	"io"
	"net/netip"
	"strings"

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
	var res printer.Resolver
	if cfg.Nflag > 0 && cfg.nflag == 0 {
		res = shortNames{printer.NewDNSResolver(0)}
	}
	return printer.New(w, printer.Options{
		Resolver:        res,
		Verbose:         cfg.verbose,
		NoResolve:       min(cfg.nflag, 2),
		Quiet:           cfg.quiet,
		Link:            cfg.eflag > 0,
		Timestamp:       printer.TimestampMode(cfg.tflag),
		Nano:            cfg.tsPrecision == "nano",
		AbsoluteSeq:     cfg.absSeq,
		NoChecksumCheck: cfg.noChecksums,
		Hex:             hex,
		ASCII:           cfg.Aflag > 0,
		ASCIIAll:        cfg.Aflag > 1,
		Number:          cfg.number,
		Lengths:         cfg.lengths,
		PacketType:      cfg.packetType,
	})
}

// shortNames is -N: host names without their domain ("nic", not
// "nic.ddn.mil").
type shortNames struct{ r printer.Resolver }

func (s shortNames) LookupAddr(ip netip.Addr) (string, bool) {
	name, ok := s.r.LookupAddr(ip)
	if i := strings.IndexByte(name, '.'); ok && i > 0 {
		name = name[:i]
	}
	return name, ok
}
