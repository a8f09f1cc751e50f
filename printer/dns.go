package printer

import "bytes"

var dnsTypes = map[uint16]string{1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB",
	8: "MG", 9: "MR", 10: "NULL", 11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX",
	16: "TXT", 17: "RP", 18: "AFSDB", 19: "X25", 20: "ISDN", 21: "RT", 22: "NSAP", 23: "NSAP_PTR",
	24: "SIG", 25: "KEY", 26: "PX", 27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT", 31: "EID",
	32: "NIMLOC", 33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6",
	39: "DNAME", 40: "SINK", 41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY",
	46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 49: "DHCID", 50: "NSEC3", 51: "NSEC3PARAM",
	55: "HIP", 99: "SPF", 100: "UINFO", 101: "UID", 102: "GID", 103: "UNSPEC", 104: "UNSPECA",
	249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR", 253: "MAILB", 254: "MAILA", 255: "ANY",
	256: "URI", 32768: "TA", 32769: "DLV"}

var dnsClasses = map[uint16]string{1: "IN", 3: "CHAOS", 4: "HS", 255: "ANY"}

var dnsOps = []string{"", " inv_q", " stat", " op3", " notify", " update", " op6", " op7", " op8",
	" updateA", " updateD", " updateDA", " updateM", " updateMA", " zoneInit", " zoneRef"}

var dnsRcodes = []string{"", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused",
	" YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone", " Resp11", " Resp12",
	" Resp13", " Resp14", " NoChange", " BadVers"}

func appendDNSType(b []byte, t uint16) []byte {
	if n, ok := dnsTypes[t]; ok {
		return append(b, n...)
	}
	b = append(b, "Type"...)
	return appendUint(b, uint64(t))
}

func appendDNSClass(b []byte, c uint16) []byte {
	if n, ok := dnsClasses[c]; ok {
		return append(b, n...)
	}
	b = append(b, "(Class "...)
	b = appendUint(b, uint64(c))
	return append(b, ')')
}

// nskip returns the offset after the (possibly compressed) name at off,
// or -1 when it runs past the data.
func nskip(m []byte, off int) int {
	if off >= len(m) {
		return -1
	}
	i := m[off]
	off++
	for i != 0 {
		if i&0xc0 == 0xc0 {
			return off + 1
		}
		if i&0xc0 == 0x80 { // reserved label type
			return -1
		}
		if i&0xc0 == 0x40 {
			if i&0x3f != 1 { // only bit labels
				return -1
			}
			if off >= len(m) {
				return -1
			}
			bits := int(m[off])
			if bits == 0 {
				bits = 256
			}
			off += (bits+7)/8 + 1
		} else {
			off += int(i)
		}
		if off >= len(m) {
			return -1
		}
		i = m[off]
		off++
	}
	return off
}

// appendNameChars prints label bytes as tcpdump's nd_printn (M- and ^).
func appendNameChars(b, s []byte) []byte {
	for _, c := range s {
		if c >= 0x80 {
			b = append(b, 'M', '-')
			c &= 0x7f
		}
		if c < 0x20 || c == 0x7f {
			b = append(b, '^')
			c ^= 0x40
		}
		b = append(b, c)
	}
	return b
}

// appendZTN appends the NUL-terminated string at the start of d as
// tcpdump's nd_printztn does (unprintable bytes escaped) and returns the
// bytes it took, NUL included, or 0 when d holds no NUL: the string is
// cut short, and what there is of it has been appended.
func appendZTN(b, d []byte) ([]byte, int) {
	if i := bytes.IndexByte(d, 0); i >= 0 {
		return appendNameChars(b, d[:i]), i + 1
	}
	return appendNameChars(b, d), 0
}

