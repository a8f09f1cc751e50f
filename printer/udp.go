package printer

// udp prints a UDP datagram (tcpdump's udp_print).
func (p *Printer) udp(b, d []byte, length int, ip *ipInfo) []byte {
	direct := ip.hdrProto == 17
	if len(d) < 4 {
		if direct {
			b = p.appendAddr(b, ip.src)
			b = append(b, " > "...)
			b = p.appendAddr(b, ip.dst)
			b = append(b, ": "...)
		}
		return p.trunc(b, "udp")
	}
	sport, dport := be16(d), be16(d[2:])
	if length < 8 {
		b = p.transportHead(b, ip, sport, dport, true, direct)
		b = append(b, "truncated-udp "...)
		return appendUint(b, uint64(length))
	}
	if len(d) < 6 {
		b = p.transportHead(b, ip, sport, dport, true, direct)
		return p.trunc(b, "udp")
	}
	ulen := int(be16(d[4:]))
	if ulen == 0 && length > 65535 {
		ulen = length
	}
	if ulen < 8 {
		b = p.transportHead(b, ip, sport, dport, true, direct)
		b = append(b, "truncated-udplength "...)
		return appendUint(b, uint64(ulen))
	}
	ulen -= 8
	length -= 8
	if ulen < length {
		length = ulen
	}
	if len(d) < 8 {
		b = p.transportHead(b, ip, sport, dport, true, direct)
		return p.trunc(b, "udp")
	}
	b = p.transportHead(b, ip, sport, dport, true, direct)
	pl := d[8:]
	if len(pl) > length {
		pl = pl[:length]
	}
	switch p.opts.PacketType {
	case PacketVXLAN:
		return p.vxlan(b, pl, length)
	case PacketDomain:
		return p.dns(b, pl, length, false)
	case PacketSNMP:
		return p.snmp(b, pl, length)
	}
	if p.opts.Verbose > 0 && !p.opts.NoChecksumCheck && !ip.frag {
		usum := be16(d[6:])
		if !ip.v6 && p.opts.Verbose > 1 {
			if usum == 0 {
				b = append(b, "[no cksum] "...)
			} else if len(pl) >= length {
				b = p.udpSum(b, d[:8+length], ip, usum)
			}
		} else if ip.v6 && len(pl) >= length {
			b = p.udpSum(b, d[:8+length], ip, usum)
		}
	}
	port := func(x uint16) bool { return sport == x || dport == x }
	if !p.opts.Quiet {
		switch {
		case port(53):
			return p.dns(b, pl, length, false)
		case port(5353):
			return p.mdns(b, pl, length)
		case port(69):
			return p.tftp(b, pl, length)
		case port(67) || port(68):
			return p.bootp(b, pl, length)
		case port(123):
			return p.ntp(b, pl, length)
		case port(161) || port(162):
			return p.snmp(b, pl, length)
		case port(514):
			return p.syslog(b, pl, length)
		case port(4789):
			return p.vxlan(b, pl, length)
		case port(6081):
			return p.geneve(b, pl, length)
		}
	}
	if ulen > length && !ip.frag {
		b = append(b, "UDP, bad length "...)
		b = appendUint(b, uint64(ulen))
		b = append(b, " > "...)
		return appendUint(b, uint64(length))
	}
	b = append(b, "UDP, length "...)
	return appendUint(b, uint64(ulen))
}

func (p *Printer) udpSum(b, seg []byte, ip *ipInfo, usum uint16) []byte {
	sum := cksumFold(cksumAdd(pseudoSum(ip, 17, len(seg)), seg))
	if sum != 0 {
		b = append(b, "[bad udp cksum 0x"...)
		b = appendHexPad(b, uint64(usum), 4)
		b = append(b, " -> 0x"...)
		b = appendHexPad(b, uint64(cksumShouldBe(usum, sum)), 4)
		return append(b, "!] "...)
	}
	return append(b, "[udp sum ok] "...)
}

var syslogFacility = []string{"kernel", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "cron", "local0", "local1",
	"local2", "local3", "local4", "local5", "local6", "local7"}

func appendSyslogFacility(b []byte, fac int) []byte {
	if fac < len(syslogFacility) {
		return append(b, syslogFacility[fac]...)
	}
	b = append(b, "unknown ("...)
	b = appendUint(b, uint64(fac))
	return append(b, ')')
}

var syslogSeverity = []string{"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"}

