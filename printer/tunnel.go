package printer

import "time"

// gre prints a GRE packet (tcpdump's gre_print).
func (p *Printer) gre(b, d []byte, length int) []byte {
	if len(d) < 2 {
		return p.trunc(b, "gre")
	}
	flags := be16(d)
	vers := flags & 7
	b = append(b, "GREv"...)
	b = appendUint(b, uint64(vers))
	if vers != 0 {
		if vers == 1 {
			return p.greV1(b, d, length)
		}
		return append(b, " ERROR: unknown-version"...)
	}
	l := length - 2
	d = d[2:]
	if p.opts.Verbose > 0 {
		b = append(b, ", Flags ["...)
		b = appendGREFlags(b, flags)
		b = append(b, ']')
	}
	if len(d) < 2 || l < 2 {
		return p.trunc(b, "gre")
	}
	proto := be16(d)
	d = d[2:]
	l -= 2
	if flags&0xc000 != 0 {
		if l < 2 || len(d) < 2 {
			return p.trunc(b, "gre")
		}
		if p.opts.Verbose > 0 {
			b = append(b, ", sum 0x"...)
			b = appendHex(b, uint64(be16(d)))
		}
		d, l = d[2:], l-2
		if l < 2 || len(d) < 2 {
			return p.trunc(b, "gre")
		}
		b = append(b, ", off 0x"...)
		b = appendHex(b, uint64(be16(d)))
		d, l = d[2:], l-2
	}
	if flags&0x2000 != 0 {
		if l < 4 || len(d) < 4 {
			return p.trunc(b, "gre")
		}
		b = append(b, ", key=0x"...)
		b = appendHex(b, uint64(be32(d)))
		d, l = d[4:], l-4
	}
	if flags&0x1000 != 0 {
		if l < 4 || len(d) < 4 {
			return p.trunc(b, "gre")
		}
		b = append(b, ", seq "...)
		b = appendUint(b, uint64(be32(d)))
		d, l = d[4:], l-4
	}
	if p.opts.Link {
		b = append(b, ", proto "...)
		if n, ok := ethertypeNames[proto]; ok {
			b = append(b, n...)
		} else {
			b = append(b, "unknown"...)
		}
		b = append(b, " (0x"...)
		b = appendHexPad(b, uint64(proto), 4)
		b = append(b, ')')
	}
	b = append(b, ", length "...)
	b = appendUint(b, uint64(length))
	if p.opts.Verbose < 1 {
		b = append(b, ": "...)
	} else {
		b = append(b, "\n\t"...)
	}
	switch proto {
	case 0x0800:
		return p.ip4(b, d, l)
	case 0x86dd:
		return p.ip6(b, d, l)
	case 0x8847:
		return p.mpls(b, d, l)
	case 0x6558:
		ll := p.linkLen
		b = p.ether(b, d, l)
		p.linkLen = ll
		return b
	}
	b = append(b, "gre-proto-0x"...)
	return appendHex(b, uint64(proto))
}

func appendGREFlags(b []byte, flags uint16) []byte {
	names := [...]struct {
		bit  uint16
		name string
	}{{0x8000, "checksum present"}, {0x4000, "routing present"}, {0x2000, "key present"},
		{0x1000, "sequence# present"}, {0x0800, "source routing present"}, {0x0080, "ack present"}}
	first := true
	for _, n := range names {
		if flags&n.bit != 0 {
			if !first {
				b = append(b, ", "...)
			}
			b = append(b, n.name...)
			first = false
		}
	}
	if first {
		b = append(b, "none"...)
	}
	return b
}

func (p *Printer) greV1(b, d []byte, length int) []byte {
	return append(b, ", (PPTP)"...)
}

