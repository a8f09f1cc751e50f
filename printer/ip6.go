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
	// total is the length the header claims (tcpdump keeps it even when
	// the packet is shorter, after saying so). A zero payload length
	// means a Jumbo Payload option in a hop-by-hop header, or no payload:
	// the extension headers are read up to the packet's end first.
	total := length + 40
	if plen != 0 {
		total = plen + 40
		b = appendIP6Missing(b, total, length)
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
	prev := -1 // the previous extension header, -1 while there has been none
	foundHBH, jumbo := false, false
	for off < len(d) && adv > 0 {
		if rem < adv {
			return p.trunc(b, "ip6")
		}
		off += adv
		rem -= adv
		if off == 40 && nh != 6 && nh != 17 && nh != 33 && nh != 132 {
			b = p.appendSrcDst(b, &ip)
		}
		// The header may start past the captured bytes (the wire
		// length allows it): each case then reports truncation.
		cp := d[min(off, len(d)):]
		switch nh {
		case 0, 60: // hop-by-hop, destination options
			if nh == 0 {
				if foundHBH {
					return append(b, "[The Hop-by-Hop Options header was already found] (invalid)"...)
				}
				if prev != -1 {
					return append(b, "[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)"...)
				}
			}
			if len(cp) < 2 {
				return p.truncJmp(b, protoExt(nh))
			}
			hl := (int(cp[1]) + 1) << 3
			if len(cp) < hl {
				return p.trunc(b, protoExt(nh))
			}
			ok := true
			if nh == 0 {
				b = append(b, "HBH "...)
				// Options are checked with or without -v; a
				// valid Jumbo Payload option sets the length.
				var jl uint32
				var found bool
				b, found, jl, ok = p.appendIP6Opts(b, cp[2:hl], true, plen)
				if found {
					jumbo = true
					plen = int(jl)
				}
				if plen == 0 && !jumbo {
					return append(b, "[No valid Jumbo Payload Hop-by-Hop option found] (invalid)"...)
				}
				foundHBH = true
			} else {
				b = append(b, "DSTOPT "...)
				if p.opts.Verbose > 0 {
					b, _, _, ok = p.appendIP6Opts(b, cp[2:hl], false, plen)
				}
			}
			if !ok {
				return p.trunc(b, protoExt(nh))
			}
			prev = int(nh)
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
			b = appendUint(b, uint64(int64(fl))) // tcpdump prints it unsigned
			b = append(b, ')')
			if offlg&0xfff8 != 0 {
				return b
			}
			b = append(b, ' ')
			if len(d) <= off+8 {
				return b
			}
			prev = int(nh)
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
			first := 8 // the first address
			switch cp[2] {
			case 0, 2:
				if len(cp) < 8 {
					return p.truncJmp(b, "rt6")
				}
				if rsv := be32(cp[4:]); rsv != 0 || p.opts.Verbose > 0 {
					b = append(b, ", rsv=0x"...)
					b = appendHex(b, uint64(rsv))
				}
			case 4: // segment routing
				if len(cp) < 8 {
					return p.truncJmp(b, "rt6")
				}
				b = append(b, ", last-entry="...)
				b = appendUint(b, uint64(cp[4]))
				if cp[5] != 0 || p.opts.Verbose > 0 {
					b = append(b, ", flags=0x"...)
					b = appendHex(b, uint64(cp[5]))
				}
				b = append(b, ", tag="...)
				b = appendHex(b, uint64(be16(cp[6:])))
			default:
				return append(b, " (unknown type) (invalid)"...)
			}
			if cp[1]%2 == 1 {
				b = append(b, " (invalid length "...)
				b = appendUint(b, uint64(cp[1]))
				return append(b, ") (invalid)"...)
			}
			n := int(cp[1]) >> 1
			for i := 0; i < n; i++ {
				a := first + 16*i
				if a+16 > len(cp) {
					return p.truncJmp(b, "rt6")
				}
				b = append(b, ", ["...)
				b = appendUint(b, uint64(i))
				b = append(b, ']')
				b = appendIP6(b, cp[a:a+16])
			}
			// Checksums use the final destination: the last
			// address (types 0 and 2) or the first segment (4),
			// from the first routing header only.
			if ip.sumDst == nil && n > 0 {
				if cp[2] == 4 {
					ip.sumDst = cp[first : first+16]
				} else {
					ip.sumDst = cp[first+16*(n-1) : first+16*n]
				}
			}
			b = append(b, ") "...)
			prev = int(nh)
			nh = cp[0]
			adv = hl
		default:
			switch {
			case jumbo:
				// The payload length the Jumbo Payload option gave.
				// off is the length of the headers read so far.
				t := plen + 40
				if t < off {
					return p.trunc(b, "ip6")
				}
				b = appendIP6Missing(b, t, length)
				rem = t - off
				if len(cp) > rem {
					cp = cp[:rem]
				}
			case plen == 0:
				// No payload: nothing may follow the header.
				if prev != -1 { // an extension header
					return p.trunc(b, "ip6")
				}
				rem, cp = 0, cp[:0]
			}
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

// appendIP6Missing says that the packet is shorter than its IPv6 header
// claims (tcpdump's "truncated-ip6 - N bytes missing!").
func appendIP6Missing(b []byte, claimed, length int) []byte {
	if claimed <= length {
		return b
	}
	b = append(b, "truncated-ip6 - "...)
	b = appendUint(b, uint64(claimed-length))
	return append(b, " bytes missing!"...)
}

// appendIP6Opts checks the options of a hop-by-hop (hbh) or destination
// options header and prints them with -v, as tcpdump 4.99 does. plen is
// the IPv6 payload length: a Jumbo Payload option counts only in a
// hop-by-hop header of a packet whose payload length is zero, and only
// from 65536 up; then found is true and jumbo its value. ok is false
// when an option overruns the header or has an impossible length.
func (p *Printer) appendIP6Opts(b, o []byte, hbh bool, plen int) (_ []byte, found bool, jumbo uint32, ok bool) {
	v := p.opts.Verbose > 0
	seen := false
	for i := 0; i < len(o); {
		n, fits := ip6OptLen(o, i)
		if !fits {
			return b, found, jumbo, false
		}
		t := o[i]
		switch t {
		case 0:
			if v {
				b = append(b, "(pad1)"...)
			}
		case 1:
			if v {
				b = append(b, "(padn)"...)
			}
		case 5: // router alert
			if len(o)-i < 4 {
				return append(b, "(rtalert: trunc)"...), found, jumbo, false
			}
			if o[i+1] != 2 {
				b = append(b, "(rtalert: invalid len "...)
				b = appendUint(b, uint64(o[i+1]))
				return append(b, ')'), found, jumbo, false
			}
			if v {
				b = append(b, "(rtalert: 0x"...)
				b = appendHexPad(b, uint64(be16(o[i+2:])), 4)
				b = append(b, ") "...)
			}
		case 0xc2: // jumbo payload
			if len(o)-i < 6 {
				return append(b, "(jumbo: trunc)"...), found, jumbo, false
			}
			if o[i+1] != 4 {
				b = append(b, "(jumbo: invalid len "...)
				b = appendUint(b, uint64(o[i+1]))
				return append(b, ')'), found, jumbo, false
			}
			jl := be32(o[i+2:])
			why := ""
			switch {
			case seen:
				why = " - already seen"
			case !hbh:
				why = " - not a hop-by-hop option"
			case plen != 0:
				why = " - payload len != 0"
			case jl < 65536:
				why = " - < 65536"
			default:
				found, jumbo = true, jl
			}
			seen = true
			if v {
				b = append(b, "(jumbo: "...)
				b = appendUint(b, uint64(jl))
				b = append(b, why...)
				b = append(b, ") "...)
			}
		case 0xc9: // home address
			if len(o)-i < 18 {
				return append(b, "(homeaddr: trunc)"...), found, jumbo, false
			}
			if o[i+1] < 16 {
				b = append(b, "(homeaddr: invalid len "...)
				b = appendUint(b, uint64(o[i+1]))
				return append(b, ')'), found, jumbo, false
			}
			if v {
				b = append(b, "(homeaddr: "...)
				b = appendIP6(b, o[i+2:i+18])
				if o[i+1] > 16 {
					var sok bool
					if b, sok = appendIP6SubOpts(b, o[i+18:i+n]); !sok {
						return b, found, jumbo, false
					}
				}
				b = append(b, ')')
			}
		default:
			if v {
				b = append(b, "(opt_type 0x"...)
				b = appendHexPad(b, uint64(t), 2)
				b = append(b, ": len="...)
				b = appendUint(b, uint64(o[i+1]))
				b = append(b, ')')
			}
		}
		i += n
	}
	if v {
		b = append(b, ' ')
	}
	return b, found, jumbo, true
}

// ip6OptLen returns the length of the IPv6 option (or sub-option) at o[i]:
// 1 for Pad1, its length byte plus 2 otherwise; fits is false when the
// option runs past o.
func ip6OptLen(o []byte, i int) (n int, fits bool) {
	if o[i] == 0 {
		return 1, true
	}
	if i+1 >= len(o) {
		return 0, false
	}
	n = int(o[i+1]) + 2
	return n, i+n <= len(o)
}

// appendIP6SubOpts prints the sub-options of a home address option.
func appendIP6SubOpts(b, o []byte) ([]byte, bool) {
	for i := 0; i < len(o); {
		n, fits := ip6OptLen(o, i)
		if !fits {
			return b, false
		}
		t := o[i]
		switch t {
		case 0:
			b = append(b, ", pad1"...)
		case 1:
			b = append(b, ", padn"...)
		default:
			b = append(b, ", sopt_type 0x"...)
			b = appendHexPad(b, uint64(t), 2)
			b = append(b, ": len="...)
			b = appendUint(b, uint64(o[i+1]))
		}
		i += n
	}
	return b, true
}
