// Command gobench measures the speed of the bpf package's Machine on a
// program and a capture, the Go counterpart of ../bpfbench.c:
//
//	gobench PROGRAM.ddd FILE.pcap [ROUNDS [MAXPKTS]]
//
// It loads a program in tcpdump -ddd form and the packets of a classic
// pcap file (the first MAXPKTS if given) into one contiguous buffer, runs
// the machine over all packets ROUNDS times (default 5) and prints the
// best round: "ns/pkt=N matched=M packets=P".
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/snare-pcap/snare/bpf"
)

type rec struct {
	off, caplen, wire int
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gobench PROGRAM.ddd FILE.pcap [ROUNDS [MAXPKTS]]")
		os.Exit(2)
	}
	rounds, maxp := 5, -1
	if len(os.Args) > 3 {
		rounds, _ = strconv.Atoi(os.Args[3])
	}
	if len(os.Args) > 4 {
		maxp, _ = strconv.Atoi(os.Args[4])
	}
	text, err := os.ReadFile(os.Args[1])
	check(err)
	p, err := bpf.ParseDecimal(string(text))
	check(err)
	m, err := bpf.NewMachine(p)
	check(err)
	buf, recs, err := load(os.Args[2], maxp)
	check(err)

	best := 0.0
	matched := 0
	for r := 0; r < rounds; r++ {
		matched = 0
		t0 := time.Now()
		for _, x := range recs {
			if m.Run(buf[x.off:x.off+x.caplen], x.wire) != 0 {
				matched++
			}
		}
		dt := float64(time.Since(t0).Nanoseconds()) / float64(len(recs))
		if r == 0 || dt < best {
			best = dt
		}
	}
	fmt.Printf("ns/pkt=%.2f matched=%d packets=%d\n", best, matched, len(recs))
}

// load reads a classic pcap file's packets into one buffer.
func load(path string, maxp int) ([]byte, []rec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(b) < 24 {
		return nil, nil, fmt.Errorf("%s: short file header", path)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xa1b23c4d:
	case 0xd4c3b2a1, 0x4d3cb2a1:
		bo = binary.BigEndian
	default:
		return nil, nil, fmt.Errorf("%s: not a classic pcap file", path)
	}
	buf := make([]byte, 0, len(b))
	var recs []rec
	for off := 24; off < len(b) && len(recs) != maxp; {
		if len(b)-off < 16 {
			return nil, nil, fmt.Errorf("%s: record %d: short header at offset %d", path, len(recs)+1, off)
		}
		incl := int(bo.Uint32(b[off+8:]))
		wire := int(bo.Uint32(b[off+12:]))
		off += 16
		if incl > len(b)-off {
			return nil, nil, fmt.Errorf("%s: record %d: truncated at offset %d", path, len(recs)+1, off)
		}
		recs = append(recs, rec{len(buf), incl, wire})
		buf = append(buf, b[off:off+incl]...)
		off += incl
	}
	if len(recs) == 0 {
		return nil, nil, fmt.Errorf("%s: no packets", path)
	}
	return buf, recs, nil
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobench:", err)
		os.Exit(1)
	}
}