// mpls prints an MPLS label stack and its payload.
func (p *Printer) mpls(b, d []byte, length int) []byte {
	b = append(b, "MPLS"...)
	depth := 0
	var e uint32
	for {
		if len(d) < 4 {
			return p.truncJmp(b, "mpls")
		}
		e = be32(d)
		if depth > 0 && p.opts.Verbose > 0 {
			b = append(b, "\n\t"...)
		} else {
			b = append(b, ' ')
		}
		b = append(b, "(label "...)
		label := e >> 12
		b = appendUint(b, uint64(label))
		depth++
		if p.opts.Verbose > 0 && label < 16 {
			b = append(b, " ("...)
			b = append(b, mplsLabelNames[label]...)
			b = append(b, ')')
		}
		b = append(b, ", tc "...)
		b = appendUint(b, uint64((e>>9)&7))
		if e&0x100 != 0 {
			b = append(b, ", [S]"...)
		}
		b = append(b, ", ttl "...)
		b = appendUint(b, uint64(e&0xff))
		b = append(b, ')')
		d = d[4:]
		length -= 4
		if e&0x100 != 0 {
			break
		}
	}
	pt := 0
	switch e >> 12 {
	case 0, 3:
		pt = 4
	case 2:
		pt = 6
	default:
		if len(d) < 1 {
			return p.truncJmp(b, "mpls")
		}
		switch d[0] >> 4 {
		case 4:
			pt = 4
		case 6:
			pt = 6
		}
	}
	sep := " "
	if p.opts.Verbose > 0 {
		sep = "\n\t"
	}
	switch pt {
	case 4:
		b = append(b, sep...)
		return p.ip4(b, d, length)
	case 6:
		b = append(b, sep...)
		return p.ip6(b, d, length)
	}
	return p.defaultPrint(b, d[:min(len(d), max(length, 0))])
}

var mplsLabelNames = [16]string{"IPv4 explicit NULL", "router alert", "IPv6 explicit NULL",
	"implicit NULL", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd",
	"rsvd", "rsvd", "rsvd"}

var pppoeCodes = map[byte]string{0x09: "PADI", 0x07: "PADO", 0x19: "PADR", 0x65: "PADS", 0xa7: "PADT", 0: ""}
var pppoeTags = map[uint16]string{0: "EOL", 0x101: "Service-Name", 0x102: "AC-Name",
	0x103: "Host-Uniq", 0x104: "AC-Cookie", 0x105: "Vendor-Specific", 0x110: "Relay-Session-ID",
	0x120: "PPP-Max-Payload", 0x201: "Service-Name-Error", 0x202: "AC-System-Error",
	0x203: "Generic-Error"}

// pppoe prints a PPPoE discovery or session packet.
func (p *Printer) pppoe(b, d []byte, length int) []byte {
	if length < 6 {
		b = append(b, " (length "...)
		b = appendUint(b, uint64(length))
		return append(b, " < 6) (invalid)"...)
	}
	if len(d) < 6 {
		return p.truncJmp(b, "pppoe")
	}
	length -= 6
	ver, typ, code := d[0]>>4, d[0]&15, d[1]
	sid, plen := be16(d[2:]), int(be16(d[4:]))
	if ver != 1 {
		b = append(b, " [ver "...)
		b = appendUint(b, uint64(ver))
		b = append(b, ']')
	}
	if typ != 1 {
		b = append(b, " [type "...)
		b = appendUint(b, uint64(typ))
		b = append(b, ']')
	}
	b = append(b, "PPPoE "...)
	if n, ok := pppoeCodes[code]; ok {
		b = append(b, n...)
	} else {
		b = append(b, "PAD-"...)
		b = appendHex(b, uint64(code))
	}
	if code == 0x09 && plen > 1484-6 {
		b = append(b, " [len "...)
		b = appendUint(b, uint64(plen))
		b = append(b, "!]"...)
	}
	if plen > length {
		b = append(b, " [len "...)
		b = appendUint(b, uint64(plen))
		b = append(b, " > "...)
		b = appendUint(b, uint64(length))
		b = append(b, "!]"...)
		plen = length
	}
	if sid != 0 {
		b = append(b, " [ses 0x"...)
		b = appendHex(b, uint64(sid))
		b = append(b, ']')
	}
	pl := d[6:]
	if code != 0 {
		var tt uint16 = 0xffff
		off := 0
		for tt != 0 && off+4 <= plen {
			if off+4 > len(pl) {
				return p.truncJmp(b, "pppoe")
			}
			tt = be16(pl[off:])
			tl := int(be16(pl[off+2:]))
			off += 4
			name, ok := pppoeTags[tt]
			appendName := func(b []byte) []byte {
				if ok {
					return append(b, name...)
				}
				b = append(b, "TAG-0x"...)
				return appendHex(b, uint64(tt))
			}
			if tl > 0 {
				asc, garb := 0, 0
				var str [80]byte
				n := 0
				for v := off; v < off+tl && n < 79; v++ {
					if v >= len(pl) {
						return p.truncJmp(b, "pppoe")
					}
					c := pl[v]
					if isPrint(c) {
						str[n] = c
						asc++
					} else {
						str[n] = '.'
						garb++
					}
					n++
				}
				if asc > garb {
					b = append(b, " ["...)
					b = appendName(b)
					b = append(b, " \""...)
					b = append(b, str[:n]...)
					b = append(b, "\"]"...)
				} else {
					b = append(b, " ["...)
					b = appendName(b)
					b = append(b, " 0x"...)
					for v := off; v < off+tl; v++ {
						if v >= len(pl) {
							return p.truncJmp(b, "pppoe")
						}
						b = append(b, "0123456789ABCDEF"[pl[v]>>4], "0123456789ABCDEF"[pl[v]&15])
					}
					b = append(b, ']')
				}
			} else {
				b = append(b, " ["...)
				b = appendName(b)
				b = append(b, ']')
			}
			off += tl
		}
		return b
	}
	b = append(b, ' ')
	if len(pl) > plen {
		pl = pl[:plen]
	}
	return p.ppp(b, pl, plen)
}

