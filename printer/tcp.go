package printer

// tcpKey identifies a TCP connection in canonical order.
type tcpKey struct {
	a, b  [16]byte
	ports uint32
	v6    bool
}

// tcpSeqs holds the initial sequence numbers of a connection, as
// tcpdump's tcp_seq_hash entries: seq for the canonical forward
// direction, ack for the reverse one.
type tcpSeqs struct{ seq, ack uint32 }

// tcpTable is tcpdump's table of initial sequence numbers, bounded: when
// it holds maxTCPConns entries it is emptied (tcpdump never evicts).
type tcpTable struct{ m map[tcpKey]tcpSeqs }

var maxTCPConns = 1 << 20

var tcpOptNames = map[byte]string{0: "eol", 1: "nop", 2: "mss", 3: "wscale", 4: "sackOK", 5: "sack",
	6: "echo", 7: "echoreply", 8: "TS", 11: "cc", 12: "ccnew", 13: "", 19: "md5", 20: "scps",
	28: "uto", 29: "tcp-ao", 30: "mptcp", 34: "tfo", 254: "exp"}

func (p *Printer) appendPort(b []byte, port uint16, udp bool) []byte {
	if p.opts.NoResolve == 0 {
		if n := servName(port, udp); n != "" {
			return append(b, n...)
		}
	}
	return appendUint(b, uint64(port))
}

// transportHead prints "src.sport > dst.dport: " (or just the ports when
// the transport is tunnelled inside another protocol's header).
func (p *Printer) transportHead(b []byte, ip *ipInfo, sport, dport uint16, udp bool, direct bool) []byte {
	if direct {
		b = p.appendAddr(b, ip.src)
		b = append(b, '.')
		b = p.appendPort(b, sport, udp)
		b = append(b, " > "...)
		b = p.appendAddr(b, ip.dst)
		b = append(b, '.')
		b = p.appendPort(b, dport, udp)
		return append(b, ": "...)
	}
	b = p.appendPort(b, sport, udp)
	b = append(b, " > "...)
	b = p.appendPort(b, dport, udp)
	return append(b, ": "...)
}

func pseudoSum(ip *ipInfo, proto uint8, length int) uint32 {
	dst := ip.dst
	if ip.sumDst != nil {
		dst = ip.sumDst
	}
	s := cksumAdd(0, ip.src)
	s = cksumAdd(s, dst)
	s += uint32(proto)
	s += uint32(length)
	return s
}

