package printer

var unreachFmt = map[byte][2]string{
	0: {"net ", " unreachable"}, 1: {"host ", " unreachable"},
	5: {"", " unreachable - source route failed"}, 6: {"net ", " unreachable - unknown"},
	7: {"host ", " unreachable - unknown"}, 8: {"", " unreachable - source host isolated"},
	9: {"net ", " unreachable - admin prohibited"}, 10: {"host ", " unreachable - admin prohibited"},
	11: {"net ", " unreachable - tos prohibited"}, 12: {"host ", " unreachable - tos prohibited"},
	13: {"host ", " unreachable - admin prohibited filter"},
	14: {"host ", " unreachable - host precedence violation"},
	15: {"host ", " unreachable - precedence cutoff"},
}

var icmpTypeNames = map[byte]string{0: "echo reply", 3: "ICMP_UNREACH", 4: "source quench",
	5: "redirect", 8: "echo request", 9: "router advertisement", 10: "router solicitation",
	11: "time exceeded", 12: "parameter problem", 13: "time stamp request", 14: "time stamp reply",
	15: "information request", 16: "information reply", 17: "address mask request",
	18: "address mask reply"}

// icmp prints an ICMP message (tcpdump's icmp_print).
func (p *Printer) icmp(b, d []byte, length int, ip *ipInfo) []byte {
	if len(d) < 2 { // the type and code are all an unknown type needs
		return p.truncJmp(b, "icmp")
	}
	t, code := d[0], d[1]
	head := len(b)
	b = append(b, "ICMP "...)
	start := len(b)
	// tcpdump formats the message before printing "ICMP", so a
	// truncation shows only the mark.
	trunc := func([]byte) []byte { return p.truncJmp(b[:head], "icmp") }
	switch t {
	case 0, 8:
		if len(d) < 8 {
			return trunc(b)
		}
		if t == 8 {
			b = append(b, "echo request, id "...)
		} else {
			b = append(b, "echo reply, id "...)
		}
		b = appendUint(b, uint64(be16(d[4:])))
		b = append(b, ", seq "...)
		b = appendUint(b, uint64(be16(d[6:])))
	case 3:
		if len(d) < 28 {
			return trunc(b[:start])
		}
		oip := d[8:]
		dst := oip[16:20]
		switch code {
		case 2:
			b = p.appendAddr(b, dst)
			b = append(b, " protocol "...)
			b = appendUint(b, uint64(oip[9]))
			b = append(b, " unreachable"...)
		case 3:
			hl := int(oip[0]&15) * 4
			if len(oip) < hl+4 {
				return trunc(b[:start])
			}
			dport := be16(oip[hl+2:])
			b = p.appendAddr(b, dst)
			switch oip[9] {
			case 6:
				b = append(b, " tcp port "...)
				b = p.appendPort(b, dport, false)
			case 17:
				b = append(b, " udp port "...)
				b = p.appendPort(b, dport, true)
			default:
				b = append(b, " protocol "...)
				b = appendUint(b, uint64(oip[9]))
				b = append(b, " port "...)
				b = appendUint(b, uint64(dport))
			}
			b = append(b, " unreachable"...)
		case 4:
			b = p.appendAddr(b, dst)
			b = append(b, " unreachable - need to frag"...)
			if mtu := be16(d[6:]); mtu != 0 {
				b = append(b, " (mtu "...)
				b = appendUint(b, uint64(mtu))
				b = append(b, ')')
			}
		default:
			if f, ok := unreachFmt[code]; ok {
				b = append(b, f[0]...)
				b = p.appendAddr(b, dst)
				b = append(b, f[1]...)
			} else {
				b = p.appendAddr(b, dst)
				b = append(b, " unreachable - #"...)
				b = appendUint(b, uint64(code))
			}
		}
	case 5:
		if len(d) < 28 {
			return trunc(b[:start])
		}
		switch code {
		case 0:
			b = append(b, "redirect "...)
		case 1:
			b = append(b, "redirect "...)
		case 2:
			b = append(b, "redirect-tos "...)
		case 3:
			b = append(b, "redirect-tos "...)
		default:
			b = append(b, "redirect-#"...)
			b = appendUint(b, uint64(code))
			b = append(b, ' ')
		}
		b = p.appendAddr(b, d[24:28])
		switch {
		case code > 3:
			b = append(b, " to "...)
		case code&1 == 0:
			b = append(b, " to net "...)
		default:
			b = append(b, " to host "...)
		}
		b = p.appendAddr(b, d[4:8])
	case 11:
		if len(d) < 28 {
			return trunc(b)
		}
		switch code {
		case 0:
			b = append(b, "time exceeded in-transit"...)
		case 1:
			b = append(b, "ip reassembly time exceeded"...)
		default:
			b = append(b, "time exceeded-#"...)
			b = appendUint(b, uint64(code))
		}
	case 12:
		if code != 0 {
			b = append(b, "parameter problem - code "...)
			b = appendUint(b, uint64(code))
		} else {
			if len(d) < 5 {
				return trunc(b[:start])
			}
			b = append(b, "parameter problem - octet "...)
			b = appendUint(b, uint64(d[4]))
		}
	case 13, 14:
		if len(d) < 8 {
			return trunc(b[:start])
		}
		if t == 13 {
			b = append(b, "time stamp query id "...)
		} else {
			b = append(b, "time stamp reply id "...)
		}
		b = appendUint(b, uint64(be16(d[4:])))
		b = append(b, " seq "...)
		b = appendUint(b, uint64(be16(d[6:])))
		if t == 14 {
			if len(d) < 20 {
				return trunc(b)
			}
			b = append(b, ": org "...)
			b = appendICMPTime(b, be32(d[8:]))
			b = append(b, ", recv "...)
			b = appendICMPTime(b, be32(d[12:]))
			b = append(b, ", xmit "...)
			b = appendICMPTime(b, be32(d[16:]))
		}
	default:
		if n, ok := icmpTypeNames[t]; ok {
			b = append(b, n...)
		} else {
			b = append(b, "type-#"...)
			b = appendUint(b, uint64(t))
		}
	}
	b = append(b, ", length "...)
	b = appendUint(b, uint64(length))
	// tcpdump checks ICMP checksums even with -K.
	if p.opts.Verbose > 0 && !ip.frag && len(d) >= length {
		if sum := cksumFold(cksumAdd(0, d[:length])); sum != 0 {
			if len(d) < 4 {
				return trunc(b)
			}
			isum := be16(d[2:])
			b = append(b, " (wrong icmp cksum "...)
			b = appendHex(b, uint64(isum))
			b = append(b, " (->"...)
			b = appendHex(b, uint64(cksumShouldBe(isum, sum)))
			b = append(b, ")!)"...)
		}
	}
	if p.opts.Verbose > 0 && (t == 3 || t == 4 || t == 5 || t == 11 || t == 12) {
		b = append(b, "\n\t"...)
		if len(d) < 8+4 {
			return trunc(b)
		}
		inner := d[8:]
		il := int(be16(inner[2:]))
		if len(inner) > il {
			inner = inner[:il]
		}
		b = p.ip4(b, inner, il)
	}
	return b
}