var pppProtoNames = map[uint16]string{0x0021: "IP", 0x0057: "IPv6", 0xc021: "LCP", 0x8021: "IPCP",
	0x8057: "IP6CP", 0xc023: "PAP", 0xc223: "CHAP", 0x0281: "MPLS"}

// ppp prints a PPP frame as found in PPPoE sessions (IP and IPv6 payloads
// are decoded; control protocols are named).
func (p *Printer) ppp(b, d []byte, length int) []byte {
	if len(d) >= 2 && d[0] == 0xff && d[1] == 0x03 {
		d = d[2:]
		length -= 2
	}
	if len(d) < 1 {
		return p.truncJmp(b, "ppp")
	}
	var proto uint16
	if d[0]&1 != 0 {
		proto = uint16(d[0])
		d = d[1:]
		length--
	} else {
		if len(d) < 2 {
			return p.truncJmp(b, "ppp")
		}
		proto = be16(d)
		d = d[2:]
		length -= 2
	}
	if p.opts.Link {
		if n, ok := pppProtoNames[proto]; ok {
			b = append(b, n...)
		} else {
			b = append(b, "unknown"...)
		}
		b = append(b, " (0x"...)
		b = appendHexPad(b, uint64(proto), 4)
		b = append(b, "), length "...)
		b = appendUint(b, uint64(length+2))
		b = append(b, ": "...)
	}
	switch proto {
	case 0x0021:
		return p.ip4(b, d, length)
	case 0x0057:
		return p.ip6(b, d, length)
	}
	if n, ok := pppProtoNames[proto]; ok {
		b = append(b, n...)
		b = append(b, ' ')
	} else {
		b = append(b, "unknown PPP protocol (0x"...)
		b = appendHexPad(b, uint64(proto), 4)
		b = append(b, ") "...)
	}
	return appendHexIndent(b, d[:min(len(d), max(length, 0))], "\n\t")
}

// vxlan prints a VXLAN header and the Ethernet frame inside.
func (p *Printer) vxlan(b, d []byte, length int) []byte {
	b = append(b, "VXLAN"...)
	if length < 8 {
		return append(b, " (invalid)"...)
	}
	if len(d) < 1 {
		return p.truncJmp(b, "vxlan")
	}
	flags := d[0]
	b = append(b, ", flags ["...)
	if flags&0x08 != 0 {
		b = append(b, 'I')
	} else {
		b = append(b, "invalid"...) // no known flag set
	}
	b = append(b, "] (0x"...)
	b = appendHexByte(b, flags)
	b = append(b, "), "...)
	if len(d) < 7 {
		return p.truncJmp(b, "vxlan")
	}
	b = append(b, "vni "...)
	b = appendUint(b, uint64(d[4])<<16|uint64(d[5])<<8|uint64(d[6]))
	b = append(b, '\n')
	ll := p.linkLen
	b = p.ether(b, d[min(8, len(d)):], length-8)
	p.linkLen = ll
	return b
}