// fqdn prints the name at off; it returns the offset after the name as it
// sits at off, or -1 on truncation or a bad pointer.
func fqdn(b, m []byte, off int) ([]byte, int) {
	if off >= len(m) {
		return b, -1
	}
	maxOff := off
	i := int(m[off])
	off++
	compress := false
	rp := -1
	if i&0xc0 == 0xc0 {
		compress = true
		rp = off + 1
	} else {
		rp = off + i
		if i&0xc0 == 0x40 {
			rp = -2 // computed below
		}
	}
	if i == 0 {
		return append(b, '.'), off
	}
	if rp == -2 {
		rp = off
	}
	for i != 0 && off < len(m) {
		if i&0xc0 == 0xc0 {
			if !compress {
				rp = off + 1
				compress = true
			}
			if off >= len(m) {
				return b, -1
			}
			o := (i<<8 | int(m[off])) & 0x3fff
			if o >= maxOff {
				b = append(b, "<BAD PTR>"...)
				return b, -1
			}
			maxOff = o
			off = o
			if off >= len(m) {
				return b, -1
			}
			i = int(m[off])
			off++
			continue
		}
		if i&0xc0 == 0x40 {
			elt := i & 0x3f
			b = append(b, "<ELT "...)
			b = appendUint(b, uint64(elt))
			b = append(b, '>')
			return b, -1
		}
		if i&0xc0 == 0x80 {
			b = append(b, "<ELT "...)
			b = appendUint(b, uint64(i&0x3f))
			b = append(b, '>')
			return b, -1
		}
		if off+i > len(m) {
			b = appendNameChars(b, m[off:])
			return b, -1
		}
		b = appendNameChars(b, m[off:off+i])
		off += i
		b = append(b, '.')
		if off >= len(m) {
			return b, -1
		}
		i = int(m[off])
		off++
		if !compress {
			rp += i + 1
		}
	}
	return b, rp
}

// dns prints a DNS message in tcpdump's summary form (domain_print).
func (p *Printer) dns(b, m []byte, length int, overTCP bool) []byte {
	return p.domain(b, m, length, false)
}

func (p *Printer) mdns(b, m []byte, length int) []byte {
	return p.domain(b, m, length, true)
}