func appendICMPTime(b []byte, ms uint32) []byte {
	if ms&0x80000000 != 0 {
		b = appendUint(b, uint64(ms&0x7fffffff))
		return append(b, "_nonstd"...)
	}
	s := ms / 1000
	b = append2d(b, int(s/3600))
	b = append(b, ':')
	b = append2d(b, int(s/60%60))
	b = append(b, ':')
	b = append2d(b, int(s%60))
	b = append(b, '.')
	return appendPadUint(b, uint64(ms%1000), 3, '0')
}

var icmp6TypeNames = map[byte]string{1: "destination unreachable", 2: "packet too big",
	3: "time exceeded in-transit", 4: "parameter problem", 128: "echo request", 129: "echo reply",
	130: "multicast listener query", 131: "multicast listener report", 132: "multicast listener done",
	133: "router solicitation", 134: "router advertisement", 135: "neighbor solicitation",
	136: "neighbor advertisement", 137: "redirect", 138: "router renumbering",
	139: "node information query", 140: "node information reply",
	141: "inverse neighbor solicitation", 142: "inverse neighbor advertisement",
	143: "multicast listener report v2", 144: "ha discovery request", 145: "ha discovery reply",
	146: "mobile router solicitation", 147: "mobile router advertisement",
	148: "certification path solicitation", 149: "certification path advertisement",
	151: "multicast router advertisement", 152: "multicast router solicitation",
	153: "multicast router termination"}

