package filter

import (
	"net/netip"
	"strconv"
	"strings"
)

// tok is a token kind.
type tok int

const (
	tEOF tok = iota
	tNUM
	tID   // identifier or name
	tHID  // dotted IPv4 address or net (1 to 4 parts)
	tHID6 // IPv6 address
	tEID  // Ethernet (MAC) address
	tAID  // ARCNET address ($xx)
	tKW   // keyword; kw field says which
	tOP   // operator or punctuation; text says which
)

// token is one scanned token with its byte position in the expression.
type token struct {
	kind tok
	kw   string // canonical keyword
	text string
	num  uint32
	pos  int
}

// keywords maps keyword spellings to their canonical names.
var keywords = map[string]string{
	"dst": "dst", "src": "src",
	"link": "link", "ether": "link", "ppp": "link", "slip": "link",
	"fddi": "link", "tr": "link", "wlan": "link",
	"arp": "arp", "rarp": "rarp", "ip": "ip", "sctp": "sctp", "tcp": "tcp",
	"udp": "udp", "icmp": "icmp", "igmp": "igmp", "igrp": "igrp", "pim": "pim",
	"vrrp": "vrrp", "carp": "carp", "radio": "radio",
	"ip6": "ip6", "icmp6": "icmp6", "ah": "ah", "esp": "esp",
	"atalk": "atalk", "aarp": "aarp", "decnet": "decnet", "lat": "lat",
	"sca": "sca", "moprc": "moprc", "mopdl": "mopdl",
	"iso": "iso", "esis": "esis", "es-is": "esis", "isis": "isis", "is-is": "isis",
	"l1": "l1", "l2": "l2", "iih": "iih", "lsp": "lsp", "snp": "snp",
	"csnp": "csnp", "psnp": "psnp", "clnp": "clnp", "stp": "stp", "ipx": "ipx",
	"netbeui": "netbeui",
	"host":    "host", "net": "net", "mask": "mask", "port": "port",
	"portrange": "portrange", "proto": "proto", "protochain": "protochain",
	"gateway": "gateway",
	"type":    "type", "subtype": "subtype", "direction": "dir", "dir": "dir",
	"address1": "addr1", "addr1": "addr1", "address2": "addr2", "addr2": "addr2",
	"address3": "addr3", "addr3": "addr3", "address4": "addr4", "addr4": "addr4",
	"ra": "ra", "ta": "ta",
	"less": "less", "greater": "greater", "byte": "byte",
	"broadcast": "broadcast", "multicast": "multicast",
	"and": "and", "or": "or", "not": "not",
	"len": "len", "length": "len",
	"inbound": "inbound", "outbound": "outbound", "ifindex": "ifindex",
	"vlan": "vlan", "mpls": "mpls", "pppoed": "pppoed", "pppoes": "pppoes",
	"geneve": "geneve", "vxlan": "vxlan",
	"lane": "lane", "llc": "llc", "metac": "metac", "bcc": "bcc",
	"oam": "oam", "oamf4": "oamf4", "oamf4ec": "oamf4ec", "oamf4sc": "oamf4sc",
	"sc": "sc", "ilmic": "ilmic", "vpi": "vpi", "vci": "vci",
	"connectmsg": "connectmsg", "metaconnect": "metaconnect",
	"on": "ifname", "ifname": "ifname", "rnr": "rnr", "rulenum": "rnr",
	"reason": "reason", "rset": "rset", "ruleset": "rset",
	"srnr": "srnr", "subrulenum": "srnr", "action": "action",
	"fisu": "fisu", "lssu": "lssu", "lsu": "lssu", "msu": "msu",
	"hfisu": "hfisu", "hlssu": "hlssu", "hmsu": "hmsu",
	"sio": "sio", "opc": "opc", "dpc": "dpc", "sls": "sls",
	"hsio": "hsio", "hopc": "hopc", "hdpc": "hdpc", "hsls": "hsls",
}