func (p *Printer) domain(b, m []byte, length int, isMDNS bool) []byte {
	if length < 12 {
		b = append(b, "domain [length "...)
		b = appendUint(b, uint64(length))
		return append(b, " < 12] (invalid)"...)
	}
	if len(m) > length {
		m = m[:length]
	}
	if len(m) < 12 {
		return appendTrunc(b, "domain")
	}
	id := be16(m)
	flags := be16(m[2:])
	qd, an, ns, ar := int(be16(m[4:])), int(be16(m[6:])), int(be16(m[8:])), int(be16(m[10:]))
	rcode := int(flags & 0xf)
	// find the OPT record for the extended rcode
	cp := 12
	func() {
		for i := 0; i < qd; i++ {
			if cp = nskip(m, cp); cp < 0 {
				return
			}
			cp += 4
			if cp >= len(m) {
				return
			}
		}
		for i := 0; i < an+ns; i++ {
			if cp = nskip(m, cp); cp < 0 {
				return
			}
			cp += 8
			if cp+2 > len(m) {
				return
			}
			cp += int(be16(m[cp:])) + 2
		}
		for i := 0; i < ar; i++ {
			if cp = nskip(m, cp); cp < 0 {
				return
			}
			if cp+2 > len(m) {
				return
			}
			t := be16(m[cp:])
			cp += 4
			if cp+1 > len(m) {
				return
			}
			if t == 41 {
				rcode |= int(m[cp]) << 4
				return
			}
			cp += 4
			if cp+2 > len(m) {
				return
			}
			cp += int(be16(m[cp:])) + 2
		}
	}()
	opcode := int(flags>>11) & 0xf
	b = appendUint(b, uint64(id))
	if flags&0x8000 != 0 {
		b = append(b, dnsOps[opcode]...)
		if rcode < len(dnsRcodes) {
			b = append(b, dnsRcodes[rcode]...)
		} else {
			b = append(b, " Resp"...)
			b = appendUint(b, uint64(rcode))
		}
		if flags&0x0400 != 0 {
			b = append(b, '*')
		}
		if flags&0x0080 == 0 {
			b = append(b, '-')
		}
		if flags&0x0200 != 0 {
			b = append(b, '|')
		}
		if flags&0x0020 != 0 {
			b = append(b, '$')
		}
		if qd != 1 {
			b = append(b, " ["...)
			b = appendUint(b, uint64(qd))
			b = append(b, "q]"...)
		}
		cp = 12
		for i := 0; i < qd; i++ {
			if i != 0 { // even when the question itself is not printed
				b = append(b, ',')
			}
			if p.opts.Verbose > 1 {
				b = append(b, " q:"...)
				if b, cp = p.dnsQ(b, m, cp, isMDNS); cp < 0 {
					return appendTrunc(b, "domain")
				}
			} else {
				if cp = nskip(m, cp); cp < 0 {
					return appendTrunc(b, "domain")
				}
				cp += 4
			}
		}
		b = append(b, ' ')
		b = appendUint(b, uint64(an))
		b = append(b, '/')
		b = appendUint(b, uint64(ns))
		b = append(b, '/')
		b = appendUint(b, uint64(ar))
		var ok bool
		if b, cp, ok = p.dnsSection(b, m, cp, an, "", isMDNS); !ok {
			return appendTrunc(b, "domain")
		}
		if p.opts.Verbose > 1 {
			if b, cp, ok = p.dnsSection(b, m, cp, ns, " ns:", isMDNS); !ok {
				return appendTrunc(b, "domain")
			}
			if b, cp, ok = p.dnsSection(b, m, cp, ar, " ar:", isMDNS); !ok {
				return appendTrunc(b, "domain")
			}
		}
	} else {
		b = append(b, dnsOps[opcode]...)
		if flags&0x0100 != 0 {
			b = append(b, '+')
		}
		if flags&0x0010 != 0 {
			b = append(b, '%')
		}
		if flags&0x6cf != 0 {
			b = append(b, " [b2&3=0x"...)
			b = appendHex(b, uint64(flags))
			b = append(b, ']')
		}
		if opcode == 1 {
			if qd != 0 {
				b = append(b, " ["...)
				b = appendUint(b, uint64(qd))
				b = append(b, "q]"...)
			}
			if an != 1 {
				b = append(b, " ["...)
				b = appendUint(b, uint64(an))
				b = append(b, "a]"...)
			}
		} else {
			if an != 0 {
				b = append(b, " ["...)
				b = appendUint(b, uint64(an))
				b = append(b, "a]"...)
			}
			if qd != 1 {
				b = append(b, " ["...)
				b = appendUint(b, uint64(qd))
				b = append(b, "q]"...)
			}
		}
		if ns != 0 {
			b = append(b, " ["...)
			b = appendUint(b, uint64(ns))
			b = append(b, "n]"...)
		}
		if ar != 0 {
			b = append(b, " ["...)
			b = appendUint(b, uint64(ar))
			b = append(b, "au]"...)
		}
		cp = 12
		if qd > 0 {
			if b, cp = p.dnsQ(b, m, cp, isMDNS); cp < 0 {
				return appendTrunc(b, "domain")
			}
			qd--
			for cp < len(m) && qd > 0 {
				if b, cp = p.dnsQ(b, m, cp, isMDNS); cp < 0 {
					return appendTrunc(b, "domain")
				}
				qd--
			}
		}
		if qd > 0 {
			return appendTrunc(b, "domain")
		}
		if p.opts.Verbose > 1 {
			var ok bool
			if an > 0 {
				if b, cp, ok = p.dnsSectionAlways(b, m, cp, an, " an:", isMDNS); !ok {
					return appendTrunc(b, "domain")
				}
			}
			if ns > 0 {
				if b, cp, ok = p.dnsSectionAlways(b, m, cp, ns, " ns:", isMDNS); !ok {
					return appendTrunc(b, "domain")
				}
			}
			if ar > 0 {
				if b, _, ok = p.dnsSectionAlways(b, m, cp, ar, " ar:", isMDNS); !ok {
					return appendTrunc(b, "domain")
				}
			}
		}
	}
	b = append(b, " ("...)
	b = appendUint(b, uint64(length))
	return append(b, ')')
}

