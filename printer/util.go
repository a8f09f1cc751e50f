package printer

import (
	"strconv"
	"time"
)

const hexDigits = "0123456789abcdef"

func appendUint(b []byte, v uint64) []byte {
	if v < 10 {
		return append(b, byte('0'+v))
	}
	return strconv.AppendUint(b, v, 10)
}

func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

// appendPadUint appends v right-aligned in width with pad.
func appendPadUint(b []byte, v uint64, width int, pad byte) []byte {
	var tmp [20]byte
	s := strconv.AppendUint(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, pad)
	}
	return append(b, s...)
}

// appendHex appends v in lower-case hex without leading zeros (%x).
func appendHex(b []byte, v uint64) []byte {
	return strconv.AppendUint(b, v, 16)
}

// appendHexPad appends v in lower-case hex, zero-padded to width (%0Nx).
func appendHexPad(b []byte, v uint64, width int) []byte {
	var tmp [16]byte
	s := strconv.AppendUint(tmp[:0], v, 16)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func appendHexByte(b []byte, v byte) []byte {
	return append(b, hexDigits[v>>4], hexDigits[v&15])
}

func be16(d []byte) uint16 { return uint16(d[0])<<8 | uint16(d[1]) }
func be32(d []byte) uint32 {
	return uint32(d[0])<<24 | uint32(d[1])<<16 | uint32(d[2])<<8 | uint32(d[3])
}
func le32(d []byte) uint32 {
	return uint32(d[3])<<24 | uint32(d[2])<<16 | uint32(d[1])<<8 | uint32(d[0])
}

func append2d(b []byte, v int) []byte {
	return append(b, byte('0'+v/10%10), byte('0'+v%10))
}

// appendFrac appends the sub-second part, six or nine digits.
func (p *Printer) appendFrac(b []byte, nsec int) []byte {
	if p.opts.Nano {
		return appendPadUint(b, uint64(nsec), 9, '0')
	}
	return appendPadUint(b, uint64(nsec/1000), 6, '0')
}

func (p *Printer) appendTimestamp(b []byte, ts time.Time) []byte {
	switch p.opts.Timestamp {
	case TimeNone:
		return b
	case TimeEpoch:
		b = appendInt(b, ts.Unix())
		b = append(b, '.')
		b = p.appendFrac(b, ts.Nanosecond())
		return append(b, ' ')
	case TimeDeltaPrev, TimeDeltaFirst:
		if !p.haveFirst {
			p.haveFirst = true
			p.first, p.prev = ts, ts
		}
		ref := p.prev
		if p.opts.Timestamp == TimeDeltaFirst {
			ref = p.first
		}
		p.prev = ts
		d := ts.Sub(ref)
		if d < 0 {
			b = append(b, '-') // in place of the space, as tcpdump
			d = -d
		} else {
			b = append(b, ' ')
		}
		sec := int64(d / time.Second)
		ns := int(d % time.Second)
		// tcpdump formats the delta as a time of day (gmtime): whole
		// days are dropped.
		b = append2d(b, int(sec/3600%24))
		b = append(b, ':')
		b = append2d(b, int(sec/60%60))
		b = append(b, ':')
		b = append2d(b, int(sec%60))
		b = append(b, '.')
		b = p.appendFrac(b, ns)
		return append(b, ' ')
	}
	// The clock part changes once a second: cache it.
	if sec := ts.Unix(); sec == p.tsSec && p.tsLen > 0 {
		b = append(b, p.tsBuf[:p.tsLen]...)
		b = p.appendFrac(b, ts.Nanosecond())
		return append(b, ' ')
	}
	start := len(b)
	t := ts.In(p.opts.Location)
	if p.opts.Timestamp == TimeDate {
		y, mo, d := t.Date()
		b = appendPadUint(b, uint64(y), 4, '0')
		b = append(b, '-')
		b = append2d(b, int(mo))
		b = append(b, '-')
		b = append2d(b, d)
		b = append(b, ' ')
	}
	h, m, s := t.Clock()
	b = append2d(b, h)
	b = append(b, ':')
	b = append2d(b, m)
	b = append(b, ':')
	b = append2d(b, s)
	b = append(b, '.')
	p.tsSec = ts.Unix()
	p.tsLen = copy(p.tsBuf[:], b[start:])
	b = p.appendFrac(b, t.Nanosecond())
	return append(b, ' ')
}

func isGraph(c byte) bool { return c > 0x20 && c < 0x7f }

// appendHexDump appends tcpdump's hex_print: "\n\t0x0000: " and 16 bytes
// per line in groups of two.
func appendHexDump(b, d []byte) []byte { return appendHexIndent(b, d, "\n\t") }

// appendHexIndent is hex_print with another line prefix (tcpdump's
// print_unknown_data).
func appendHexIndent(b, d []byte, indent string) []byte {
	for off := 0; off < len(d); off += 16 {
		b = append(b, indent...)
		b = append(b, "0x"...)
		b = appendHexPad(b, uint64(off), 4)
		b = append(b, ": "...)
		end := off + 16
		if end > len(d) {
			end = len(d)
		}
		for i := off; i < end; i += 2 {
			b = append(b, ' ')
			b = appendHexByte(b, d[i])
			if i+1 < end {
				b = appendHexByte(b, d[i+1])
			}
		}
	}
	return b
}

// appendHexASCII appends tcpdump's hex_and_ascii_print.
func appendHexASCII(b, d []byte, indent string) []byte {
	for off := 0; off < len(d); off += 16 {
		b = append(b, indent...)
		b = append(b, "0x"...)
		b = appendHexPad(b, uint64(off), 4)
		b = append(b, ": "...)
		end := off + 16
		if end > len(d) {
			end = len(d)
		}
		n := 0
		for i := off; i < end; i += 2 {
			b = append(b, ' ')
			b = appendHexByte(b, d[i])
			n += 3
			if i+1 < end {
				b = appendHexByte(b, d[i+1])
				n += 2
			}
		}
		for ; n < 40; n++ {
			b = append(b, ' ')
		}
		b = append(b, ' ', ' ')
		for i := off; i < end; i++ {
			c := d[i]
			if !isGraph(c) {
				c = '.'
			}
			b = append(b, c)
		}
	}
	return b
}

// appendASCII appends tcpdump's ascii_print (-A).
func appendASCII(b, d []byte) []byte {
	b = append(b, '\n')
	for i, c := range d {
		switch {
		case c == '\r':
			// tcpdump prints a CR as '.' only with more than one
			// byte after it and no LF next.
			if len(d)-i-1 > 1 && d[i+1] != '\n' {
				b = append(b, '.')
			}
		case isGraph(c) || c == '\t' || c == ' ' || c == '\n':
			b = append(b, c)
		default:
			b = append(b, '.')
		}
	}
	return b
}

func (p *Printer) appendDump(b, data []byte) []byte {
	switch p.opts.Hex {
	case HexPayload:
		if len(data) > p.linkLen {
			b = appendHexDump(b, data[p.linkLen:])
		}
	case HexAll:
		b = appendHexDump(b, data)
	case HexASCIIPayload:
		if len(data) > p.linkLen {
			b = appendHexASCII(b, data[p.linkLen:], "\n\t")
		}
	case HexASCIIAll:
		b = appendHexASCII(b, data, "\n\t")
	default:
		switch {
		case p.opts.ASCII && p.opts.ASCIIAll:
			if len(data) > 0 {
				b = appendASCII(b, data)
			}
		case p.opts.ASCII && len(data) > p.linkLen:
			b = appendASCII(b, data[p.linkLen:])
		}
	}
	return b
}

// suppressDefault reports whether the generic hex dump of unknown
// payloads is suppressed (tcpdump does so when -x/-X/-A print anyway).
func (p *Printer) suppressDefault() bool { return p.opts.Hex != HexNone || p.opts.Quiet }

// appendIP4 appends a dotted-quad address.
func appendIP4(b, a []byte) []byte {
	b = appendUint(b, uint64(a[0]))
	b = append(b, '.')
	b = appendUint(b, uint64(a[1]))
	b = append(b, '.')
	b = appendUint(b, uint64(a[2]))
	b = append(b, '.')
	return appendUint(b, uint64(a[3]))
}

// appendMAC appends a colon-separated Ethernet address.
func appendMAC(b, a []byte) []byte {
	for i := 0; i < 6; i++ {
		if i > 0 {
			b = append(b, ':')
		}
		b = appendHexByte(b, a[i])
	}
	return b
}

// appendIP6 appends an IPv6 address in RFC 5952 form (as inet_ntop).
func appendIP6(b, a []byte) []byte {
	// Find the longest run of zero 16-bit groups (length >= 2).
	bestStart, bestLen := -1, 0
	for i := 0; i < 8; {
		if a[2*i] == 0 && a[2*i+1] == 0 {
			j := i
			for j < 8 && a[2*j] == 0 && a[2*j+1] == 0 {
				j++
			}
			if j-i > bestLen && j-i >= 2 {
				bestStart, bestLen = i, j-i
			}
			i = j
		} else {
			i++
		}
	}
	// IPv4-mapped / compatible forms as glibc inet_ntop prints them.
	if bestStart == 0 && (bestLen == 6 || (bestLen == 5 && a[10] == 0xff && a[11] == 0xff)) {
		b = append(b, "::"...)
		if bestLen == 5 {
			b = append(b, "ffff:"...)
		}
		return appendIP4(b, a[12:16])
	}
	for i := 0; i < 8; i++ {
		if i == bestStart {
			b = append(b, ':', ':')
			i += bestLen - 1
			continue
		}
		if i > 0 && i != bestStart+bestLen {
			b = append(b, ':')
		}
		b = appendHex(b, uint64(be16(a[2*i:])))
	}
	return b
}

// inCksum returns the Internet checksum fold of data added to sum.
func cksumAdd(sum uint32, d []byte) uint32 {
	n := len(d)
	i := 0
	for ; i+1 < n; i += 2 {
		sum += uint32(d[i])<<8 | uint32(d[i+1])
	}
	if i < n {
		sum += uint32(d[i]) << 8
	}
	return sum
}

func cksumFold(sum uint32) uint16 {
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
