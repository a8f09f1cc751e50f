package printer

// ipProtoNames are the protocol names -v prints ("proto UDP (17)",
// "next-header ICMPv6 (58)"): tcpdump 4.99.3's table, no more.
var ipProtoNames = map[uint8]string{
	0: "Options", 1: "ICMP", 2: "IGMP", 4: "IPIP", 6: "TCP", 8: "EGP", 9: "IGRP", 17: "UDP",
	33: "DCCP", 41: "IPv6", 43: "Routing", 44: "Fragment", 46: "RSVP",
	47: "GRE", 50: "ESP", 51: "AH", 55: "Mobile IP", 58: "ICMPv6", 62: "Mobile IP (old)",
	88: "EIGRP", 89: "OSPF", 103: "PIM", 108: "Compressed IP",
	112: "VRRP", 113: "PGM", 132: "SCTP", 135: "Mobility", 143: "Ethernet",
}

func appendProtoName(b []byte, proto uint8) []byte {
	if n, ok := ipProtoNames[proto]; ok {
		return append(b, n...)
	}
	return append(b, "unknown"...)
}

// ipInfo is what the transport printers need from the IP header.
type ipInfo struct {
	v6       bool
	src, dst []byte // 4 or 16 bytes
	proto    uint8  // the transport protocol being printed
	hdrProto uint8  // the IP header's protocol / next header field
	frag     bool   // not the whole datagram (MF set or a fragment header)
	ttl      uint8
	// sumDst, when set, is the destination checksums use: an IPv6
	// routing header's final address (tcpdump's ip6_finddst).
	sumDst []byte
}

func (p *Printer) appendAddr(b []byte, a []byte) []byte {
	if p.res != nil {
		if name := p.resolve(a); name != "" {
			return append(b, name...)
		}
	}
	if len(a) == 4 {
		return appendIP4(b, a)
	}
	return appendIP6(b, a)
}

func (p *Printer) appendSrcDst(b []byte, ip *ipInfo) []byte {
	b = p.appendAddr(b, ip.src)
	b = append(b, " > "...)
	b = p.appendAddr(b, ip.dst)
	return append(b, ": "...)
}

// ip4 prints an IPv4 datagram (tcpdump's ip_print).
func (p *Printer) ip4(b, d []byte, length int) []byte {
	if len(d) < 1 {
		return p.truncJmp(b, "ip")
	}
	if d[0]>>4 == 4 && len(d) < 20 {
		if !p.opts.Link {
			b = append(b, "IP "...)
		}
		return p.trunc(b, "ip")
	}
	if v := d[0] >> 4; v != 4 {
		if v == 6 {
			b = append(b, "IP6, wrong link-layer encapsulation"...)
		} else {
			b = append(b, "IP"...)
			b = appendUint(b, uint64(v))
		}
		return append(b, " (invalid)"...)
	}
	if !p.opts.Link {
		b = append(b, "IP "...)
	}
	if length < 20 {
		b = append(b, "truncated-ip "...)
		return appendUint(b, uint64(length))
	}
	hlen := int(d[0]&15) * 4
	if hlen < 20 {
		b = append(b, "bad-hlen "...)
		return appendUint(b, uint64(hlen))
	}
	tot := int(be16(d[2:]))
	if length < tot {
		b = append(b, "truncated-ip - "...)
		b = appendUint(b, uint64(tot-length))
		b = append(b, " bytes missing! "...)
	}
	if tot < hlen {
		b = append(b, "bad-len "...)
		return appendUint(b, uint64(tot))
	}
	if len(d) > tot {
		d = d[:tot]
	}
	plen := tot - hlen
	off := be16(d[6:])
	proto := d[9]
	ip := ipInfo{src: d[12:16], dst: d[16:20], proto: proto, hdrProto: proto, frag: off&0x2000 != 0, ttl: d[8]}
	if p.opts.Verbose > 0 {
		tos := d[1]
		b = append(b, "(tos 0x"...)
		b = appendHex(b, uint64(tos))
		switch tos & 3 {
		case 1:
			b = append(b, ",ECT(1)"...)
		case 2:
			b = append(b, ",ECT(0)"...)
		case 3:
			b = append(b, ",CE"...)
		}
		if d[8] >= 1 {
			b = append(b, ", ttl "...)
			b = appendUint(b, uint64(d[8]))
		}
		b = append(b, ", id "...)
		b = appendUint(b, uint64(be16(d[4:])))
		b = append(b, ", offset "...)
		b = appendUint(b, uint64(off&0x1fff)*8)
		b = append(b, ", flags ["...)
		if off&0xe000 == 0 {
			b = append(b, "none"...)
		} else {
			first := true
			for _, f := range [...]struct {
				bit  uint16
				name string
			}{{0x2000, "+"}, {0x4000, "DF"}, {0x8000, "rsvd"}} {
				if off&f.bit != 0 {
					if !first {
						b = append(b, ", "...)
					}
					b = append(b, f.name...)
					first = false
				}
			}
		}
		b = append(b, "], proto "...)
		b = appendProtoName(b, proto)
		b = append(b, " ("...)
		b = appendUint(b, uint64(proto))
		b = append(b, "), length "...)
		b = appendUint(b, uint64(be16(d[2:])))
		truncOpt := false
		if hlen > 20 {
			b = append(b, ", options ("...)
			var end ipOptEnd
			b, end = appendIPOptions(b, d[20:min(hlen, len(d))], hlen-20)
			switch end {
			case ipOptCut:
				return p.truncJmp(b, "ip")
			case ipOptTruncated:
				b = append(b, " [truncated-option]"...)
				truncOpt = true
			}
			b = append(b, ')')
		}
		if !p.opts.NoChecksumCheck && hlen <= len(d) {
			sum := cksumFold(cksumAdd(0, d[:hlen]))
			if sum != 0 {
				ipsum := be16(d[10:])
				b = append(b, ", bad cksum "...)
				b = appendHex(b, uint64(ipsum))
				b = append(b, " (->"...)
				b = appendHex(b, uint64(cksumShouldBe(ipsum, sum)))
				b = append(b, ")!"...)
			}
		}
		b = append(b, ")\n    "...)
		if truncOpt {
			b = p.appendAddr(b, ip.src)
			b = append(b, " > "...)
			b = p.appendAddr(b, ip.dst)
			b = append(b, ": "...)
			return p.trunc(b, "ip")
		}
	}
	if off&0x1fff == 0 {
		if proto != 6 && proto != 17 && proto != 132 && proto != 33 {
			b = p.appendSrcDst(b, &ip)
		}
		if hlen > len(d) {
			// The header (options) is not all captured: said
			// after the addresses and -v's header fields.
			b = append(b, " [remaining caplen("...)
			b = appendUint(b, uint64(len(d)))
			b = append(b, ") < header length("...)
			b = appendUint(b, uint64(hlen))
			b = append(b, ")]"...)
			return p.trunc(b, "ip")
		}
		return p.ipDemux(b, d[hlen:], plen, &ip)
	}
	b = p.appendAddr(b, ip.src)
	b = append(b, " > "...)
	b = p.appendAddr(b, ip.dst)
	b = append(b, ':')
	if p.opts.NoResolve == 0 {
		if n := protoNetdbName(proto); n != "" {
			b = append(b, ' ')
			return append(b, n...)
		}
	}
	b = append(b, " ip-proto-"...)
	return appendUint(b, uint64(proto))
}