var icmp6Unreach = []string{"unreachable route", "unreachable prohibited", "beyond scope",
	"unreachable address", "unreachable port"}

// icmp6 prints an ICMPv6 message (tcpdump's icmp6_print).
func (p *Printer) icmp6(b, d []byte, length int, ip *ipInfo) []byte {
	if length == 0 {
		return append(b, "ICMP6, length 0 (invalid)"...)
	}
	if len(d) < 1 {
		return p.truncJmp(b, "icmp6")
	}
	t := d[0]
	if p.opts.Verbose > 0 && !ip.frag && len(d) >= length && length >= 4 {
		sum := cksumFold(cksumAdd(pseudoSum(ip, 58, length), d[:length]))
		isum := be16(d[2:])
		if sum != 0 {
			b = append(b, "[bad icmp6 cksum 0x"...)
			b = appendHexPad(b, uint64(isum), 4)
			b = append(b, " -> 0x"...)
			b = appendHexPad(b, uint64(cksumShouldBe(isum, sum)), 4)
			b = append(b, "!] "...)
		} else {
			b = append(b, "[icmp6 sum ok] "...)
		}
	}
	b = append(b, "ICMP6, "...)
	if n, ok := icmp6TypeNames[t]; ok {
		b = append(b, n...)
	} else {
		b = append(b, "unknown icmp6 type ("...)
		b = appendUint(b, uint64(t))
		b = append(b, ')')
	}
	if p.opts.Verbose > 0 && (t == 133 || t == 134 || t == 135 || t == 136 || t == 137 || t == 145 || t == 147) {
		b = append(b, ", length "...)
		b = appendUint(b, uint64(length))
	}
	trunc := func(b []byte) []byte { return p.truncJmp(b, "icmp6") }
	if len(d) < 2 {
		return trunc(b)
	}
	code := d[1]
	switch t {
	case 1:
		b = append(b, ", "...)
		if int(code) < len(icmp6Unreach) {
			b = append(b, icmp6Unreach[code]...)
		} else {
			b = append(b, "unknown unreach code ("...)
			b = appendUint(b, uint64(code))
			b = append(b, ')')
		}
		if len(d) < 8 {
			return trunc(b)
		}
		oip := d[8:]
		switch code {
		case 0, 1, 3:
			if len(oip) < 40 {
				return trunc(b)
			}
			b = append(b, ' ')
			b = p.appendAddr(b, oip[24:40])
		case 2:
			if len(oip) < 40 {
				return trunc(b)
			}
			b = append(b, ' ')
			b = p.appendAddr(b, oip[24:40])
			b = append(b, ", source address "...)
			b = p.appendAddr(b, oip[8:24])
		case 4:
			if len(oip) < 40 {
				return trunc(b)
			}
			prot, ul := upperLayer6(oip)
			if len(ul) < 4 {
				return trunc(b)
			}
			dport := be16(ul[2:])
			b = append(b, ", "...)
			b = p.appendAddr(b, oip[24:40])
			switch prot {
			case 6:
				b = append(b, " tcp port "...)
				b = p.appendPort(b, dport, false)
			case 17:
				b = append(b, " udp port "...)
				b = p.appendPort(b, dport, true)
			default:
				b = append(b, " protocol "...)
				b = appendUint(b, uint64(prot))
				b = append(b, " port "...)
				b = appendUint(b, uint64(dport))
				b = append(b, " unreachable"...)
			}
		default:
			if p.opts.Verbose <= 1 {
				return appendHexIndent(b, d[:min(len(d), length)], "\n\t")
			}
		}
	case 2:
		if len(d) < 8 {
			return trunc(b)
		}
		b = append(b, ", mtu "...)
		b = appendUint(b, uint64(be32(d[4:])))
	case 3:
		switch code {
		case 0:
			if len(d) < 48 {
				return trunc(b)
			}
			b = append(b, " for "...)
			b = p.appendAddr(b, d[32:48])
		case 1:
			b = append(b, " (reassembly)"...)
		default:
			b = append(b, ", unknown code ("...)
			b = appendUint(b, uint64(code))
			b = append(b, ')')
		}
	case 4:
		if len(d) < 48 {
			return trunc(b)
		}
		ptr := be32(d[4:])
		switch code {
		case 0:
			b = append(b, ", erroneous - octet "...)
		case 1:
			b = append(b, ", next header - octet "...)
		case 2:
			b = append(b, ", option - octet "...)
		default:
			b = append(b, ", code-#"...)
			b = appendUint(b, uint64(code))
			goto done
		}
		b = appendUint(b, uint64(ptr))
	case 128, 129:
		if len(d) < 8 {
			return trunc(b)
		}
		b = append(b, ", id "...)
		b = appendUint(b, uint64(be16(d[4:])))
		b = append(b, ", seq "...)
		b = appendUint(b, uint64(be16(d[6:])))
	case 130: // MLD query: v1 (24 bytes) or v2 (28 and more)
		switch {
		case length == 24:
			b = p.mld6(b, d)
		case length >= 28:
			b = append(b, " v2"...)
			var ok bool
			if b, ok = p.mldv2Query(b, d, length); !ok {
				return trunc(b)
			}
		default:
			b = append(b, " unknown-version (len "...)
			b = appendUint(b, uint64(length))
			b = append(b, ") "...)
		}
	case 131, 132: // MLD report, done
		b = p.mld6(b, d)
	case 143:
		var ok bool
		if b, ok = p.mldv2Report(b, d, length); !ok {
			return trunc(b)
		}
	case 133:
		if p.opts.Verbose > 0 {
			var ok bool
			if b, ok = p.icmp6Opts(b, d, 8, length); !ok {
				return trunc(b)
			}
		}
	case 134:
		if p.opts.Verbose > 0 {
			if len(d) < 16 {
				return trunc(b)
			}
			b = append(b, "\n\thop limit "...)
			b = appendUint(b, uint64(d[4]))
			b = append(b, ", Flags ["...)
			fl := d[5]
			first := true
			for _, f := range [...]struct {
				bit  byte
				name string
			}{{0x80, "managed"}, {0x40, "other stateful"}, {0x20, "home agent"}, {0x02, "ipv6 only"}} {
				if fl&f.bit != 0 {
					if !first {
						b = append(b, ", "...)
					}
					b = append(b, f.name...)
					first = false
				}
			}
			if first {
				b = append(b, "none"...)
			}
			b = append(b, "], pref "...)
			switch (fl >> 3) & 3 {
			case 0:
				b = append(b, "medium"...)
			case 1:
				b = append(b, "high"...)
			case 2:
				b = append(b, "rsv"...)
			case 3:
				b = append(b, "low"...)
			}
			b = append(b, ", router lifetime "...)
			b = appendUint(b, uint64(be16(d[6:])))
			b = append(b, "s, reachable time "...)
			b = appendUint(b, uint64(be32(d[8:])))
			b = append(b, "ms, retrans timer "...)
			b = appendUint(b, uint64(be32(d[12:])))
			b = append(b, "ms"...)
			var ok bool
			if b, ok = p.icmp6Opts(b, d, 16, length); !ok {
				return trunc(b)
			}
		}
	case 135, 136:
		if len(d) < 24 {
			return trunc(b)
		}
		if t == 135 {
			b = append(b, ", who has "...)
		} else {
			b = append(b, ", tgt is "...)
		}
		b = p.appendAddr(b, d[8:24])
		if p.opts.Verbose > 0 {
			if t == 136 {
				b = append(b, ", Flags ["...)
				fl := d[4]
				first := true
				for _, f := range [...]struct {
					bit  byte
					name string
				}{{0x80, "router"}, {0x40, "solicited"}, {0x20, "override"}} {
					if fl&f.bit != 0 {
						if !first {
							b = append(b, ", "...)
						}
						b = append(b, f.name...)
						first = false
					}
				}
				if first {
					b = append(b, "none"...)
				}
				b = append(b, ']')
			}
			var ok bool
			if b, ok = p.icmp6Opts(b, d, 24, length); !ok {
				return trunc(b)
			}
		}
	default:
		b = append(b, ", length "...)
		b = appendUint(b, uint64(length))
		if p.opts.Verbose <= 1 {
			b = appendHexIndent(b, d[:min(len(d), length)], "\n\t")
		}
		return b
	}
done:
	if p.opts.Verbose == 0 {
		b = append(b, ", length "...)
		b = appendUint(b, uint64(length))
	}
	return b
}