// dnsSection prints n records of a response section; the first needs no
// bounds check for the answer section (as tcpdump).
func (p *Printer) dnsSection(b, m []byte, cp, n int, label string, isMDNS bool) ([]byte, int, bool) {
	if n == 0 {
		return b, cp, true
	}
	if label != "" {
		if cp >= len(m) {
			return b, cp, false
		}
		b = append(b, label...)
	}
	if b, cp = p.dnsRR(b, m, cp, isMDNS); cp < 0 {
		return b, cp, false
	}
	n--
	for cp < len(m) && n > 0 {
		b = append(b, ',')
		if b, cp = p.dnsRR(b, m, cp, isMDNS); cp < 0 {
			return b, cp, false
		}
		n--
	}
	return b, cp, n == 0
}

func (p *Printer) dnsSectionAlways(b, m []byte, cp, n int, label string, isMDNS bool) ([]byte, int, bool) {
	b = append(b, label...)
	if b, cp = p.dnsRR(b, m, cp, isMDNS); cp < 0 {
		return b, cp, false
	}
	n--
	for cp < len(m) && n > 0 {
		b = append(b, ',')
		if b, cp = p.dnsRR(b, m, cp, isMDNS); cp < 0 {
			return b, cp, false
		}
		n--
	}
	return b, cp, n == 0
}

// dnsQ prints a question (ns_qprint).
func (p *Printer) dnsQ(b, m []byte, cp int, isMDNS bool) ([]byte, int) {
	np := cp
	cp = nskip(m, cp)
	if cp < 0 || cp+4 > len(m) {
		return b, -1
	}
	t := be16(m[cp:])
	c := be16(m[cp+2:])
	b = append(b, ' ')
	b = appendDNSType(b, t)
	class := c
	if isMDNS {
		class &^= 0x8000
	}
	if class != 1 {
		b = append(b, ' ')
		b = appendDNSClass(b, class)
	}
	if isMDNS {
		if c&0x8000 != 0 {
			b = append(b, " (QU)"...)
		} else {
			b = append(b, " (QM)"...)
		}
	}
	b = append(b, "? "...)
	var end int
	b, end = fqdn(b, m, np)
	if end < 0 {
		return b, -1
	}
	return b, end + 4
}