// geneve prints a GENEVE header and its payload.
func (p *Printer) geneve(b, d []byte, length int) []byte {
	b = append(b, "Geneve"...)
	if len(d) < 8 {
		return p.trunc(b, "geneve")
	}
	ver := d[0] >> 6
	if ver != 0 {
		b = append(b, " ERROR: unknown-version "...)
		return appendUint(b, uint64(ver))
	}
	flags := d[1]
	proto := be16(d[2:])
	vni := be32(d[4:]) >> 8
	rsvd := d[7]
	b = append(b, ", Flags ["...)
	if flags == 0 {
		b = append(b, "none"...)
	}
	for i, n := range [...]string{"O", "C", "R1", "R2", "R3", "R4", "R5", "R6"} {
		if flags&(0x80>>i) != 0 {
			b = append(b, n...)
		}
	}
	b = append(b, "], vni 0x"...)
	b = appendHex(b, uint64(vni))
	if rsvd != 0 {
		b = append(b, ", rsvd 0x"...)
		b = appendHex(b, uint64(rsvd))
	}
	if p.opts.Link {
		b = append(b, ", proto "...)
		if n, ok := ethertypeNames[proto]; ok {
			b = append(b, n...)
		} else {
			b = append(b, "unknown"...)
		}
		b = append(b, " (0x"...)
		b = appendHexPad(b, uint64(proto), 4)
		b = append(b, ')')
	}
	optLen := int(d[0]&0x3f) * 4
	l := length - 8
	if l < optLen {
		b = append(b, " truncated-geneve - "...)
		b = appendUint(b, uint64(optLen-l))
		return append(b, " bytes missing"...)
	}
	if len(d) < 8+optLen {
		return p.trunc(b, "geneve")
	}
	if optLen > 0 {
		b = append(b, ", options ["...)
		if p.opts.Verbose > 0 {
			b = appendGeneveOpts(b, d[8:8+optLen], p.opts.Verbose)
		} else {
			b = appendUint(b, uint64(optLen))
			b = append(b, " bytes"...)
		}
		b = append(b, ']')
	}
	pl := d[8+optLen:]
	l -= optLen
	if p.opts.Verbose < 1 {
		b = append(b, ": "...)
	} else {
		b = append(b, "\n\t"...)
	}
	nb, ok := p.ethertype(b, proto, pl, l)
	if ok {
		return nb
	}
	if proto == 0x6558 {
		ll := p.linkLen
		b = p.ether(b, pl, l)
		p.linkLen = ll
		return b
	}
	b = append(b, "geneve-proto-0x"...)
	return appendHex(b, uint64(proto))
}

var geneveClasses = map[uint16]string{0x0100: "Linux", 0x0101: "Open vSwitch",
	0x0102: "Open Virtual Networking (OVN)", 0x0103: "In-band Network Telemetry (INT)",
	0x0104: "VMware"}

func appendGeneveOpts(b, o []byte, verbose int) []byte {
	for i := 0; i+4 <= len(o); {
		class := be16(o[i:])
		typ := o[i+2]
		olen := int(o[i+3]&0x1f) * 4
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, "class "...)
		if n, ok := geneveClasses[class]; ok {
			b = append(b, n...)
		} else {
			b = append(b, "Unknown"...)
		}
		b = append(b, " (0x"...)
		b = appendHex(b, uint64(class))
		b = append(b, ") type 0x"...)
		b = appendHex(b, uint64(typ))
		if typ&0x80 != 0 {
			b = append(b, "(C)"...)
		}
		b = append(b, " len "...)
		b = appendUint(b, uint64(olen+4))
		if verbose > 1 && olen > 0 && i+4+olen <= len(o) {
			b = append(b, " data"...)
			for k := 0; k < olen; k += 4 {
				b = append(b, ' ')
				b = appendHexPad(b, uint64(be32(o[i+4+k:])), 8)
			}
		}
		i += 4 + olen
	}
	return b
}

var ntpModes = []string{"unspecified", "symmetric active", "symmetric passive", "Client", "Server",
	"Broadcast", "Control Message", "Reserved"}

