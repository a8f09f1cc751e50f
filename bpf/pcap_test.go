package bpf

import (
	"encoding/binary"
	"fmt"
	"os"
)

// testPacket is one record of a classic pcap file.
type testPacket struct {
	data    []byte
	wireLen int
}

// readPcap is a minimal classic pcap reader for tests and benchmarks
// (the pcapfile package is the real one). It returns the link type too.
func readPcap(path string) ([]testPacket, uint32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if len(b) < 24 {
		return nil, 0, fmt.Errorf("%s: short header", path)
	}
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xa1b23c4d:
		bo = binary.LittleEndian
	case 0xd4c3b2a1, 0x4d3cb2a1:
		bo = binary.BigEndian
	default:
		return nil, 0, fmt.Errorf("%s: not a classic pcap file", path)
	}
	lt := bo.Uint32(b[20:]) & 0x0fffffff
	var pkts []testPacket
	off := 24
	for off < len(b) {
		if len(b)-off < 16 {
			return nil, 0, fmt.Errorf("%s: record %d: short header at offset %d", path, len(pkts), off)
		}
		incl := int(bo.Uint32(b[off+8:]))
		orig := int(bo.Uint32(b[off+12:]))
		off += 16
		if incl > len(b)-off {
			return nil, 0, fmt.Errorf("%s: record %d: truncated at offset %d", path, len(pkts), off)
		}
		pkts = append(pkts, testPacket{data: b[off : off+incl : off+incl], wireLen: orig})
		off += incl
	}
	return pkts, lt, nil
}