// mld6 prints an MLDv1 message's delay and address, right after the
// type name as tcpdump does ("querymax resp delay: 0 addr: ff02::1"),
// or nothing when it is not all captured.
func (p *Printer) mld6(b, d []byte) []byte {
	if len(d) < 24 {
		return b
	}
	b = append(b, "max resp delay: "...)
	b = appendUint(b, uint64(be16(d[4:])))
	b = append(b, " addr: "...)
	return p.appendAddr(b, d[8:24])
}

// mldCode decodes MLDv2's floating-point encoding of the maximum
// response code (16 bits) or the querier's query interval (8 bits):
// values from the threshold up carry a 3-bit exponent and a mantissa.
func mldCode(v, threshold, mantBits uint32) uint32 {
	if v < threshold {
		return v
	}
	mant := v & (1<<mantBits - 1)
	exp := (v >> mantBits) & 7
	return (mant | 1<<mantBits) << (exp + 3)
}

// mldv2Query prints an MLDv2 query's group, flags and sources (RFC 3810);
// ok is false when a needed byte was not captured.
func (p *Printer) mldv2Query(b, d []byte, length int) (_ []byte, ok bool) {
	if len(d) < 28 {
		return b, false
	}
	if p.opts.Verbose > 0 {
		b = append(b, " [max resp delay="...)
		b = appendUint(b, uint64(mldCode(uint32(be16(d[4:])), 32768, 12)))
		b = append(b, ']')
	}
	b = append(b, " [gaddr "...)
	b = p.appendAddr(b, d[8:24])
	if p.opts.Verbose > 0 {
		if d[24]&0x08 != 0 {
			b = append(b, " sflag"...)
		}
		if r := d[24] & 0x07; r != 0 {
			b = append(b, " robustness="...)
			b = appendUint(b, uint64(r))
		}
		b = append(b, " qqi="...)
		b = appendUint(b, uint64(mldCode(uint32(d[25]), 128, 4)))
	}
	if n := int(be16(d[26:])); n > 0 {
		switch {
		case length < 28+16*n:
			b = append(b, " [invalid number of sources]"...)
		case p.opts.Verbose > 1:
			if b, ok = p.appendIP6Set(b, d[28:], n); !ok {
				return b, false
			}
		default:
			b = append(b, ", "...)
			b = appendUint(b, uint64(n))
			b = append(b, " source(s)"...)
		}
	}
	return append(b, ']'), true
}