// ntp prints an NTP packet (tcpdump's ntp_print); -v adds the header
// fields.
func (p *Printer) ntp(b, d []byte, length int) []byte {
	if len(d) < 1 {
		return p.truncJmp(b, "ntp")
	}
	st := d[0]
	mode := st & 7
	b = append(b, "NTPv"...)
	b = appendUint(b, uint64((st>>3)&7))
	b = append(b, ", "...)
	b = append(b, ntpModes[mode]...)
	b = append(b, ", length "...)
	b = appendUint(b, uint64(length))
	if p.opts.Verbose == 0 {
		return b
	}
	b = append(b, "\n\tLeap indicator: "...)
	li := st & 0xc0
	switch li {
	case 0x40:
		b = append(b, "+1s"...)
	case 0x80:
		b = append(b, "-1s"...)
	case 0xc0:
		b = append(b, "clock unsynchronized"...)
	}
	b = append(b, " ("...)
	b = appendUint(b, uint64(li))
	b = append(b, ')')
	invalid := func(b []byte) []byte {
		b = append(b, " (invalid)"...)
		if len(d) < length {
			return p.trunc(b, "ntp")
		}
		return b
	}
	switch {
	case mode <= 5:
		if length < 48 {
			return invalid(b)
		}
		// Field by field, as tcpdump 4.99.3: a packet cut short
		// shows every field before the cut.
		cut := func(b []byte) []byte { return p.trunc(b, "ntp") }
		if len(d) < 2 {
			return p.truncJmp(b, "ntp")
		}
		stratum := d[1]
		b = append(b, ", Stratum "...)
		b = appendUint(b, uint64(stratum))
		b = append(b, " ("...)
		switch {
		case stratum == 0:
			b = append(b, "unspecified"...)
		case stratum == 1:
			b = append(b, "primary reference"...)
		case stratum >= 2 && stratum <= 15:
			b = append(b, "secondary reference"...)
		default:
			b = append(b, "reserved"...)
		}
		b = append(b, ')')
		if len(d) < 3 {
			return p.truncJmp(b, "ntp")
		}
		poll := int8(d[2])
		b = append(b, ", poll "...)
		b = appendInt(b, int64(poll))
		if poll > -32 && poll < 32 {
			if poll >= 0 {
				b = append(b, " ("...)
				b = appendUint(b, uint64(1)<<uint(poll))
				b = append(b, "s)"...)
			} else {
				b = append(b, " (1/"...)
				b = appendUint(b, uint64(1)<<uint(-poll))
				b = append(b, "s)"...)
			}
		}
		if len(d) < 4 {
			return p.truncJmp(b, "ntp")
		}
		b = append(b, ", precision "...)
		b = appendInt(b, int64(int8(d[3])))
		if len(d) < 8 {
			return cut(b)
		}
		b = append(b, "\n\tRoot Delay: "...)
		b = appendSFix(b, d[4:8])
		if len(d) < 12 {
			return cut(b)
		}
		b = append(b, ", Root dispersion: "...)
		b = appendSFix(b, d[8:12])
		if len(d) < 16 {
			return cut(b)
		}
		b = append(b, ", Reference-ID: "...)
		switch stratum {
		case 0:
			b = append(b, "(unspec)"...)
		case 1:
			b = appendNameChars(b, d[12:16])
		case 62:
			b = p.appendAddr(b, d[12:16])
			return append(b, " INFO_QUERY"...)
		case 63:
			b = p.appendAddr(b, d[12:16])
			return append(b, " INFO_REPLY"...)
		default:
			b = append(b, "0x"...)
			b = appendHexPad(b, uint64(be32(d[12:])), 8)
		}
		for i, label := range [...]string{"\n\t  Reference Timestamp:  ", "\n\t  Originator Timestamp: ",
			"\n\t  Receive Timestamp:    ", "\n\t  Transmit Timestamp:   "} {
			o := 16 + 8*i
			if len(d) < o+8 {
				return cut(b)
			}
			b = append(b, label...)
			b = appendNTPTime(b, d[o:o+8])
		}
		b = append(b, "\n\t    Originator - Receive Timestamp:  "...)
		b = appendNTPDelta(b, d[24:32], d[32:40])
		b = append(b, "\n\t    Originator - Transmit Timestamp: "...)
		b = appendNTPDelta(b, d[24:32], d[40:48])
		switch extra := length - 48; {
		case extra == 4 || extra == 20 || extra == 24:
			if len(d) < 52 {
				return p.trunc(b, "ntp")
			}
			b = append(b, "\n\tKey id: "...)
			b = appendUint(b, uint64(be32(d[48:])))
			if extra > 4 {
				if len(d) < 48+extra {
					return p.trunc(b, "ntp")
				}
				b = append(b, "\n\tAuthentication: "...)
				for _, c := range d[52 : 48+extra] {
					b = appendHexByte(b, c)
				}
			}
		case extra > 0:
			b = append(b, "\n\t("...)
			b = appendUint(b, uint64(extra))
			b = append(b, " more bytes after the header)"...)
		}
		if len(d) < length {
			return cut(b)
		}
	case mode == 6:
		if length < 12 {
			return invalid(b)
		}
		if len(d) < 12 {
			return p.trunc(b, "ntp")
		}
		c := d[1]
		if c&0x80 != 0 {
			b = append(b, ", Response"...)
		} else {
			b = append(b, ", Request"...)
		}
		if c&0x40 != 0 {
			b = append(b, ", Error"...)
		} else {
			b = append(b, ", OK"...)
		}
		if c&0x20 != 0 {
			b = append(b, ", More"...)
		} else {
			b = append(b, ", Last"...)
		}
		b = append(b, ", OpCode="...)
		b = appendUint(b, uint64(c&0x1f))
		b = append(b, "\n\tSequence="...)
		b = appendUint(b, uint64(be16(d[2:])))
		b = append(b, ", Status="...)
		if st := be16(d[4:]); st != 0 {
			b = append(b, "0x"...)
			b = appendHex(b, uint64(st))
		} else {
			b = append(b, '0')
		}
		b = append(b, ", Assoc.="...)
		b = appendUint(b, uint64(be16(d[6:])))
		b = append(b, ", Offset="...)
		b = appendUint(b, uint64(be16(d[8:])))
		count := int(be16(d[10:]))
		b = append(b, ", Count="...)
		b = appendUint(b, uint64(count))
		if 12+count > length {
			return invalid(b)
		}
		if count != 0 {
			if len(d) < 12+count {
				return p.trunc(b, "ntp")
			}
			b = append(b, "\n\tTO-BE-DONE: data not interpreted"...)
		}
	}
	return b
}

