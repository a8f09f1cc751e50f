package printer

import (
	"net"
	"strconv"
	"sync"
)

var bsdAF = map[uint32]string{2: "IPv4", 7: "ISO", 16: "Appletalk", 23: "IPX", 24: "IPv6", 28: "IPv6", 30: "IPv6"}

// null prints DLT_NULL (host byte order family) and DLT_LOOP (network
// byte order) frames.
func (p *Printer) null(b, d []byte, length int, loop bool) []byte {
	if len(d) < 4 {
		return p.truncJmp(b, "null")
	}
	p.linkLen = 4
	var fam uint32
	if loop {
		fam = be32(d)
	} else {
		fam = le32(d)
		if fam&0xffff0000 != 0 {
			fam = be32(d)
		}
	}
	hdr := func(b []byte, l int) []byte {
		n, ok := bsdAF[fam]
		if !p.opts.Quiet {
			b = append(b, "AF "...)
			if ok {
				b = append(b, n...)
			} else {
				b = append(b, "Unknown"...)
			}
			b = append(b, " ("...)
			b = appendUint(b, uint64(fam))
			b = append(b, ')')
		} else if ok {
			b = append(b, n...)
		} else {
			b = append(b, "Unknown AF "...)
			b = appendUint(b, uint64(fam))
		}
		b = append(b, ", length "...)
		b = appendUint(b, uint64(l))
		return append(b, ": "...)
	}
	if p.opts.Link {
		b = hdr(b, length)
	}
	switch fam {
	case 2:
		return p.ip4(b, d[4:], length-4)
	case 24, 28, 30:
		return p.ip6(b, d[4:], length-4)
	}
	if !p.opts.Link {
		b = hdr(b, length)
	}
	return p.defaultPrint(b, d[4:])
}

// rawIP prints DLT_RAW: an IPv4 or IPv6 packet with no link header.
func (p *Printer) rawIP(b, d []byte, length int) []byte {
	p.linkLen = 0
	if p.opts.Link {
		b = append(b, "ip: "...)
	}
	if len(d) < 1 {
		return appendTrunc(b, "ip")
	}
	switch d[0] >> 4 {
	case 4:
		return p.ip4(b, d, length)
	case 6:
		return p.ip6(b, d, length)
	}
	b = append(b, "unknown ip "...)
	return appendUint(b, uint64(d[0]>>4))
}

var sllPktType = []string{"In", "B", "M", "P", "Out"}

func appendSLLType(b []byte, t int, width int) []byte {
	s := "?"
	if t >= 0 && t < len(sllPktType) {
		s = sllPktType[t]
	}
	b = append(b, s...)
	for i := len(s); i < width; i++ {
		b = append(b, ' ')
	}
	return b
}

func (p *Printer) sllProto(b []byte, t uint16) []byte {
	if p.opts.Quiet {
		return b
	}
	if t <= 1500 {
		switch t {
		case 1:
			return append(b, "802.3"...)
		case 4:
			return append(b, "802.2"...)
		}
		b = append(b, "ethertype Unknown (0x"...)
		b = appendHexPad(b, uint64(t), 4)
		return append(b, ')')
	}
	b = append(b, "ethertype "...)
	if n, ok := ethertypeNames[t]; ok {
		b = append(b, n...)
	} else {
		b = append(b, "Unknown"...)
	}
	b = append(b, " (0x"...)
	b = appendHexPad(b, uint64(t), 4)
	return append(b, ')')
}

// sll prints a Linux cooked v1 frame.
func (p *Printer) sll(b, d []byte, length int) []byte {
	if len(d) < 16 {
		p.linkLen = len(d)
		return appendTrunc(b, "sll")
	}
	hdr := func(b []byte, l int) []byte {
		// "%3s " right-aligns the packet type.
		s := "?"
		if t := int(be16(d)); t < len(sllPktType) {
			s = sllPktType[t]
		}
		for i := len(s); i < 3; i++ {
			b = append(b, ' ')
		}
		b = append(b, s...)
		b = append(b, ' ')
		if be16(d[4:]) == 6 {
			b = appendMAC(b, d[6:12])
			b = append(b, ' ')
		}
		if p.opts.Quiet {
			return b
		}
		b = p.sllProto(b, be16(d[14:]))
		b = append(b, ", length "...)
		b = appendUint(b, uint64(l))
		return append(b, ": "...)
	}
	if p.opts.Link {
		b = hdr(b, length)
	}
	return p.sllPayload(b, d, 16, length, be16(d[14:]), hdr)
}

func (p *Printer) sllPayload(b, d []byte, hl, length int, t uint16, hdr func([]byte, int) []byte) []byte {
	for {
		if t == 0x8100 {
			if len(d)-hl < 4 {
				p.linkLen = len(d)
				return appendTrunc(b, "vlan")
			}
			if p.opts.Link {
				tci := be16(d[hl:])
				b = append(b, "vlan "...)
				b = appendUint(b, uint64(tci&0xfff))
				b = append(b, ", p "...)
				b = appendUint(b, uint64(tci>>13))
				if tci&0x1000 != 0 {
					b = append(b, ", DEI"...)
				}
				b = append(b, ", "...)
			}
			t = be16(d[hl+2:])
			if t <= 1500 {
				t = 4
			}
			if !p.opts.Quiet {
				b = append(b, "ethertype "...)
				if n, ok := ethertypeNames[t]; ok {
					b = append(b, n...)
				} else {
					b = append(b, "Unknown"...)
				}
				b = append(b, ", "...)
			}
			hl += 4
			continue
		}
		break
	}
	p.linkLen = hl
	if t > 1500 {
		if nb, ok := p.ethertype(b, t, d[hl:], length-hl); ok {
			return nb
		}
	}
	if !p.opts.Link {
		b = hdr(b, length)
	}
	return p.defaultPrint(b, d[hl:])
}

var ifNames sync.Map

func ifName(idx uint32) string {
	if v, ok := ifNames.Load(idx); ok {
		return v.(string)
	}
	name := "?"
	if ifi, err := net.InterfaceByIndex(int(idx)); err == nil {
		name = ifi.Name
	}
	ifNames.Store(idx, name)
	return name
}

// sll2 prints a Linux cooked v2 frame.
func (p *Printer) sll2(b, d []byte, length int) []byte {
	if len(d) < 20 {
		p.linkLen = len(d)
		return appendTrunc(b, "sll2")
	}
	idx := be32(d[4:])
	name := ifName(idx)
	b = append(b, name...)
	for i := len(name); i < 5; i++ {
		b = append(b, ' ')
	}
	b = append(b, ' ')
	b = appendSLLType(b, int(d[10]), 3)
	b = append(b, ' ')
	hdr := func(b []byte, l int) []byte {
		b = append(b, "ifindex "...)
		b = strconv.AppendUint(b, uint64(idx), 10)
		b = append(b, ' ')
		if d[11] == 6 {
			b = appendMAC(b, d[12:18])
			b = append(b, ' ')
		}
		if p.opts.Quiet {
			return b
		}
		b = p.sllProto(b, be16(d))
		b = append(b, ", length "...)
		b = appendUint(b, uint64(l))
		return append(b, ": "...)
	}
	if p.opts.Link {
		b = hdr(b, length)
	}
	return p.sllPayload(b, d, 20, length, be16(d), hdr)
}