// appendIP6Set prints the n IPv6 addresses at the start of d as MLDv2's
// source lists are printed ("{ a b }"); false when they are not all
// captured.
func (p *Printer) appendIP6Set(b, d []byte, n int) ([]byte, bool) {
	b = append(b, " {"...)
	for i := range n {
		if 16*i+16 > len(d) {
			return b, false
		}
		b = append(b, ' ')
		b = p.appendAddr(b, d[16*i:16*i+16])
	}
	return append(b, " }"...), true
}

var mldv2RecordTypes = [...]string{1: "is_in", 2: "is_ex", 3: "to_in", 4: "to_ex", 5: "allow", 6: "block"}

// mldv2Report prints an MLDv2 report: the number of group records, and
// with -v each record (with -vv its sources).
func (p *Printer) mldv2Report(b, d []byte, length int) (_ []byte, ok bool) {
	if length < 8 {
		b = append(b, " [invalid len "...)
		b = appendUint(b, uint64(length))
		return append(b, ']'), true
	}
	if len(d) < 8 {
		return b, false
	}
	n := int(be16(d[6:]))
	b = append(b, ", "...)
	b = appendUint(b, uint64(n))
	b = append(b, " group record(s)"...)
	if p.opts.Verbose == 0 {
		return b, true
	}
	g := 8
	for range n {
		if length < g+20 {
			return append(b, " [invalid number of groups]"...), true
		}
		if len(d) < g+20 {
			return b, false
		}
		b = append(b, " [gaddr "...)
		b = p.appendAddr(b, d[g+4:g+20])
		b = append(b, ' ')
		if t := int(d[g]); t < len(mldv2RecordTypes) && mldv2RecordTypes[t] != "" {
			b = append(b, mldv2RecordTypes[t]...)
		} else {
			b = append(b, " [v2-report-#"...)
			b = appendUint(b, uint64(t))
			b = append(b, ']')
		}
		ns := int(be16(d[g+2:]))
		if length < g+20+16*ns {
			b = append(b, " [invalid number of sources "...)
			b = appendUint(b, uint64(ns))
			return append(b, ']'), true
		}
		if p.opts.Verbose == 1 {
			b = append(b, ", "...)
			b = appendUint(b, uint64(ns))
			b = append(b, " source(s)"...)
		} else if b, ok = p.appendIP6Set(b, d[g+20:], ns); !ok {
			return b, false
		}
		g += 20 + 16*ns
		b = append(b, ']')
	}
	return b, true
}