func appendSFix(b, d []byte) []byte {
	i := int(be16(d))
	f := int(float64(be16(d[2:])) / 65536.0 * 1000000.0)
	b = appendInt(b, int64(i))
	b = append(b, '.')
	return appendPadUint(b, uint64(f), 6, '0')
}

func appendNTPTime(b, d []byte) []byte {
	i := be32(d)
	f := uint32(float64(be32(d[4:])) / 4294967296.0 * 1000000000.0)
	b = appendUint(b, uint64(i))
	b = append(b, '.')
	b = appendPadUint(b, uint64(f), 9, '0')
	if i != 0 {
		t := time.Unix(int64(i)-2208988800, 0).UTC()
		b = append(b, " ("...)
		b = t.AppendFormat(b, "2006-01-02T15:04:05Z")
		b = append(b, ')')
	}
	return b
}

func appendNTPDelta(b, o, n []byte) []byte {
	u, ou := be32(n), be32(o)
	uf, ouf := be32(n[4:]), be32(o[4:])
	if ou == 0 && ouf == 0 {
		return appendNTPTime(b, n)
	}
	var i, f uint32
	neg := false
	switch {
	case u > ou:
		i, f = u-ou, uf-ouf
		if ouf > uf {
			i--
		}
	case u < ou:
		neg = true
		i, f = ou-u, ouf-uf
		if uf > ouf {
			i--
		}
	default:
		if uf > ouf {
			f = uf - ouf
		} else {
			neg = true
			f = ouf - uf
		}
	}
	if neg {
		b = append(b, '-')
	} else {
		b = append(b, '+')
	}
	b = appendUint(b, uint64(i))
	b = append(b, '.')
	return appendPadUint(b, uint64(uint32(float64(f)/4294967296.0*1000000000.0)), 9, '0')
}