// tcp prints a TCP segment (tcpdump's tcp_print).
func (p *Printer) tcp(b, d []byte, length int, ip *ipInfo) []byte {
	if len(d) < 4 {
		b = p.appendAddr(b, ip.src)
		b = append(b, " > "...)
		b = p.appendAddr(b, ip.dst)
		b = append(b, ':')
		return p.trunc(b, "tcp")
	}
	sport, dport := be16(d), be16(d[2:])
	b = p.transportHead(b, ip, sport, dport, false, ip.hdrProto == 6)
	if len(d) < 20 {
		return appendTrunc(b, "tcp")
	}
	hlen := int(d[12]>>4) * 4
	if hlen < 20 {
		b = append(b, " tcp "...)
		b = appendInt(b, int64(length-hlen))
		b = append(b, " [bad hdr length "...)
		b = appendUint(b, uint64(hlen))
		b = append(b, " - too short, < 20]"...)
		return b
	}
	seq, ack := be32(d[4:]), be32(d[8:])
	win, urp := be16(d[14:]), be16(d[18:])
	if p.opts.Quiet {
		b = append(b, "tcp "...)
		b = appendInt(b, int64(length-hlen))
		if hlen > length {
			b = append(b, " [bad hdr length "...)
			b = appendUint(b, uint64(hlen))
			b = append(b, " - too long, > "...)
			b = appendUint(b, uint64(length))
			b = append(b, ']')
		}
		return b
	}
	flags := d[13]
	b = append(b, "Flags ["...)
	if flags == 0 {
		b = append(b, "none"...)
	} else {
		const fl = "FSRP.UEW"
		for i := 0; i < 8; i++ {
			if flags&(1<<i) != 0 {
				b = append(b, fl[i])
			}
		}
	}
	b = append(b, ']')
	var thseq, thack uint32
	rev := false
	if !p.opts.AbsoluteSeq && flags&0x10 != 0 {
		var k tcpKey
		k.v6 = ip.v6
		c := compareBytes(ip.src, ip.dst)
		if ip.v6 {
			rev = c > 0
		} else {
			rev = sport > dport || (sport == dport && c > 0)
		}
		if rev {
			copy(k.a[:], ip.dst)
			copy(k.b[:], ip.src)
			k.ports = uint32(dport)<<16 | uint32(sport)
		} else {
			copy(k.a[:], ip.src)
			copy(k.b[:], ip.dst)
			k.ports = uint32(sport)<<16 | uint32(dport)
		}
		if p.seqs.m == nil {
			p.seqs.m = make(map[tcpKey]tcpSeqs)
		}
		th, found := p.seqs.m[k]
		if !found || flags&0x02 != 0 {
			if rev {
				th.ack, th.seq = seq, ack-1
			} else {
				th.seq, th.ack = seq, ack-1
			}
			if !found && len(p.seqs.m) >= maxTCPConns {
				clear(p.seqs.m)
			}
			p.seqs.m[k] = th
		} else if rev {
			seq -= th.ack
			ack -= th.seq
		} else {
			seq -= th.seq
			ack -= th.ack
		}
		thseq, thack = th.seq, th.ack
	}
	if hlen > length {
		b = append(b, " [bad hdr length "...)
		b = appendUint(b, uint64(hlen))
		b = append(b, " - too long, > "...)
		b = appendUint(b, uint64(length))
		return append(b, ']')
	}
	if p.opts.Verbose > 0 && !p.opts.NoChecksumCheck && !ip.frag && len(d) >= length {
		sum := cksumFold(cksumAdd(pseudoSum(ip, 6, length), d[:length]))
		tsum := be16(d[16:])
		b = append(b, ", cksum 0x"...)
		b = appendHexPad(b, uint64(tsum), 4)
		if sum != 0 {
			b = append(b, " (incorrect -> 0x"...)
			b = appendHexPad(b, uint64(cksumShouldBe(tsum, sum)), 4)
			b = append(b, ')')
		} else {
			b = append(b, " (correct)"...)
		}
	}
	dlen := length - hlen
	if p.opts.Verbose > 1 || dlen > 0 || flags&0x07 != 0 {
		b = append(b, ", seq "...)
		b = appendUint(b, uint64(seq))
		if dlen > 0 {
			b = append(b, ':')
			b = appendUint(b, uint64(seq+uint32(dlen)))
		}
	}
	if flags&0x10 != 0 {
		b = append(b, ", ack "...)
		b = appendUint(b, uint64(ack))
	}
	b = append(b, ", win "...)
	b = appendUint(b, uint64(win))
	if flags&0x20 != 0 {
		b = append(b, ", urg "...)
		b = appendUint(b, uint64(urp))
	}
	if hlen > 20 {
		var ok bool
		b, ok = p.appendTCPOptions(b, d, hlen, rev, thseq, thack)
		if !ok {
			return b
		}
	}
	b = append(b, ", length "...)
	b = appendUint(b, uint64(dlen))
	if dlen <= 0 {
		return b
	}
	if hlen > len(d) {
		return p.trunc(b, "tcp")
	}
	pl := d[hlen:]
	if flags&0x04 != 0 && p.opts.Verbose > 0 {
		return p.tcpRSTData(b, pl, dlen)
	}
	switch p.opts.PacketType {
	case PacketDefault:
	case PacketDomain:
		return p.dnsOverTCP(b, pl, dlen)
	default: // -T types of UDP protocols leave TCP payloads alone
		return b
	}
	switch {
	case sport == 25 || dport == 25:
		b = append(b, ": "...)
		return p.txtproto(b, pl, dlen, "SMTP", "smtp", nil, false)
	case sport == 80 || dport == 80 || sport == 8080 || dport == 8080:
		b = append(b, ": "...)
		return p.txtproto(b, pl, dlen, "HTTP", "http", httpCmds, true)
	case sport == 53 || dport == 53:
		return p.dnsOverTCP(b, pl, dlen)
	}
	return b
}

// dnsOverTCP prints a DNS message after its two-byte length prefix.
func (p *Printer) dnsOverTCP(b, pl []byte, dlen int) []byte {
	if dlen < 2 {
		b = append(b, " [DNS over TCP: length "...)
		b = appendUint(b, uint64(dlen))
		return append(b, " < 2] (invalid)"...)
	}
	if len(pl) < 2 {
		return p.trunc(b, "domain")
	}
	if n := int(be16(pl)); n != dlen-2 {
		b = append(b, " [prefix length("...)
		b = appendUint(b, uint64(n))
		b = append(b, ") != length("...)
		b = appendUint(b, uint64(dlen-2))
		return append(b, ")] (invalid)"...)
	}
	b = append(b, ' ')
	return p.dns(b, pl[2:], dlen-2, true)
}

// tcpRSTData prints the text a RST carries as tcpdump 4.99.3 does: "!"
// when not all of it was captured, "+" when it is longer than 60 bytes
// (only 60 are shown), and each byte as fn_print_char would.
func (p *Printer) tcpRSTData(b, d []byte, length int) []byte {
	if length > len(d) {
		b = append(b, " [!RST"...)
	} else {
		b = append(b, " [RST"...)
	}
	if length > 60 {
		length = 60
		b = append(b, '+')
	}
	b = append(b, ' ')
	b = appendNameChars(b, d[:min(len(d), length)])
	return append(b, ']')
}