var icmp6OptNames = map[byte]string{1: "source link-address", 2: "destination link-address",
	3: "prefix info", 4: "redirected header", 5: "mtu", 6: "nonce", 7: "advertisement interval",
	8: "homeagent information", 24: "route info", 25: "rdnss", 31: "dnssl"}

// icmp6Opts prints neighbour-discovery options (-v).
func (p *Printer) icmp6Opts(b, d []byte, off, length int) ([]byte, bool) {
	end := min(length, len(d))
	for off < end {
		if off+2 > len(d) {
			return b, false
		}
		ot, ol := d[off], int(d[off+1])
		if ol == 0 {
			return b, false
		}
		l := ol << 3
		if off+l > len(d) {
			return b, false
		}
		b = append(b, "\n\t  "...)
		if n, ok := icmp6OptNames[ot]; ok {
			b = append(b, n...)
		} else {
			b = append(b, "unknown"...)
		}
		b = append(b, " option ("...)
		b = appendUint(b, uint64(ot))
		b = append(b, "), length "...)
		b = appendUint(b, uint64(l))
		b = append(b, " ("...)
		b = appendUint(b, uint64(ol))
		b = append(b, "): "...)
		o := d[off : off+l]
		switch ot {
		case 1, 2:
			b = appendLinkAddr(b, o[2:])
		case 5:
			if l >= 8 {
				b = append(b, ' ')
				b = appendUint(b, uint64(be32(o[4:])))
			}
		case 3:
			if l >= 32 {
				b = appendIP6(b, o[16:32])
				b = append(b, '/')
				b = appendUint(b, uint64(o[2]))
				b = append(b, ", Flags ["...)
				fl := o[3]
				first := true
				for _, f := range [...]struct {
					bit  byte
					name string
				}{{0x80, "onlink"}, {0x40, "auto"}, {0x20, "router"}} {
					if fl&f.bit != 0 {
						if !first {
							b = append(b, ", "...)
						}
						b = append(b, f.name...)
						first = false
					}
				}
				if first {
					b = append(b, "none"...)
				}
				b = append(b, "], valid time "...)
				b = appendLifetime(b, be32(o[4:]))
				b = append(b, ", pref. time "...)
				b = appendLifetime(b, be32(o[8:]))
			}
		default:
			// tcpdump 4.99.3: with -v the bytes of an unknown
			// option end the option list; with -vv every option's
			// bytes are dumped below.
			if p.opts.Verbose <= 1 {
				return appendHexIndent(b, o[2:], "\n\t  "), true
			}
		}
		if p.opts.Verbose > 1 {
			b = appendHexIndent(b, o[2:], "\n\t    ")
		}
		off += l
	}
	return b, true
}

func appendLifetime(b []byte, v uint32) []byte {
	if v == 0xffffffff {
		return append(b, "infinity"...)
	}
	b = appendUint(b, uint64(v))
	return append(b, 's')
}

// appendLinkAddr prints a link-layer address as colon-separated hex.
func appendLinkAddr(b, a []byte) []byte {
	for i, c := range a {
		if i > 0 {
			b = append(b, ':')
		}
		b = appendHexByte(b, c)
	}
	return b
}

// upperLayer6 finds the transport header inside a quoted IPv6 packet.
func upperLayer6(oip []byte) (uint8, []byte) {
	nh := oip[6]
	off := 40
	for {
		switch nh {
		case 0, 60, 43:
			if off+2 > len(oip) {
				return 0, nil
			}
			nnh := oip[off]
			off += (int(oip[off+1]) + 1) << 3
			nh = nnh
		case 44:
			if off+8 > len(oip) {
				return 0, nil
			}
			if be16(oip[off+2:])&0xfff8 != 0 {
				return 0, nil
			}
			nh = oip[off]
			off += 8
		case 6, 17:
			if off > len(oip) {
				return 0, nil
			}
			return nh, oip[off:]
		default:
			return 0, nil
		}
	}
}