// bootp prints a BOOTP/DHCP packet (tcpdump's bootp_print); -v adds the
// fixed fields and the RFC 1048 options.
func (p *Printer) bootp(b, d []byte, length int) []byte {
	if len(d) < 1 {
		return p.truncJmp(b, "bootp")
	}
	op := d[0]
	b = append(b, "BOOTP/DHCP, "...)
	switch op {
	case 1:
		b = append(b, "Request"...)
	case 2:
		b = append(b, "Reply"...)
	default:
		b = append(b, "unknown (0x"...)
		b = appendHexByte(b, op)
		b = append(b, ')')
	}
	if len(d) < 3 {
		return p.truncJmp(b, "bootp")
	}
	if d[1] == 1 && d[2] == 6 && op == 1 {
		if len(d) < 34 {
			return p.truncJmp(b, "bootp")
		}
		b = append(b, " from "...)
		b = appendMAC(b, d[28:34])
	}
	b = append(b, ", length "...)
	b = appendUint(b, uint64(length))
	if p.opts.Verbose == 0 {
		return b
	}
	// Field by field, as tcpdump 4.99.3: a packet cut short shows the
	// fields before the cut.
	if len(d) < 10 {
		return p.trunc(b, "bootp")
	}
	htype, hlen := d[1], d[2]
	if htype != 1 {
		b = append(b, ", htype "...)
		b = appendUint(b, uint64(htype))
	}
	if htype != 1 || hlen != 6 {
		b = append(b, ", hlen "...)
		b = appendUint(b, uint64(hlen))
	}
	if d[3] != 0 {
		b = append(b, ", hops "...)
		b = appendUint(b, uint64(d[3]))
	}
	if x := be32(d[4:]); x != 0 {
		b = append(b, ", xid 0x"...)
		b = appendHex(b, uint64(x))
	}
	if s := be16(d[8:]); s != 0 {
		b = append(b, ", secs "...)
		b = appendUint(b, uint64(s))
	}
	if len(d) < 12 {
		return p.truncJmp(b, "bootp")
	}
	flags := be16(d[10:])
	b = append(b, ", Flags ["...)
	if flags&0x8000 != 0 {
		b = append(b, "Broadcast"...)
	} else {
		b = append(b, "none"...)
	}
	b = append(b, ']')
	if p.opts.Verbose > 1 {
		b = append(b, " (0x"...)
		b = appendHexPad(b, uint64(flags), 4)
		b = append(b, ')')
	}
	for _, f := range [...]struct {
		off  int
		name string
	}{{12, "Client-IP"}, {16, "Your-IP"}, {20, "Server-IP"}, {24, "Gateway-IP"}} {
		if len(d) < f.off+4 {
			return p.truncJmp(b, "bootp")
		}
		if be32(d[f.off:]) != 0 {
			b = append(b, "\n\t  "...)
			b = append(b, f.name...)
			b = append(b, ' ')
			b = p.appendAddr(b, d[f.off:f.off+4])
		}
	}
	if htype == 1 && hlen == 6 {
		if len(d) < 34 {
			return p.truncJmp(b, "bootp")
		}
		b = append(b, "\n\t  Client-Ethernet-Address "...)
		b = appendMAC(b, d[28:34])
	}
	for _, f := range [...]struct {
		off, n int
		name   string
	}{{44, 64, "sname"}, {108, 128, "file"}} {
		if len(d) <= f.off {
			return p.truncJmp(b, "bootp")
		}
		if d[f.off] != 0 {
			b = append(b, "\n\t  "...)
			b = append(b, f.name...)
			b = append(b, " \""...)
			var n int
			b, n = appendZTN(b, d[f.off:min(len(d), f.off+f.n)])
			b = append(b, '"')
			if n == 0 { // no NUL in the field, or cut short
				return p.trunc(b, "bootp")
			}
		}
	}
	if len(d) < 240 {
		return p.trunc(b, "bootp")
	}
	if be32(d[236:]) != 0x63825363 {
		if v := be32(d[236:]); v != 0 {
			b = append(b, "\n\t  Vendor-#0x"...)
			b = appendHex(b, uint64(v))
		}
		return b
	}
	return p.rfc1048(b, d[236:])
}

var dhcpMsgTypes = []string{"", "Discover", "Offer", "Request", "Decline", "ACK", "NACK", "Release", "Inform"}

// dhcpTags maps an option to tcpdump's format letter and name.
var dhcpTags = map[byte]string{0: " PAD", 255: " END", 1: "iSubnet-Mask", 2: "LTime-Zone", 3: "iDefault-Gateway",
	4: "iTime-Server", 5: "iIEN-Name-Server", 6: "iDomain-Name-Server", 7: "iLOG", 8: "iCS",
	9: "iLPR-Server", 10: "iIM", 11: "iRL", 12: "aHostname", 13: "sBS", 14: "aDump-file",
	15: "aDomain-Name", 16: "iSS", 17: "aRP", 18: "aEP", 19: "BIPF", 20: "BSRT", 21: "pPF",
	22: "sMDGS", 23: "bTTL", 26: "sMTU", 28: "iBR", 31: "BRD", 42: "iNTP", 43: "bVendor-Option",
	44: "iNetbios-Name-Server", 47: "aNetbios-Scope", 50: "iRequested-IP", 51: "lLease-Time",
	53: "bDHCP-Message", 54: "iServer-ID", 55: "bParameter-Request", 56: "aMSG", 57: "sMSZ",
	58: "lRN", 59: "lRB", 60: "aVendor-Class", 61: "xClient-ID", 66: "aTFTP", 67: "aBF"}