// cksumShouldBe is tcpdump's in_cksum_shouldbe: the checksum value that
// would have made the computed sum zero.
func cksumShouldBe(sum, computed uint16) uint16 {
	s := uint32(^sum) & 0xffff
	s += uint32(^computed) & 0xffff
	if s < uint32(^computed)&0xffff {
		s++
	}
	s = (s & 0xffff) + (s >> 16)
	s = (s & 0xffff) + (s >> 16)
	return ^uint16(s)
}

var ipOptNames = map[byte]string{0: "EOL", 1: "NOP", 68: "timestamp", 130: "security", 7: "RR",
	137: "SSRR", 131: "LSRR", 148: "RA", 82: "traceroute"}

// ipOptEnd says how appendIPOptions ended.
type ipOptEnd int

const (
	ipOptDone      ipOptEnd = iota // all printed, or stopped at EOL or a bad length
	ipOptTruncated                 // an option's body was not captured: "[truncated-option]"
	ipOptCut                       // an option's type or length byte was not captured: tcpdump gives up on the packet
)

// appendIPOptions prints IPv4 options as tcpdump's ip_optprint; d is the
// captured part of the length bytes of options.
func appendIPOptions(b, d []byte, length int) ([]byte, ipOptEnd) {
	i := 0
	for length > 0 {
		if i >= len(d) {
			return b, ipOptCut
		}
		if i > 0 {
			b = append(b, ',')
		}
		code := d[i]
		if n, ok := ipOptNames[code]; ok {
			b = append(b, n...)
		} else {
			b = append(b, "unknown "...)
			b = appendUint(b, uint64(code))
		}
		olen := 1
		if code != 0 && code != 1 {
			if i+1 >= len(d) {
				return b, ipOptCut
			}
			olen = int(d[i+1])
			if olen < 2 {
				b = append(b, " [bad length "...)
				b = appendUint(b, uint64(olen))
				return append(b, ']'), ipOptDone
			}
		}
		if olen > length {
			b = append(b, " [bad length "...)
			b = appendUint(b, uint64(olen))
			return append(b, ']'), ipOptDone
		}
		if i+olen > len(d) {
			return b, ipOptTruncated
		}
		o := d[i : i+olen]
		switch code {
		case 0:
			return b, ipOptDone
		case 7, 131, 137:
			if olen < 3 {
				b = append(b, " [bad length "...)
				b = appendUint(b, uint64(olen))
				return append(b, ']'), ipOptDone
			}
			if (olen+1)&3 != 0 {
				b = append(b, " [bad length "...)
				b = appendUint(b, uint64(olen))
				b = append(b, ']')
			} else {
				ptr := int(o[2]) - 1
				if ptr < 3 || (ptr+1)&3 != 0 || ptr > olen+1 {
					b = append(b, " [bad ptr "...)
					b = appendUint(b, uint64(o[2]))
					b = append(b, ']')
				} else {
					for k := 3; k+4 <= olen; k += 4 {
						b = append(b, ' ')
						b = appendIP4(b, o[k:k+4])
						if ptr > k && ptr <= k+4 {
							b = append(b, ',')
						}
					}
				}
			}
		case 148:
			if olen < 4 {
				b = append(b, " [bad length "...)
				b = appendUint(b, uint64(olen))
				b = append(b, ']')
			} else if v := be16(o[2:]); v != 0 {
				b = append(b, " value "...)
				b = appendUint(b, uint64(v))
			}
		case 68:
			b = appendIPTS(b, o)
		}
		i += olen
		length -= olen
	}
	return b, ipOptDone
}