// syslog prints a syslog message header (tcpdump's syslog_print).
func (p *Printer) syslog(b, d []byte, length int) []byte {
	if len(d) < 1 {
		return p.truncJmp(b, "syslog")
	}
	if d[0] != '<' {
		return append(b, " (invalid)"...)
	}
	pri := 0
	i := 1
	for i <= 3 && i < len(d) && d[i] >= '0' && d[i] <= '9' {
		pri = pri*10 + int(d[i]-'0')
		i++
	}
	if i >= len(d) {
		return p.truncJmp(b, "syslog")
	}
	if d[i] != '>' {
		return append(b, " (invalid)"...)
	}
	fac := (pri & 0x3f8) >> 3
	if p.opts.Verbose > 0 {
		b = append(b, "SYSLOG, length: "...)
		b = appendUint(b, uint64(length))
		b = append(b, "\n\tFacility "...)
		b = appendSyslogFacility(b, fac)
		b = append(b, " ("...)
		b = appendUint(b, uint64(fac))
		b = append(b, "), Severity "...)
		b = append(b, syslogSeverity[pri&7]...)
		b = append(b, " ("...)
		b = appendUint(b, uint64(pri&7))
		b = append(b, ")\n\tMsg: "...)
		for _, c := range d[i+1 : min(len(d), length)] {
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
		if len(d) < length {
			return p.truncJmp(b, "syslog")
		}
		if p.opts.Verbose > 1 {
			b = appendHexIndent(b, d[:length], "\n\t")
		}
		return b
	}
	b = append(b, "SYSLOG "...)
	if fac < len(syslogFacility) {
		b = append(b, syslogFacility[fac]...)
	} else {
		b = append(b, "unknown ("...)
		b = appendUint(b, uint64(fac))
		b = append(b, ')')
	}
	b = append(b, '.')
	b = append(b, syslogSeverity[pri&7]...)
	b = append(b, ", length: "...)
	return appendUint(b, uint64(length))
}

var tftpOps = [...]string{1: "RRQ", 2: "WRQ", 3: "DATA", 4: "ACK", 5: "ERROR", 6: "OACK"}

var tftpErrors = [...]string{"EUNDEF", "ENOTFOUND", "EACCESS", "ENOSPACE", "EBADOP", "EBADID",
	"EEXISTS", "ENOUSER"}

// tftp prints a TFTP message (UDP port 69) as tcpdump 4.99.3 does: the
// opcode, then the file name and mode, the options, the block number or
// the error.
func (p *Printer) tftp(b, d []byte, length int) []byte {
	b = append(b, "TFTP, length "...)
	b = appendUint(b, uint64(length))
	cut := func(b []byte) []byte { return p.trunc(b, "tftp") }
	// u16 reads the next 16-bit field, or says how it is missing.
	u16 := func(b []byte) ([]byte, uint16, bool) {
		switch {
		case length < 2:
			return cut(b), 0, false
		case len(d) < 2:
			return p.truncJmp(b, "tftp"), 0, false
		}
		v := be16(d)
		d, length = d[2:], length-2
		return b, v, true
	}
	// str prints the next NUL-terminated string (at most length bytes),
	// quoted if asked; false when it is missing or cut short.
	str := func(b []byte, quote bool) ([]byte, bool) {
		if quote {
			b = append(b, '"')
		}
		b, n := appendZTN(b, d[:min(length, len(d))])
		if quote {
			b = append(b, '"')
		}
		if n == 0 {
			return cut(b), false
		}
		d, length = d[n:], length-n
		return b, true
	}
	b, op, ok := u16(b)
	if !ok {
		return b
	}
	b = append(b, ", "...)
	if op == 0 || int(op) >= len(tftpOps) {
		b = append(b, "tftp-#"...)
		return appendUint(b, uint64(op))
	}
	b = append(b, tftpOps[op]...)
	switch op {
	case 1, 2: // file name and mode, then options as OACK
		for _, quote := range [...]bool{true, false} {
			if length == 0 {
				return cut(b)
			}
			b = append(b, ' ')
			if b, ok = str(b, quote); !ok {
				return b
			}
		}
		fallthrough
	case 6:
		for length != 0 { // options
			if len(d) == 0 {
				return p.truncJmp(b, "tftp")
			}
			if d[0] != 0 {
				b = append(b, ' ')
			}
			if b, ok = str(b, false); !ok {
				return b
			}
		}
	case 3, 4:
		var blk uint16
		if b, blk, ok = u16(b); !ok {
			return b
		}
		b = append(b, " block "...)
		b = appendUint(b, uint64(blk))
	case 5:
		var e uint16
		if b, e, ok = u16(b); !ok {
			return b
		}
		b = append(b, ' ')
		if int(e) < len(tftpErrors) {
			b = append(b, tftpErrors[e]...)
		} else {
			b = append(b, "tftp-err-#"...)
			b = appendUint(b, uint64(e))
			b = append(b, " \""...)
		}
		if length == 0 {
			return cut(b)
		}
		b = append(b, ' ')
		b, _ = str(b, true)
	}
	return b
}
