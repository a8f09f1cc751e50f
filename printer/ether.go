package printer

var ethertypeNames = map[uint16]string{
	0x0800: "IPv4", 0x8847: "MPLS unicast", 0x8848: "MPLS multicast", 0x86dd: "IPv6",
	0x8100: "802.1Q", 0x9100: "802.1Q-9100", 0x88a8: "802.1Q-QinQ", 0x9200: "802.1Q-9200",
	0x88e5: "802.1AE MACsec", 0x0200: "PUP", 0x0806: "ARP", 0x8035: "Reverse ARP",
	0x0600: "NS", 0x0500: "Sprite", 0x1000: "Trail", 0x6001: "MOP DL", 0x6002: "MOP RC",
	0x6003: "DN", 0x6004: "LAT", 0x6007: "SCA", 0x6558: "TEB", 0x8038: "Lanbridge",
	0x803c: "DEC DNS", 0x803e: "DEC DTS", 0x805b: "VEXP", 0x805c: "VPROD",
	0x809b: "Appletalk", 0x80f3: "Appletalk ARP", 0x8137: "IPX", 0x880b: "PPP",
	0x8808: "MPCP", 0x8809: "Slow Protocols", 0x8863: "PPPoE D", 0x8864: "PPPoE S",
	0x888e: "EAPOL", 0x8899: "RRCP", 0x886f: "MS NLB heartbeat", 0x8870: "Jumbo",
	0x894f: "NSH", 0x9000: "Loopback", 0xfefe: "OSI", 0x00fe: "GRE-OSI",
	0xabcd: "CFM (old)", 0x8902: "CFM", 0x893a: "IEEE1905.1", 0x88cc: "LLDP",
	0x88ca: "TIPC", 0x0707: "GeoNet (old)", 0x8947: "GeoNet", 0x1111: "CALM FAST",
	0x88a2: "AoE", 0x88f7: "PTP",
}

func (p *Printer) appendEthertype(b []byte, t uint16) []byte {
	name, ok := ethertypeNames[t]
	if p.opts.Quiet {
		if ok {
			return append(b, name...)
		}
		b = append(b, "Unknown Ethertype (0x"...)
		b = appendHexPad(b, uint64(t), 4)
		return append(b, ')')
	}
	b = append(b, "ethertype "...)
	if ok {
		b = append(b, name...)
	} else {
		b = append(b, "Unknown"...)
	}
	b = append(b, " (0x"...)
	b = appendHexPad(b, uint64(t), 4)
	return append(b, ')')
}

// appendTrunc appends tcpdump's truncation mark " [|proto]".
func appendTrunc(b []byte, proto string) []byte {
	b = append(b, " [|"...)
	b = append(b, proto...)
	return append(b, ']')
}

// ether prints an Ethernet frame (tcpdump's ether_common_print).
func (p *Printer) ether(b, d []byte, length int) []byte {
	if len(d) < 14 || length < 14 {
		p.linkLen = len(d)
		return appendTrunc(b, "ether")
	}
	if p.opts.Link {
		b = appendMAC(b, d[6:12])
		b = append(b, " > "...)
		b = appendMAC(b, d[0:6])
		b = append(b, ", "...)
	}
	origLen := length
	hdr := 14
	t := be16(d[12:])
	printedLen := false
	for t == 0x8100 || t == 0x9100 || t == 0x9200 || t == 0x88a8 {
		if len(d)-hdr < 4 || length-hdr < 4 {
			p.linkLen = len(d)
			return appendTrunc(b, "vlan")
		}
		if p.opts.Link {
			b = p.appendEthertype(b, t)
			if !printedLen {
				b = append(b, ", length "...)
				b = appendUint(b, uint64(origLen))
				b = append(b, ": "...)
				printedLen = true
			} else {
				b = append(b, ", "...)
			}
			tci := be16(d[hdr:])
			b = append(b, "vlan "...)
			b = appendUint(b, uint64(tci&0xfff))
			b = append(b, ", p "...)
			b = appendUint(b, uint64(tci>>13))
			if tci&0x1000 != 0 {
				b = append(b, ", DEI"...)
			}
			b = append(b, ", "...)
		}
		t = be16(d[hdr+2:])
		hdr += 4
	}
	p.linkLen = hdr
	pl := d[hdr:]
	plen := length - hdr
	if t <= 1500 {
		// 802.3 length field followed by LLC (llc.go).
		l := int(t)
		if l < plen {
			plen = l
			if len(pl) > l {
				pl = pl[:l]
			}
		}
		if p.opts.Link {
			b = append(b, "802.3"...)
			if !printedLen {
				b = append(b, ", length "...)
				b = appendUint(b, uint64(plen))
				b = append(b, ": "...)
			}
		}
		return p.llc(b, pl, plen, d)
	}
	if p.opts.Link {
		b = p.appendEthertype(b, t)
		if !printedLen {
			b = append(b, ", length "...)
			b = appendUint(b, uint64(origLen))
			b = append(b, ": "...)
		} else {
			b = append(b, ", "...)
		}
	}
	nb, ok := p.ethertype(b, t, pl, plen)
	if ok {
		return nb
	}
	if !p.opts.Link {
		b = appendMAC(b, d[6:12])
		b = append(b, " > "...)
		b = appendMAC(b, d[0:6])
		b = append(b, ", "...)
		b = p.appendEthertype(b, t)
		b = append(b, ", length "...)
		b = appendUint(b, uint64(origLen))
		b = append(b, ": "...)
	}
	return p.defaultPrint(b, pl)
}

// defaultPrint is tcpdump's ND_DEFAULTPRINT: a hex and ASCII dump unless
// a dump of the whole packet follows anyway.
func (p *Printer) defaultPrint(b, d []byte) []byte {
	if p.suppressDefault() {
		return b
	}
	return appendHexASCII(b, d, "\n\t")
}

// ethertype prints the payload of a known ethertype; ok is false when the
// type is not decoded.
func (p *Printer) ethertype(b []byte, t uint16, d []byte, length int) ([]byte, bool) {
	switch t {
	case 0x0800:
		return p.ip4(b, d, length), true
	case 0x86dd:
		return p.ip6(b, d, length), true
	case 0x0806, 0x8035:
		return p.arp(b, d, length), true
	case 0x8847, 0x8848:
		return p.mpls(b, d, length), true
	case 0x8863, 0x8864:
		return p.pppoe(b, d, length), true
	}
	return b, false
}

// trunc is appendTrunc for a truncation met inside a protocol printer.
func (p *Printer) trunc(b []byte, proto string) []byte {
	return appendTrunc(b, proto)
}

// truncJmp is trunc for the places where tcpdump abandons the packet with
// a longjmp before the link-layer header length is recorded, so that its
// -x/-X/-A dumps start at the frame's first byte (found by comparing with
// tcpdump 4.99.3 on truncated captures).
func (p *Printer) truncJmp(b []byte, proto string) []byte {
	p.jumped = true
	return appendTrunc(b, proto)
}
