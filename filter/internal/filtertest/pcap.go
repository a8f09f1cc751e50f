package filtertest

import (
	"encoding/binary"
	"fmt"
	"os"
)

// Capture is a capture file read whole: its link type (a LINKTYPE_ value),
// snapshot length and packets.
type Capture struct {
	LinkType uint32
	SnapLen  uint32
	Packets  []Input
}

// ReadCapture reads a small pcap or pcapng file (one link type) whole.
func ReadCapture(path string) (*Capture, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 24 {
		return nil, fmt.Errorf("%s: too short for a capture header", path)
	}
	var c *Capture
	if binary.LittleEndian.Uint32(b) == 0x0a0d0d0a {
		c, err = readPcapng(b)
	} else {
		c, err = readPcap(b)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return c, nil
}

func readPcap(b []byte) (*Capture, error) {
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xa1b23c4d:
		bo = binary.LittleEndian
	case 0xd4c3b2a1, 0x4d3cb2a1:
		bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("not a pcap file (magic %#x)", binary.LittleEndian.Uint32(b))
	}
	c := &Capture{SnapLen: bo.Uint32(b[16:]), LinkType: bo.Uint32(b[20:]) & 0xffff}
	off := 24
	for rec := 0; off < len(b); rec++ {
		if off+16 > len(b) {
			return nil, fmt.Errorf("record %d at offset %d: truncated header", rec, off)
		}
		incl, orig := int(bo.Uint32(b[off+8:])), bo.Uint32(b[off+12:])
		if incl > 1<<20 || off+16+incl > len(b) {
			return nil, fmt.Errorf("record %d at offset %d: truncated data", rec, off)
		}
		c.Packets = append(c.Packets, Input{Pkt: b[off+16 : off+16+incl], WireLen: orig})
		off += 16 + incl
	}
	return c, nil
}

func readPcapng(b []byte) (*Capture, error) {
	c := &Capture{}
	var bo binary.ByteOrder = binary.LittleEndian
	haveIf := false
	for off := 0; off < len(b); {
		if off+12 > len(b) {
			return nil, fmt.Errorf("block at offset %d: truncated", off)
		}
		typ := bo.Uint32(b[off:])
		if typ == 0x0a0d0d0a {
			switch binary.LittleEndian.Uint32(b[off+8:]) {
			case 0x1a2b3c4d:
				bo = binary.LittleEndian
			case 0x4d3c2b1a:
				bo = binary.BigEndian
			default:
				return nil, fmt.Errorf("block at offset %d: bad byte-order magic", off)
			}
		}
		n := int(bo.Uint32(b[off+4:]))
		if n < 12 || n%4 != 0 || off+n > len(b) {
			return nil, fmt.Errorf("block at offset %d: bad length %d", off, n)
		}
		body := b[off+8 : off+n-4]
		switch typ {
		case 1: // interface description
			if len(body) < 8 {
				return nil, fmt.Errorf("block at offset %d: short IDB", off)
			}
			lt, snap := uint32(bo.Uint16(body)), bo.Uint32(body[4:])
			if haveIf && lt != c.LinkType {
				return nil, fmt.Errorf("block at offset %d: second link type %d", off, lt)
			}
			c.LinkType, c.SnapLen, haveIf = lt, snap, true
		case 6: // enhanced packet
			if len(body) < 20 {
				return nil, fmt.Errorf("block at offset %d: short EPB", off)
			}
			capl, orig := int(bo.Uint32(body[12:])), bo.Uint32(body[16:])
			if 20+capl > len(body) {
				return nil, fmt.Errorf("block at offset %d: EPB data overruns block", off)
			}
			c.Packets = append(c.Packets, Input{Pkt: body[20 : 20+capl], WireLen: orig})
		case 3: // simple packet
			if len(body) < 4 {
				return nil, fmt.Errorf("block at offset %d: short SPB", off)
			}
			orig := bo.Uint32(body)
			capl := int(orig)
			if capl > len(body)-4 {
				capl = len(body) - 4
			}
			c.Packets = append(c.Packets, Input{Pkt: body[4 : 4+capl], WireLen: orig})
		}
		off += n
	}
	if !haveIf {
		return nil, fmt.Errorf("no interface description block")
	}
	return c, nil
}