func compareBytes(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// appendTCPOptions prints ", options [...]"; ok is false when the
// options were malformed and printing of the segment stops.
func (p *Printer) appendTCPOptions(b, d []byte, hlen int, rev bool, thseq, thack uint32) ([]byte, bool) {
	b = append(b, ", options ["...)
	rem := hlen - 20
	cp := 20
	sep := false
	gt := false
	bad := func(b []byte) ([]byte, bool) {
		b = append(b, "[bad opt]"...)
		if sep {
			b = append(b, ']')
		}
		return b, false
	}
	for rem > 0 {
		if sep {
			b = append(b, ',')
		}
		if cp >= len(d) {
			return p.trunc(b, "tcp"), false
		}
		opt := d[cp]
		cp++
		l := 1
		if opt > 1 {
			if cp >= len(d) {
				return p.trunc(b, "tcp"), false
			}
			l = int(d[cp])
			cp++
			if l < 2 || l > rem {
				return bad(b)
			}
			rem--
		}
		rem--
		if n, ok := tcpOptNames[opt]; ok {
			b = append(b, n...)
		} else {
			b = append(b, "unknown-"...)
			b = appendUint(b, uint64(opt))
		}
		if opt == 5 || opt == 8 {
			gt = true
		}
		datalen := 0
		need := func(n int) int { // 0 ok, 1 bad, 2 truncated
			if n > rem {
				return 1
			}
			if cp+n > len(d) {
				return 2
			}
			return 0
		}
		fail := func(b []byte, r int) ([]byte, bool) {
			if r == 1 {
				return bad(b)
			}
			// tcpdump 4.99.3 leaves a '>' after this mark once it
			// has met a timestamp or SACK option.
			b = p.truncJmp(b, "tcp")
			if gt {
				b = append(b, '>')
			}
			return b, false
		}
		switch opt {
		case 2:
			datalen = 2
			if r := need(2); r != 0 {
				return fail(b, r)
			}
			b = append(b, ' ')
			b = appendUint(b, uint64(be16(d[cp:])))
		case 3:
			datalen = 1
			if r := need(1); r != 0 {
				return fail(b, r)
			}
			b = append(b, ' ')
			b = appendUint(b, uint64(d[cp]))
		case 5:
			datalen = l - 2
			if datalen%8 != 0 {
				b = append(b, " invalid sack"...)
			} else {
				b = append(b, ' ')
				b = appendUint(b, uint64(datalen/8))
				b = append(b, ' ')
				for i := 0; i < datalen; i += 8 {
					if r := need(i + 8); r != 0 {
						return fail(b, r)
					}
					s, e := be32(d[cp+i:]), be32(d[cp+i+4:])
					if rev {
						s -= thseq
						e -= thseq
					} else {
						s -= thack
						e -= thack
					}
					b = append(b, '{')
					b = appendUint(b, uint64(s))
					b = append(b, ':')
					b = appendUint(b, uint64(e))
					b = append(b, '}')
				}
			}
		case 11, 12, 13:
			datalen = 4
			if r := need(4); r != 0 {
				return fail(b, r)
			}
			b = append(b, ' ')
			b = appendUint(b, uint64(be32(d[cp:])))
		case 8:
			datalen = 8
			if r := need(8); r != 0 {
				return fail(b, r)
			}
			b = append(b, " val "...)
			b = appendUint(b, uint64(be32(d[cp:])))
			b = append(b, " ecr "...)
			b = appendUint(b, uint64(be32(d[cp+4:])))
		case 28:
			datalen = 2
			if r := need(2); r != 0 {
				return fail(b, r)
			}
			v := be16(d[cp:])
			b = append(b, " 0x"...)
			b = appendHex(b, uint64(v))
			if v&1 != 0 {
				v = (v >> 1) * 60
			} else {
				v >>= 1
			}
			b = append(b, ' ')
			b = appendUint(b, uint64(v))
		case 34: // TCP Fast Open
			datalen = l - 2
			if r := need(datalen); r != 0 {
				return fail(b, r)
			}
			b = append(b, ' ')
			b = appendTFO(b, d[cp:cp+datalen], false)
		case 254: // experimental (RFC 6994): a 16-bit magic, 0xf989 is Fast Open
			datalen = l - 2
			if r := need(datalen); r != 0 {
				return fail(b, r)
			}
			if datalen < 2 {
				return bad(b)
			}
			b = append(b, '-')
			if magic := be16(d[cp:]); magic == 0xf989 {
				b = appendTFO(b, d[cp+2:cp+datalen], true)
			} else {
				b = appendHexPad(b, uint64(magic), 4)
			}
		case 0, 1, 4:
		default:
			if opt > 1 {
				datalen = l - 2
			}
			if datalen > 0 {
				b = append(b, " 0x"...)
			}
			for i := 0; i < datalen; i++ {
				if r := need(i + 1); r != 0 {
					return fail(b, r)
				}
				b = appendHexByte(b, d[cp+i])
			}
		}
		cp += datalen
		rem -= datalen
		dl := datalen + 1
		if opt > 1 {
			dl++
		}
		if dl != l {
			b = append(b, "[len "...)
			b = appendUint(b, uint64(l))
			b = append(b, ']')
		}
		sep = true
		if opt == 0 {
			break
		}
	}
	return append(b, ']'), true
}

var httpCmds = []string{"OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT",
	"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH"}

// txtproto prints a text protocol's first line (or all lines with -v), as
// tcpdump's txtproto_print.
func (p *Printer) txtproto(b, d []byte, length int, caps, proto string, cmds []string, respSecond bool) []byte {
	if len(d) > length {
		d = d[:length]
	}
	show := cmds == nil
	if !show {
		tok, idx := fetchToken(d, 0)
		if idx != 0 {
			for _, c := range cmds {
				if equalFoldASCII(tok, c) {
					show = true
					break
				}
			}
			if respSecond {
				tok, idx = fetchToken(d, idx)
			}
			if idx != 0 && len(tok) == 3 && isDigit(tok[0]) && isDigit(tok[1]) && isDigit(tok[2]) {
				show = true
			}
		}
	}
	b = append(b, caps...)
	if !show {
		return b
	}
	if p.opts.Verbose > 0 {
		b = append(b, ", length: "...)
		b = appendUint(b, uint64(length))
		for idx := 0; idx < length; {
			var eol int
			b, eol = p.txtLine(b, d, length, idx, "\n\t", proto)
			if eol == 0 {
				break
			}
			idx = eol
		}
		return b
	}
	b, _ = p.txtLine(b, d, length, 0, ": ", proto)
	return b
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func equalFoldASCII(a []byte, s string) bool {
	if len(a) != len(s) {
		return false
	}
	for i := range a {
		c := a[i]
		if c >= 'a' && c <= 'z' {
			c -= 32
		}
		d := s[i]
		if d >= 'a' && d <= 'z' {
			d -= 32
		}
		if c != d {
			return false
		}
	}
	return true
}

func isPrint(c byte) bool { return c >= 0x20 && c < 0x7f }

func fetchToken(d []byte, idx int) ([]byte, int) {
	start := idx
	for ; idx < len(d); idx++ {
		c := d[idx]
		if c >= 0x80 {
			return nil, 0
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			break
		}
		if !isPrint(c) {
			return nil, 0
		}
		if idx-start+2 > 128 {
			return nil, 0
		}
	}
	if idx == start {
		return nil, 0
	}
	tok := d[start:idx]
	for ; idx < len(d); idx++ {
		c := d[idx]
		if c == '\r' || c == '\n' || !isPrint(c) {
			break
		}
		if c != ' ' && c != '\t' {
			break
		}
	}
	return tok, idx
}

func (p *Printer) txtLine(b, d []byte, length, idx int, prefix, proto string) ([]byte, int) {
	start := idx
	for idx < length {
		if idx >= len(d) {
			return p.truncJmp(b, proto), 0
		}
		c := d[idx]
		switch {
		case c == '\n':
			b = append(b, prefix...)
			b = append(b, d[start:idx]...)
			return b, idx + 1
		case c == '\r':
			if idx+1 >= length {
				return b, 0
			}
			if idx+1 >= len(d) {
				return p.truncJmp(b, proto), 0
			}
			if d[idx+1] == '\n' {
				b = append(b, prefix...)
				b = append(b, d[start:idx]...)
				return b, idx + 2
			}
			return b, 0
		case !isPrint(c) && c != '\t':
			return b, 0
		}
		idx++
	}
	b = append(b, prefix...)
	b = append(b, d[start:idx]...)
	return appendTrunc(b, proto), 0
}

// appendTFO prints a TCP Fast Open option's cookie as tcpdump does
// ("tfo" first when it came as an experimental option).
func appendTFO(b, c []byte, exp bool) []byte {
	if exp {
		b = append(b, "tfo"...)
	}
	switch {
	case len(c) == 0:
		return append(b, " cookiereq"...)
	case len(c)%2 != 0 || len(c) < 4 || len(c) > 16:
		return append(b, " (invalid)"...)
	}
	b = append(b, " cookie "...)
	for _, x := range c {
		b = appendHexByte(b, x)
	}
	return b
}