func appendIPTS(b, o []byte) []byte {
	olen := len(o)
	if olen < 4 {
		b = append(b, "[bad length "...)
		b = appendUint(b, uint64(olen))
		return append(b, ']')
	}
	b = append(b, " TS{"...)
	hoplen := 4
	if o[3]&15 != 0 {
		hoplen = 8
	}
	if (olen-4)&(hoplen-1) != 0 {
		b = append(b, "[bad length "...)
		b = appendUint(b, uint64(olen))
		b = append(b, ']')
	}
	ptr := int(o[2]) - 1
	pos := 0
	if ptr < 4 || (ptr-4)&(hoplen-1) != 0 || ptr > olen+1 {
		b = append(b, "[bad ptr "...)
		b = appendUint(b, uint64(o[2]))
		b = append(b, ']')
	}
	switch o[3] & 15 {
	case 0:
		b = append(b, "TSONLY"...)
	case 1:
		b = append(b, "TS+ADDR"...)
	case 3:
		b = append(b, "PRESPEC"...)
	default:
		b = append(b, "[bad ts type "...)
		b = appendUint(b, uint64(o[3]&15))
		b = append(b, ']')
		goto done
	}
	for pos = 4; pos < olen; pos += hoplen {
		if ptr == pos {
			b = append(b, " ^ "...)
		} else {
			b = append(b, ' ')
		}
		if pos+hoplen > olen {
			break
		}
		b = appendUint(b, uint64(be32(o[pos+hoplen-4:])))
		b = append(b, '@')
		if hoplen == 8 {
			b = appendIP4(b, o[pos:pos+4])
		}
	}
done:
	if ptr == pos {
		b = append(b, " ^ "...)
	}
	if o[3]>>4 != 0 {
		b = append(b, " ["...)
		b = appendUint(b, uint64(o[3]>>4))
		b = append(b, " hops not recorded]} "...)
	} else {
		b = append(b, '}')
	}
	return b
}

// ipDemux dispatches on the transport protocol (tcpdump's ip_demux_print).
func (p *Printer) ipDemux(b, d []byte, length int, ip *ipInfo) []byte {
	switch ip.proto {
	case 6:
		return p.tcp(b, d, length, ip)
	case 17:
		return p.udp(b, d, length, ip)
	case 1:
		if ip.v6 {
			b = append(b, "[ICMP requires IPv4] (invalid)"...)
			return b
		}
		return p.icmp(b, d, length, ip)
	case 58:
		if !ip.v6 {
			b = append(b, "[ICMPv6 requires IPv6] (invalid)"...)
			return b
		}
		return p.icmp6(b, d, length, ip)
	case 4:
		return p.ip4(b, d, length)
	case 41:
		return p.ip6(b, d, length)
	case 47:
		return p.gre(b, d, length)
	case 59:
		return append(b, "no next header"...)
	case 50:
		return p.esp(b, d, length)
	}
	if p.opts.NoResolve == 0 {
		if n := protoNetdbName(ip.proto); n != "" {
			b = append(b, ' ')
			b = append(b, n...)
			b = append(b, ' ')
			return appendUint(b, uint64(length))
		}
	}
	b = append(b, " ip-proto-"...)
	b = appendUint(b, uint64(ip.proto))
	b = append(b, ' ')
	return appendUint(b, uint64(length))
}

// esp prints an ESP header as tcpdump does without secrets: the SPI, the
// sequence number and the length. tcpdump calls it truncated unless more
// than the 8 header bytes were captured.
func (p *Printer) esp(b, d []byte, length int) []byte {
	if len(d) <= 8 {
		return p.trunc(b, "esp")
	}
	b = append(b, "ESP(spi=0x"...)
	b = appendHexPad(b, uint64(be32(d)), 8)
	b = append(b, ",seq=0x"...)
	b = appendHex(b, uint64(be32(d[4:])))
	b = append(b, "), length "...)
	return appendUint(b, uint64(length))
}