// dnsRR prints a resource record (ns_rprint).
func (p *Printer) dnsRR(b, m []byte, cp int, isMDNS bool) ([]byte, int) {
	if p.opts.Verbose > 0 {
		b = append(b, ' ')
		if b, cp = fqdn(b, m, cp); cp < 0 {
			return b, -1
		}
	} else {
		cp = nskip(m, cp)
	}
	if cp < 0 || cp+10 > len(m) {
		return b, len(m)
	}
	typ := be16(m[cp:])
	c := be16(m[cp+2:])
	cp += 4
	class := c
	if isMDNS {
		class &^= 0x8000
	}
	if class != 1 && typ != 41 {
		b = append(b, ' ')
		b = appendDNSClass(b, class)
	}
	if isMDNS && c&0x8000 != 0 {
		b = append(b, " (Cache flush)"...)
	}
	var optFlags uint16
	if typ == 41 {
		optFlags = be16(m[cp+2:])
		cp += 4
	} else if p.opts.Verbose > 2 {
		b = append(b, " ["...)
		b = appendRelTS(b, be32(m[cp:]))
		b = append(b, ']')
		cp += 4
	} else {
		cp += 4
	}
	rlen := int(be16(m[cp:]))
	cp += 2
	rp := cp + rlen
	b = append(b, ' ')
	b = appendDNSType(b, typ)
	if rp > len(m) {
		return b, -1
	}
	var e int
	switch typ {
	case 1:
		if cp+4 > len(m) {
			return b, -1
		}
		b = append(b, ' ')
		b = appendIP4(b, m[cp:])
	case 2, 5, 12, 39:
		b = append(b, ' ')
		if b, e = fqdn(b, m, cp); e < 0 {
			return b, -1
		}
	case 6:
		if p.opts.Verbose == 0 {
			break
		}
		b = append(b, ' ')
		if b, e = fqdn(b, m, cp); e < 0 {
			return b, -1
		}
		b = append(b, ' ')
		if b, e = fqdn(b, m, e); e < 0 {
			return b, -1
		}
		if e+20 > len(m) {
			return b, -1
		}
		for k := 0; k < 5; k++ {
			b = append(b, ' ')
			b = appendUint(b, uint64(be32(m[e+4*k:])))
		}
	case 15:
		b = append(b, ' ')
		if b, e = fqdn(b, m, cp+2); e < 0 {
			return b, -1
		}
		b = append(b, ' ')
		b = appendUint(b, uint64(be16(m[cp:])))
	case 16:
		for cp < rp {
			b = append(b, " \""...)
			l := int(m[cp])
			if cp+1+l > len(m) {
				return b, -1
			}
			b = appendNameChars(b, m[cp+1:cp+1+l])
			cp += 1 + l
			b = append(b, '"')
		}
	case 33:
		b = append(b, ' ')
		if b, e = fqdn(b, m, cp+6); e < 0 {
			return b, -1
		}
		b = append(b, ':')
		b = appendUint(b, uint64(be16(m[cp+4:])))
		b = append(b, ' ')
		b = appendUint(b, uint64(be16(m[cp:])))
		b = append(b, ' ')
		b = appendUint(b, uint64(be16(m[cp+2:])))
	case 28:
		if cp+16 > len(m) {
			return b, -1
		}
		b = append(b, ' ')
		b = appendIP6(b, m[cp:cp+16])
	case 41:
		b = append(b, " UDPsize="...)
		b = appendUint(b, uint64(class))
		if optFlags&0x8000 != 0 {
			b = append(b, " DO"...)
		}
		if cp < rp {
			b = append(b, " ["...)
			for cp < rp {
				if cp+4 > len(m) {
					return b, -1
				}
				code, olen := be16(m[cp:]), int(be16(m[cp+2:]))
				b = appendEDNSOpt(b, code, olen)
				cp += 4 + olen
				if cp < rp {
					b = append(b, ',')
				}
			}
			b = append(b, ']')
		}
	}
	return b, rp
}

var ednsOptNames = map[uint16]string{1: "LLQ", 2: "UL", 3: "NSID", 5: "DAU", 6: "DHU", 7: "N3U",
	8: "ECS", 9: "EXPIRE", 10: "COOKIE", 11: "KEEPALIVE", 12: "PADDING", 13: "CHAIN",
	14: "KEY-TAG", 15: "EDE", 16: "CLIENT-TAG", 17: "SERVER-TAG"}

func appendEDNSOpt(b []byte, code uint16, olen int) []byte {
	if n, ok := ednsOptNames[code]; ok {
		b = append(b, n...)
	} else {
		b = append(b, "Opt"...)
		b = appendUint(b, uint64(code))
	}
	return b
}

// appendRelTS prints a duration in seconds as tcpdump's
// unsigned_relts_print: "1w2d3h4m5s", "0s".
func appendRelTS(b []byte, secs uint32) []byte {
	if secs == 0 {
		return append(b, "0s"...)
	}
	units := [...]struct {
		n uint32
		s byte
	}{{604800, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}}
	for _, u := range units {
		if secs >= u.n {
			b = appendUint(b, uint64(secs/u.n))
			b = append(b, u.s)
			secs %= u.n
		}
	}
	return b
}