// numericNames are the names the scanner turns into numbers.
var numericNames = map[string]uint32{
	"icmptype": 0, "icmpcode": 1,
	"icmp-echoreply": 0, "icmp-unreach": 3, "icmp-sourcequench": 4,
	"icmp-redirect": 5, "icmp-echo": 8, "icmp-routeradvert": 9,
	"icmp-routersolicit": 10, "icmp-timxceed": 11, "icmp-paramprob": 12,
	"icmp-tstamp": 13, "icmp-tstampreply": 14, "icmp-ireq": 15,
	"icmp-ireqreply": 16, "icmp-maskreq": 17, "icmp-maskreply": 18,
	"icmp6type": 0, "icmp6code": 1,
	"icmp6-destinationunreach": 1, "icmp6-packettoobig": 2,
	"icmp6-timeexceeded": 3, "icmp6-parameterproblem": 4,
	"icmp6-echo": 128, "icmp6-echoreply": 129,
	"icmp6-multicastlistenerquery": 130, "icmp6-multicastlistenerreportv1": 131,
	"icmp6-multicastlistenerdone": 132, "icmp6-routersolicit": 133,
	"icmp6-routeradvert": 134, "icmp6-neighborsolicit": 135,
	"icmp6-neighboradvert": 136, "icmp6-redirect": 137,
	"icmp6-routerrenum": 138, "icmp6-nodeinformationquery": 139,
	"icmp6-nodeinformationresponse": 140, "icmp6-ineighbordiscoverysolicit": 141,
	"icmp6-ineighbordiscoveryadvert": 142, "icmp6-multicastlistenerreportv2": 143,
	"icmp6-homeagentdiscoveryrequest": 144, "icmp6-homeagentdiscoveryreply": 145,
	"icmp6-mobileprefixsolicit": 146, "icmp6-mobileprefixadvert": 147,
	"icmp6-certpathsolicit": 148, "icmp6-certpathadvert": 149,
	"icmp6-multicastrouteradvert": 151, "icmp6-multicastroutersolicit": 152,
	"icmp6-multicastrouterterm": 153,
	"tcpflags":                  13, "tcp-fin": 0x01, "tcp-syn": 0x02, "tcp-rst": 0x04,
	"tcp-push": 0x08, "tcp-ack": 0x10, "tcp-urg": 0x20, "tcp-ece": 0x40,
	"tcp-cwr": 0x80,
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f' }
func isAlnum(c byte) bool  { return isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isIDChar(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }

// scan splits an expression into tokens, mimicking the longest-match
// rules of libpcap's flex scanner.
func scan(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		start := i
		// Two-character operators.
		if i+1 < len(s) {
			two := s[i : i+2]
			switch two {
			case ">=", "<=", "!=", "==", "<<", ">>", "&&", "||":
				t := token{kind: tOP, text: two, pos: start}
				if two == "&&" {
					t = token{kind: tKW, kw: "and", text: two, pos: start}
				} else if two == "||" {
					t = token{kind: tKW, kw: "or", text: two, pos: start}
				}
				toks = append(toks, t)
				i += 2
				continue
			}
		}
		if c == ':' && i+1 < len(s) && s[i+1] == ':' {
			toks = append(toks, scanWord(s, i))
			i += len(toks[len(toks)-1].text)
			continue
		}
		switch c {
		case '+', '-', '*', '/', '%', ':', '[', ']', '(', ')', '>', '<', '=', '&', '|', '^':
			toks = append(toks, token{kind: tOP, text: s[i : i+1], pos: start})
			i++
			continue
		case '!':
			toks = append(toks, token{kind: tKW, kw: "not", text: "!", pos: start})
			i++
			continue
		case '\\':
			j := i + 1
			for j < len(s) && !strings.ContainsRune(" !()\n\t", rune(s[j])) {
				j++
			}
			if j == i+1 {
				fail(start, "syntax error: illegal character '\\'")
			}
			toks = append(toks, token{kind: tID, text: s[i+1 : j], pos: start})
			i = j
			continue
		case '$':
			// ARCNET address: $ followed by one or two hex digits.
			j := i + 1
			for j < len(s) && j < i+3 && isHex(s[j]) {
				j++
			}
			if j > i+1 {
				toks = append(toks, token{kind: tAID, text: s[i:j], pos: start})
				i = j
				continue
			}
		}
		if !isAlnum(c) && c != ':' {
			fail(start, "syntax error: illegal character '%c'", c)
		}
		toks = append(toks, scanWord(s, i))
		i += len(toks[len(toks)-1].text)
	}
	toks = append(toks, token{kind: tEOF, pos: len(s)})
	return toks
}

// scanWord scans the longest token starting at s[i], which begins with a
// letter, a digit or a colon.
func scanWord(s string, i int) token {
	// ID: [A-Za-z0-9]([-_.A-Za-z0-9]*[.A-Za-z0-9])?
	idLen := 0
	if isAlnum(s[i]) {
		j := i + 1
		for j < len(s) && isIDChar(s[j]) {
			j++
		}
		for j > i+1 && (s[j-1] == '-' || s[j-1] == '_') {
			j--
		}
		idLen = j - i
	}
	// Run of address characters (hex digits, '.', ':', '-').
	j := i
	for j < len(s) && (isHex(s[j]) || s[j] == '.' || s[j] == ':' || s[j] == '-') {
		j++
	}
	run := s[i:j]
	macLen := macPrefix(run)
	{
		// Six colon-separated groups that do not form an Ethernet
		// address: a mistyped one.
		end := i
		for end < len(s) && (isAlnum(s[end]) || s[end] == ':') {
			end++
		}
		w := s[i:end]
		if strings.Count(w, ":") == 5 && !strings.Contains(w, "::") {
			if _, ok := parseMAC(w); !ok {
				// libpcap 1.10's scanner finds no token here.
				fail(i, "syntax error: invalid Ethernet address '%s'", w)
			}
		}
	}
	v6Len := 0
	if strings.Contains(run, ":") {
		// Longest prefix made of IPv6 characters that contains a colon.
		k := 0
		for k < len(run) && (isHex(run[k]) || run[k] == ':' || run[k] == '.') {
			k++
		}
		if _, err := netip.ParseAddr(run[:k]); err == nil {
			v6Len = k
		} else if strings.Count(run[:k], ":") > 7 || strings.Count(run[:k], "::") > 1 {
			fail(i, "syntax error: invalid IPv6 address %s", run[:k])
		} else if strings.Count(run[:k], ":") >= 2 && k > max(idLen, macLen, hidPrefix(s[i:])) {
			if macLike(run[:k]) {
				// Colon-separated bytes: libpcap 1.10 reads an
				// Ethernet address and finds it bogus.
				fail(i, "bogus Ethernet address '%s' (and not an IPv6 address)", run[:k])
			}
			fail(i, "invalid IPv6 address %s", run[:k])
		}
	}
	numLen := numPrefix(s[i:])
	hidLen := hidPrefix(s[i:])
	best := max(idLen, macLen, v6Len, numLen, hidLen)
	if best == 0 {
		fail(i, "syntax error: illegal character '%c'", s[i])
	}
	text := s[i : i+best]
	switch {
	case best == idLen && idLen > 0 && keywords[strings.ToLower(text)] != "":
		return token{kind: tKW, kw: keywords[strings.ToLower(text)], text: text, pos: i}
	case best == idLen && idLen > 0 && hasNumericName(text):
		return token{kind: tNUM, num: numericNames[strings.ToLower(text)], text: text, pos: i}
	case best == macLen:
		return token{kind: tEID, text: text, pos: i}
	case best == numLen:
		n, ok := parseNum(text)
		if !ok {
			fail(i, "%s", numError(text))
		}
		return token{kind: tNUM, num: n, text: text, pos: i}
	case best == hidLen:
		return token{kind: tHID, text: text, pos: i}
	case best == v6Len:
		return token{kind: tHID6, text: text, pos: i}
	}
	return token{kind: tID, text: text, pos: i}
}

func hasNumericName(s string) bool {
	_, ok := numericNames[strings.ToLower(s)]
	return ok
}

// numPrefix returns the length of a number (decimal, 0x hex) at the
// start of s.
func numPrefix(s string) int {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isHex(s[2]) {
		j := 2
		for j < len(s) && isHex(s[j]) {
			j++
		}
		return j
	}
	j := 0
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return j
}

// hidPrefix returns the length of N.N, N.N.N or N.N.N.N at the start of s.
func hidPrefix(s string) int {
	n := numPrefix(s)
	if n == 0 {
		return 0
	}
	best, parts, j := 0, 1, n
	for parts < 4 && j < len(s) && s[j] == '.' {
		m := numPrefix(s[j+1:])
		if m == 0 {
			break
		}
		j += 1 + m
		parts++
		best = j
	}
	return best
}

// macPrefix returns the length of the longest Ethernet address at the
// start of s: six 1-2 digit hex groups separated by ':', '-' or '.',
// three 4-digit groups separated by '.', or 12 hex digits.
func macPrefix(s string) int {
	best := 0
	for _, sep := range []byte{':', '-', '.'} {
		j, ok := 0, true
		for g := 0; g < 6; g++ {
			if g > 0 {
				if j >= len(s) || s[j] != sep {
					ok = false
					break
				}
				j++
			}
			k := 0
			for k < 2 && j+k < len(s) && isHex(s[j+k]) {
				k++
			}
			if k == 0 {
				ok = false
				break
			}
			j += k
		}
		if ok && j > best {
			best = j
		}
	}
	// xxxx.xxxx.xxxx
	if len(s) >= 14 && s[4] == '.' && s[9] == '.' {
		ok := true
		for _, k := range []int{0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13} {
			if !isHex(s[k]) {
				ok = false
			}
		}
		if ok && 14 > best {
			best = 14
		}
	}
	if len(s) >= 12 {
		ok := true
		for k := 0; k < 12; k++ {
			if !isHex(s[k]) {
				ok = false
			}
		}
		if ok && 12 > best {
			best = 12
		}
	}
	return best
}

// parseNum parses a decimal, octal (leading 0) or hex (0x) number.
func parseNum(s string) (uint32, bool) {
	var v uint64
	var err error
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		v, err = strconv.ParseUint(s[2:], 16, 32)
	case len(s) > 1 && s[0] == '0':
		v, err = strconv.ParseUint(s[1:], 8, 32)
	default:
		v, err = strconv.ParseUint(s, 10, 32)
	}
	return uint32(v), err == nil
}