func (p *Printer) rfc1048(b, d []byte) []byte {
	b = append(b, "\n\t  Vendor-rfc1048 Extensions\n\t    Magic Cookie 0x"...)
	b = appendHexPad(b, uint64(be32(d)), 8)
	i := 4
	for i < len(d) {
		tag := d[i]
		i++
		if tag == 0 && p.opts.Verbose < 3 {
			continue
		}
		if tag == 255 && p.opts.Verbose < 3 {
			return b
		}
		name, ok := dhcpTags[tag]
		if !ok {
			name = "?Unknown"
		}
		c := name[0]
		name = name[1:]
		l := 0
		if tag != 0 && tag != 255 {
			if i >= len(d) {
				return p.truncJmp(b, "bootp")
			}
			l = int(d[i])
			i++
		}
		b = append(b, "\n\t    "...)
		b = append(b, name...)
		b = append(b, " ("...)
		b = appendUint(b, uint64(tag))
		b = append(b, "), length "...)
		b = appendUint(b, uint64(l))
		if l > 0 {
			b = append(b, ": "...)
		}
		if tag == 0 { // -vvv: a run of padding is one line
			n := 1
			for ; i < len(d) && d[i] == 0; i++ {
				n++
			}
			if n > 1 {
				b = append(b, ", occurs "...)
				b = appendUint(b, uint64(n))
			}
			continue
		}
		if i+l > len(d) {
			return p.truncJmp(b, "bootp")
		}
		v := d[i : i+l]
		i += l
		if tag == 53 && l == 1 {
			if int(v[0]) < len(dhcpMsgTypes) && v[0] != 0 {
				b = append(b, dhcpMsgTypes[v[0]]...)
			} else {
				b = append(b, "Unknown ("...)
				b = appendUint(b, uint64(v[0]))
				b = append(b, ')')
			}
			continue
		}
		if tag == 55 {
			for k, t := range v {
				if k%4 == 0 {
					b = append(b, "\n\t      "...)
				} else {
					b = append(b, ", "...)
				}
				n, ok := dhcpTags[t]
				if !ok {
					n = "?Unknown"
				}
				b = append(b, n[1:]...)
				b = append(b, " ("...)
				b = appendUint(b, uint64(t))
				b = append(b, ')')
			}
			continue
		}
		if c == '?' {
			switch {
			case l&1 != 0:
				c = 'b'
			case l&2 != 0:
				c = 's'
			default:
				c = 'l'
			}
		}
		switch c {
		case 'a':
			b = append(b, '"')
			b = appendNameChars(b, v)
			b = append(b, '"')
			v = nil
		case 'i', 'l', 'L':
			for k := 0; len(v) >= 4; k++ {
				if k > 0 {
					b = append(b, ',')
				}
				switch c {
				case 'i':
					b = p.appendAddr(b, v[:4])
				case 'L':
					b = appendInt(b, int64(int32(be32(v))))
				default:
					b = appendUint(b, uint64(be32(v)))
				}
				v = v[4:]
			}
		case 's':
			for k := 0; len(v) >= 2; k++ {
				if k > 0 {
					b = append(b, ',')
				}
				b = appendUint(b, uint64(be16(v)))
				v = v[2:]
			}
		default:
			for k, x := range v {
				if k > 0 {
					if c == 'x' {
						b = append(b, ':')
					} else {
						b = append(b, '.')
					}
				}
				if c == 'x' {
					b = appendHexByte(b, x)
				} else {
					b = appendUint(b, uint64(x))
				}
			}
			v = nil
		}
		if len(v) > 0 {
			b = append(b, "\n\t  trailing data length "...)
			b = appendUint(b, uint64(len(v)))
		}
	}
	return b
}
