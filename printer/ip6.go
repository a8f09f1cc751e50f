package printer

// ip6 prints an IPv6 packet with its extension headers (tcpdump's ip6_print).
func (p *Printer) ip6(b, d []byte, length int) []byte {
	if len(d) < 40 {
		return p.trunc(b, "ip6")
	}
	if length < 40 {
		b = append(b, "truncated-ip6 "...)
		return appendUint(b, uint64(length))
	}
	if !p.opts.Link {
		b = append(b, "IP6 "...)
	}
	if v := d[0] >> 4; v != 6 {
		b = append(b, "version error: "...)
		b = appendUint(b, uint64(v))
		return append(b, " != 6"...)
	}
	plen := int(be16(d[4:]))
	total := length
	if plen != 0 {
		total = plen + 40
		if total > length {
			b = append(b, "[header+payload length "...)
			b = appendUint(b, uint64(total))
			b = append(b, " > length "...)
			b = appendUint(b, uint64(length))
			b = append(b, "] (invalid)"...)
			total = length
		}
	}
	if len(d) > total {
		d = d[:total]
	}
	nh := d[6]
	if p.opts.Verbose > 0 {
		flow := be32(d)
		b = append(b, '(')
		if flow&0x0ff00000 != 0 {
			b = append(b, "class 0x"...)
			b = appendHexPad(b, uint64((flow&0x0ff00000)>>20), 2)
			b = append(b, ", "...)
		}
		if flow&0xfffff != 0 {
			b = append(b, "flowlabel 0x"...)
			b = appendHexPad(b, uint64(flow&0xfffff), 5)
			b = append(b, ", "...)
		}
		b = append(b, "hlim "...)
		b = appendUint(b, uint64(d[7]))
		b = append(b, ", next-header "...)
		b = appendProtoName(b, nh)
		b = append(b, " ("...)
		b = appendUint(b, uint64(nh))
		b = append(b, ") payload length: "...)
		b = appendUint(b, uint64(plen))
		b = append(b, ") "...)
	}
	ip := ipInfo{v6: true, src: d[8:24], dst: d[24:40], proto: nh, hdrProto: nh, ttl: d[7]}
	off := 0
	adv := 40
	rem := total
	for off < len(d) && adv > 0 {
		if rem < adv {
			return p.trunc(b, "ip6")
		}
		off += adv
		rem -= adv
		if off == 40 && nh != 6 && nh != 17 && nh != 33 && nh != 132 {
			b = p.appendSrcDst(b, &ip)
		}
		cp := d[off:]
		switch nh {
		case 0, 60: // hop-by-hop, destination options
			if len(cp) < 2 {
				return p.truncJmp(b, protoExt(nh))
			}
			hl := (int(cp[1]) + 1) << 3
			if len(cp) < hl {
				return p.truncJmp(b, protoExt(nh))
			}
			if nh == 0 {
				b = append(b, "HBH "...)
			} else {
				b = append(b, "DSTOPT "...)
			}
			if p.opts.Verbose > 0 {
				var ok bool
				b, ok = appendIP6Opts(b, cp[2:hl])
				if !ok {
					return p.truncJmp(b, protoExt(nh))
				}
			}
			nh = cp[0]
			adv = hl
		case 44: // fragment
			if len(cp) < 4 || (p.opts.Verbose > 0 && len(cp) < 8) {
				return p.truncJmp(b, "frag6")
			}
			offlg := be16(cp[2:])
			fl := 40 + int(be16(d[4:])) - off - 8
			if p.opts.Verbose > 0 {
				b = append(b, "frag (0x"...)
				b = appendHexPad(b, uint64(be32(cp[4:])), 8)
				b = append(b, ':')
			} else {
				b = append(b, "frag ("...)
			}
			b = appendUint(b, uint64(offlg&0xfff8))
			b = append(b, '|')
			b = appendInt(b, int64(fl))
			b = append(b, ')')
			if offlg&0xfff8 != 0 {
				return b
			}
			b = append(b, ' ')
			if len(d) <= off+8 {
				return b
			}
			nh = cp[0]
			ip.frag = true
			adv = 8
		case 43: // routing
			b = append(b, "RT6"...)
			if len(cp) < 2 {
				return p.truncJmp(b, "rt6")
			}
			hl := (int(cp[1]) + 1) << 3
			b = append(b, " (len="...)
			b = appendUint(b, uint64(cp[1]))
			if len(cp) < 3 {
				return p.truncJmp(b, "rt6")
			}
			b = append(b, ", type="...)
			b = appendUint(b, uint64(cp[2]))
			if cp[2] == 0 {
				b = append(b, " [Deprecated]"...)
			}
			if len(cp) < 4 {
				return p.truncJmp(b, "rt6")
			}
			b = append(b, ", segleft="...)
			b = appendUint(b, uint64(cp[3]))
			switch cp[2] {
			case 0, 2:
				if len(cp) < 8 {
					return p.truncJmp(b, "rt6")
				}
				if p.opts.Verbose > 0 {
					b = append(b, ", rsv=0x"...)
					b = appendHex(b, uint64(be32(cp[4:])))
				}
				n := int(cp[1]) >> 1
				for i := 0; i < n; i++ {
					a := 8 + 16*i
					if a+16 > len(cp) {
						return p.truncJmp(b, "rt6")
					}
					b = append(b, ", ["...)
					b = appendUint(b, uint64(i))
					b = append(b, ']')
					b = appendIP6(b, cp[a:a+16])
				}
				b = append(b, ") "...)
			default:
				return p.trunc(b, "srcrt")
			}
			nh = cp[0]
			adv = hl
		default:
			ip.proto = nh
			return p.ipDemux(b, cp, rem, &ip)
		}
	}
	return b
}

func protoExt(nh byte) string {
	if nh == 0 {
		return "hbhopt"
	}
	return "dstopt"
}

// appendIP6Opts prints hop-by-hop/destination options (-v).
func appendIP6Opts(b, o []byte) ([]byte, bool) {
	for i := 0; i < len(o); {
		t := o[i]
		if t == 0 {
			b = append(b, "(pad1)"...)
			i++
			continue
		}
		if i+2 > len(o) {
			b = append(b, "(ip6opt_len)"...)
			return b, true
		}
		l := int(o[i+1])
		if i+2+l > len(o) {
			b = append(b, "(ip6opt_len)"...)
			return b, true
		}
		switch t {
		case 1:
			b = append(b, "(padn)"...)
		case 5:
			if l != 2 {
				b = append(b, "(rtalert: invalid len "...)
				b = appendUint(b, uint64(l))
				b = append(b, ')')
			} else {
				b = append(b, "(rtalert: 0x"...)
				b = appendHexPad(b, uint64(be16(o[i+2:])), 4)
				b = append(b, ") "...)
			}
		case 0xc2:
			if l != 4 {
				b = append(b, "(jumbo: invalid len "...)
				b = appendUint(b, uint64(l))
				b = append(b, ')')
			} else {
				b = append(b, "(jumbo: "...)
				b = appendUint(b, uint64(be32(o[i+2:])))
				b = append(b, ") "...)
			}
		default:
			b = append(b, "(opt_type 0x"...)
			b = appendHexPad(b, uint64(t), 2)
			b = append(b, ": len="...)
			b = appendUint(b, uint64(l))
			b = append(b, ')')
		}
		i += 2 + l
	}
	b = append(b, ' ')
	return b, true
}