// parseMAC parses an Ethernet address token.
func parseMAC(s string) ([6]byte, bool) {
	var m [6]byte
	var hex []byte
	if len(s) == 12 || len(s) == 14 {
		for i := 0; i < len(s); i++ {
			if s[i] != '.' {
				hex = append(hex, s[i])
			}
		}
		if len(hex) == 12 && (len(s) == 12 || (s[4] == '.' && s[9] == '.')) {
			for i := 0; i < 6; i++ {
				v, err := strconv.ParseUint(string(hex[2*i:2*i+2]), 16, 8)
				if err != nil {
					return m, false
				}
				m[i] = byte(v)
			}
			return m, true
		}
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == '-' || r == '.' })
	if len(parts) != 6 {
		return m, false
	}
	for i, p := range parts {
		v, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return m, false
		}
		m[i] = byte(v)
	}
	return m, true
}

// numError describes why a number token does not parse, in libpcap's
// words: digits are taken one at a time, so whichever of overflow and a
// bad octal digit comes first is reported.
func numError(s string) string {
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		return "hexadecimal number " + s + " overflows 32 bits"
	case len(s) > 1 && s[0] == '0':
		var v uint64
		for i := 1; i < len(s); i++ {
			if s[i] > '7' {
				return "number " + s + " contains non-octal digit"
			}
			v = v*8 + uint64(s[i]-'0')
			if v > 0xffffffff {
				return "octal number " + s + " overflows 32 bits"
			}
		}
		return "octal number " + s + " overflows 32 bits"
	}
	return "decimal number " + s + " overflows 32 bits"
}

// macLike reports whether s is colon-separated groups of one or two hex
// digits, the shape of an Ethernet address.
func macLike(s string) bool {
	for _, g := range strings.Split(s, ":") {
		if len(g) < 1 || len(g) > 2 {
			return false
		}
		for j := 0; j < len(g); j++ {
			if !isHex(g[j]) {
				return false
			}
		}
	}
	return true
}
