package printer

var arpOps = map[uint16]string{1: "Request", 2: "Reply", 3: "Reverse Request", 4: "Reverse Reply",
	8: "Inverse Request", 9: "Inverse Reply", 10: "NACK Reply"}

var arpHrd = map[uint16]string{1: "Ethernet", 6: "TokenRing", 7: "ArcNet", 15: "FrameRelay",
	19: "ATM", 23: "Strip", 24: "IEEE 1394", 32: "InfiniBand"}

// arp prints an ARP or RARP packet (tcpdump's arp_print).
func (p *Printer) arp(b, d []byte, length int) []byte {
	if len(d) < 8 {
		return p.truncJmp(b, "arp")
	}
	hrd, pro := be16(d), be16(d[2:])
	hln, pln := int(d[4]), int(d[5])
	op := be16(d[6:])
	sha := 8
	spa := sha + hln
	tha := spa + pln
	tpa := tha + hln
	if tpa+pln > len(d) {
		return p.truncJmp(b, "arp")
	}
	if !p.opts.Link {
		b = append(b, "ARP, "...)
	}
	if (pro != 0x0800 && pro != 0x1000) || pln != 4 || hln == 0 || p.opts.Verbose > 0 {
		if n, ok := arpHrd[hrd]; ok {
			b = append(b, n...)
		} else {
			b = append(b, "Unknown Hardware ("...)
			b = appendUint(b, uint64(hrd))
			b = append(b, ')')
		}
		b = append(b, " (len "...)
		b = appendUint(b, uint64(hln))
		b = append(b, "), "...)
		if n, ok := ethertypeNames[pro]; ok {
			b = append(b, n...)
		} else {
			b = append(b, "Unknown Protocol (0x"...)
			b = appendHexPad(b, uint64(pro), 4)
			b = append(b, ')')
		}
		b = append(b, " (len "...)
		b = appendUint(b, uint64(pln))
		b = append(b, ')')
		if p.opts.Verbose == 0 {
			goto out
		}
		b = append(b, ", "...)
	}
	if n, ok := arpOps[op]; ok {
		b = append(b, n...)
	} else {
		b = append(b, "Unknown ("...)
		b = appendUint(b, uint64(op))
		b = append(b, ')')
	}
	b = append(b, ' ')
	switch op {
	case 1:
		b = append(b, "who-has "...)
		b = p.arpPA(b, d[tpa:tpa+pln], pro)
		if !allZero(d[tha : tha+hln]) {
			b = append(b, " ("...)
			b = appendLinkAddr(b, d[tha:tha+hln])
			b = append(b, ')')
		}
		b = append(b, " tell "...)
		b = p.arpPA(b, d[spa:spa+pln], pro)
	case 2:
		b = p.arpPA(b, d[spa:spa+pln], pro)
		b = append(b, " is-at "...)
		b = appendLinkAddr(b, d[sha:sha+hln])
	case 3, 8:
		b = append(b, "who-is "...)
		b = appendLinkAddr(b, d[tha:tha+hln])
		b = append(b, " tell "...)
		b = appendLinkAddr(b, d[sha:sha+hln])
	case 4:
		b = appendLinkAddr(b, d[tha:tha+hln])
		b = append(b, " at "...)
		b = p.arpPA(b, d[tpa:tpa+pln], pro)
	case 9:
		b = appendLinkAddr(b, d[sha:sha+hln])
		b = append(b, " at "...)
		b = p.arpPA(b, d[spa:spa+pln], pro)
	default:
		return p.defaultPrint(b, d)
	}
out:
	b = append(b, ", length "...)
	return appendUint(b, uint64(length))
}

func (p *Printer) arpPA(b, a []byte, pro uint16) []byte {
	if pro != 0x0800 && pro != 0x1000 {
		return append(b, "<wrong proto type>"...)
	}
	if len(a) != 4 {
		return append(b, "<wrong len>"...)
	}
	return p.appendAddr(b, a)
}

func allZero(a []byte) bool {
	for _, c := range a {
		if c != 0 {
			return false
		}
	}
	return true
}
