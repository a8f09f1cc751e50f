package filter

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/snare-pcap/snare/bpf"
)

// IP protocol numbers.
const (
	ipprotoICMP     = 1
	ipprotoIGMP     = 2
	ipprotoIGRP     = 9
	ipprotoTCP      = 6
	ipprotoUDP      = 17
	ipprotoIPv6     = 41
	ipprotoRouting  = 43
	ipprotoFragment = 44
	ipprotoESP      = 50
	ipprotoAH       = 51
	ipprotoICMPv6   = 58
	ipprotoNone     = 59
	ipprotoDstOpts  = 60
	ipprotoHopOpts  = 0
	ipprotoPIM      = 103
	ipprotoVRRP     = 112
	ipprotoCARP     = 112
	ipprotoSCTP     = 132
	protoUndef      = -1

	isoCLNP = 0x81
	isoESIS = 0x82
	isoISIS = 0x83
)

// protoAbbrev generates code for a bare protocol name.
func (g *gen) protoAbbrev(proto string) *expr {
	switch proto {
	case "sctp":
		return g.proto(ipprotoSCTP, "", "")
	case "tcp":
		return g.proto(ipprotoTCP, "", "")
	case "udp":
		return g.proto(ipprotoUDP, "", "")
	case "icmp":
		return g.proto(ipprotoICMP, "ip", "")
	case "igmp":
		return g.proto(ipprotoIGMP, "ip", "")
	case "igrp":
		return g.proto(ipprotoIGRP, "ip", "")
	case "pim":
		return g.proto(ipprotoPIM, "", "")
	case "vrrp":
		return g.proto(ipprotoVRRP, "ip", "")
	case "carp":
		return g.proto(ipprotoCARP, "ip", "")
	case "rarp":
		return g.linkType(ethertypeREVARP)
	case "arp":
		return g.linkType(ethertypeARP)
	case "ip":
		return g.linkType(ethertypeIP)
	case "atalk":
		return g.linkType(ethertypeATALK)
	case "aarp":
		return g.linkType(ethertypeAARP)
	case "decnet":
		return g.linkType(ethertypeDN)
	case "sca":
		return g.linkType(ethertypeSCA)
	case "lat":
		return g.linkType(ethertypeLAT)
	case "mopdl":
		return g.linkType(ethertypeMOPDL)
	case "moprc":
		return g.linkType(ethertypeMOPRC)
	case "ip6":
		return g.linkType(ethertypeIPV6)
	case "icmp6":
		return g.proto(ipprotoICMPv6, "ip6", "")
	case "ah":
		return g.proto(ipprotoAH, "", "")
	case "esp":
		return g.proto(ipprotoESP, "", "")
	case "iso":
		return g.linkType(llcsapISONS)
	case "esis":
		return g.proto(isoESIS, "iso", "")
	case "isis":
		return g.proto(isoISIS, "iso", "")
	case "l1":
		return g.isisList(0x1a, 0x18, 0x12, 0x0f, 0x11)
	case "l2":
		return g.isisList(0x1b, 0x19, 0x14, 0x10, 0x11)
	case "iih":
		return g.isisList(0x11, 0x0f, 0x10)
	case "lsp":
		return g.isisList(0x12, 0x14)
	case "snp":
		return g.isisList(0x1b, 0x1a, 0x18, 0x19)
	case "csnp":
		return g.isisList(0x18, 0x19)
	case "psnp":
		return g.isisList(0x1a, 0x1b)
	case "clnp":
		return g.proto(isoCLNP, "iso", "")
	case "stp":
		return g.linkType(llcsap8021D)
	case "ipx":
		return g.linkType(llcsapIPX)
	case "netbeui":
		return g.linkType(llcsapNETBEUI)
	case "radio":
		fail(g.pos, "'radio' is not a valid protocol type")
	case "link":
		fail(g.pos, "link layer applied in wrong context")
	}
	fail(g.pos, "unknown protocol '%s'", proto)
	return nil
}

// isisList ors "isis proto v" for each PDU type, the first one tested last.
func (g *gen) isisList(vs ...uint32) *expr {
	b := g.proto(vs[0], "isis", "")
	for _, v := range vs[1:] {
		b = or(b, g.proto(v, "isis", ""))
	}
	return b
}

// proto generates "PROTO proto V".
func (g *gen) proto(v uint32, proto, dir string) *expr {
	if dir != "" {
		fail(g.pos, "direction applied to 'proto'")
	}
	switch proto {
	case "":
		b0 := g.proto(v, "ip", dir)
		b1 := g.proto(v, "ip6", dir)
		return or(b0, b1)
	case "link":
		g.checkLinkProto(v)
		return g.linkType(v)
	case "ip":
		if v > 255 {
			fail(g.pos, "protocol number %d greater than maximum 255", v)
		}
		b0 := g.linkType(ethertypeIP)
		b1 := g.cmp(orLinkPl, 9, bpf.B, v)
		return and(b0, b1)
	case "ip6":
		if v > 255 {
			fail(g.pos, "protocol number %d greater than maximum 255", v)
		}
		b0 := g.linkType(ethertypeIPV6)
		// Also accept a fragment header before the protocol's header.
		b2 := g.cmp(orLinkPl, 6, bpf.B, ipprotoFragment)
		b1 := g.cmp(orLinkPl, 40, bpf.B, v)
		b1 = and(b2, b1)
		b2 = g.cmp(orLinkPl, 6, bpf.B, v)
		b1 = or(b2, b1)
		return and(b0, b1)
	case "iso":
		if v > 255 {
			fail(g.pos, "ISO protocol %d greater than maximum 255", v)
		}
		if g.dlt == dltCHDLC {
			b0 := g.linkType(llcsapISONS<<8 | llcsapISONS)
			b1 := g.cmp(orLinkPlNoSnap, 1, bpf.B, v)
			return and(b0, b1)
		}
		b0 := g.linkType(llcsapISONS)
		b1 := g.cmp(orLinkPlNoSnap, 0, bpf.B, v)
		return and(b0, b1)
	case "isis":
		if v > 31 {
			fail(g.pos, "IS-IS PDU type %d greater than maximum 31", v)
		}
		b0 := g.proto(isoISIS, "iso", "")
		off := uint32(4)
		if g.dlt == dltCHDLC {
			off = 5
		}
		b1 := g.mcmp(orLinkPlNoSnap, off, bpf.B, v, 0x1f)
		return and(b0, b1)
	}
	fail(g.pos, "'%s' does not encapsulate another protocol", protoLabel(proto))
	return nil
}

func protoLabel(p string) string {
	if p == "" {
		return "default"
	}
	return p
}

// ipfrag is true for an unfragmented IPv4 packet or its first fragment.
func (g *gen) ipfrag() *expr {
	s := g.loadA(orLinkPl, 6, bpf.H)
	return not(g.branch(s, bpf.JMP|bpf.JSET|bpf.K, 0x1fff))
}

// --- hosts and nets ---

// host generates a test of an IPv4 host or net (addr & mask).
func (g *gen) host(addr, mask uint32, proto, dir, typ string) *expr {
	typestr := "host"
	if typ == "net" {
		typestr = "net"
	}
	switch proto {
	case "":
		b0 := g.host(addr, mask, "ip", dir, typ)
		if g.labelStackDepth == 0 {
			b1 := g.host(addr, mask, "arp", dir, typ)
			b0 = or(b0, b1)
			b1 = g.host(addr, mask, "rarp", dir, typ)
			return or(b0, b1)
		}
		return b0
	case "link":
		fail(g.pos, "link-layer modifier applied to %s", typestr)
	case "ip":
		b0 := g.linkType(ethertypeIP)
		return and(b0, g.hostop(addr, mask, dir, ethertypeIP, 12, 16))
	case "rarp":
		b0 := g.linkType(ethertypeREVARP)
		return and(b0, g.hostop(addr, mask, dir, ethertypeREVARP, 14, 24))
	case "arp":
		b0 := g.linkType(ethertypeARP)
		return and(b0, g.hostop(addr, mask, dir, ethertypeARP, 14, 24))
	case "decnet":
		b0 := g.linkType(ethertypeDN)
		return and(b0, g.dnhostop(addr, dir))
	case "ip6":
		fail(g.pos, "'ip6' modifier applied to ip %s", typestr)
	}
	fail(g.pos, "'%s' modifier applied to %s", proto, typestr)
	return nil
}

// dirError reports a direction qualifier not valid for the protocol.
func (g *gen) dirError(dir string) {
	name := map[string]string{"addr1": "addr1", "addr2": "addr2", "addr3": "addr3", "addr4": "addr4", "ra": "ra", "ta": "ta"}[dir]
	if name == "" {
		name = dir
	}
	fail(g.pos, "'%s' is only supported on 802.11 with 802.11 headers", name)
}

func (g *gen) hostop(addr, mask uint32, dir string, llProto, srcOff, dstOff uint32) *expr {
	var off uint32
	switch dir {
	case "src":
		off = srcOff
	case "dst":
		off = dstOff
	case "and":
		b0 := g.hostop(addr, mask, "src", llProto, srcOff, dstOff)
		b1 := g.hostop(addr, mask, "dst", llProto, srcOff, dstOff)
		return and(b0, b1)
	case "", "or":
		b0 := g.hostop(addr, mask, "src", llProto, srcOff, dstOff)
		b1 := g.hostop(addr, mask, "dst", llProto, srcOff, dstOff)
		return or(b0, b1)
	default:
		g.dirError(dir)
	}
	if mask == 0 {
		return g.gtrue()
	}
	return g.mcmp(orLinkPl, off, bpf.W, addr, mask)
}

// host6 generates a test of an IPv6 host or net.
func (g *gen) host6(addr, mask [16]byte, proto, dir, typ string) *expr {
	typestr := "host"
	if typ == "net" {
		typestr = "net"
	}
	switch proto {
	case "", "ip6":
		b0 := g.linkType(ethertypeIPV6)
		return and(b0, g.hostop6(addr, mask, dir, ethertypeIPV6, 8, 24))
	case "link":
		fail(g.pos, "link-layer modifier applied to ip6 %s", typestr)
	case "ip":
		fail(g.pos, "'ip' modifier applied to ip6 %s", typestr)
	}
	fail(g.pos, "'%s' modifier applied to ip6 %s", proto, typestr)
	return nil
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func (g *gen) hostop6(addr, mask [16]byte, dir string, llProto, srcOff, dstOff uint32) *expr {
	var off uint32
	switch dir {
	case "src":
		off = srcOff
	case "dst":
		off = dstOff
	case "and":
		b0 := g.hostop6(addr, mask, "src", llProto, srcOff, dstOff)
		b1 := g.hostop6(addr, mask, "dst", llProto, srcOff, dstOff)
		return and(b0, b1)
	case "", "or":
		b0 := g.hostop6(addr, mask, "src", llProto, srcOff, dstOff)
		b1 := g.hostop6(addr, mask, "dst", llProto, srcOff, dstOff)
		return or(b0, b1)
	default:
		g.dirError(dir)
	}
	// Compare the words whose mask is not zero, last word first.
	var b1 *expr
	for i := 3; i >= 0; i-- {
		m := be32(mask[4*i:])
		if m == 0 && i > 0 {
			continue
		}
		if m == 0 {
			b1 = g.gtrue()
			break
		}
		b0 := g.mcmp(orLinkPl, off+uint32(4*i), bpf.W, be32(addr[4*i:]), m)
		if b1 == nil {
			b1 = b0
		} else {
			b1 = and(b0, b1)
		}
	}
	return b1
}

// dnhostop tests a DECnet host address.
func (g *gen) dnhostop(addr uint32, dir string) *expr {
	var offsetSH uint32
	switch dir {
	case "dst":
		offsetSH = 1
	case "src":
		offsetSH = 3
	case "and":
		b0 := g.dnhostop(addr, "src")
		b1 := g.dnhostop(addr, "dst")
		return and(b0, b1)
	case "", "or":
		b0 := g.dnhostop(addr, "src")
		b1 := g.dnhostop(addr, "dst")
		return or(b0, b1)
	default:
		g.dirError(dir)
	}
	a := uint32(swap16(uint16(addr)))
	offsetLH := uint32(15)
	if dir == "dst" {
		offsetLH = 7
	}
	// pad = 1, long header
	tmp := g.mcmp(orLinkPl, 2, bpf.H, 0x8106, 0xff07)
	b1 := g.cmp(orLinkPl, 2+1+offsetLH, bpf.H, a)
	b1 = and(tmp, b1)
	// pad = 0, long header
	tmp = g.mcmp(orLinkPl, 2, bpf.B, 0x06, 0x7)
	b2 := g.cmp(orLinkPl, 2+offsetLH, bpf.H, a)
	b2 = and(tmp, b2)
	b1 = or(b2, b1)
	// pad = 1, short header
	if offsetSH == 1 {
		b2 = g.mcmp(orLinkPl, 2, bpf.W, 0x8102<<16|a, 0xff07ffff)
	} else {
		tmp = g.mcmp(orLinkPl, 2, bpf.H, 0x8102, 0xff07)
		b2 = g.cmp(orLinkPl, 2+1+offsetSH, bpf.H, a)
		b2 = and(tmp, b2)
	}
	b1 = or(b2, b1)
	// pad = 0, short header
	if offsetSH == 1 {
		b2 = g.mcmp(orLinkPl, 2, bpf.W, 0x02<<24|a<<8, 0x07ffff00)
	} else {
		tmp = g.mcmp(orLinkPl, 2, bpf.B, 0x02, 0x7)
		b2 = g.cmp(orLinkPl, 2+offsetSH, bpf.H, a)
		b2 = and(tmp, b2)
	}
	return or(b2, b1)
}

func swap16(v uint16) uint16 { return v>>8 | v<<8 }

// ehostop tests an Ethernet address.
func (g *gen) ehostop(mac []byte, dir string) *expr {
	switch dir {
	case "src":
		return g.bcmp(orLinkHdr, 6, mac)
	case "dst":
		return g.bcmp(orLinkHdr, 0, mac)
	case "and":
		b0 := g.ehostop(mac, "src")
		b1 := g.ehostop(mac, "dst")
		return and(b0, b1)
	case "", "or":
		b0 := g.ehostop(mac, "src")
		b1 := g.ehostop(mac, "dst")
		return or(b0, b1)
	}
	g.dirError(dir)
	return nil
}

// linkHost tests a link-layer address for link types that have one.
func (g *gen) linkHost(mac []byte, dir string) *expr {
	switch g.dlt {
	case dltEN10MB, dltNetAnalyzer, dltNetAnalyzerTransparent, dltDSATagBRCM, dltDSATagDSA:
		return g.ehostop(mac, dir)
	case dltFDDI:
		return g.fddiHostop(mac, dir)
	case dltIEEE802:
		return g.trHostop(mac, dir)
	}
	fail(g.pos, "'link host XX:XX:XX:XX:XX:XX' not supported on DLT_%s; ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel", dltName(g.dlt))
	return nil
}

func (g *gen) fddiHostop(mac []byte, dir string) *expr {
	switch dir {
	case "src":
		return g.bcmp(orLinkHdr, 7, mac)
	case "dst":
		return g.bcmp(orLinkHdr, 1, mac)
	case "and":
		return and(g.fddiHostop(mac, "src"), g.fddiHostop(mac, "dst"))
	case "", "or":
		return or(g.fddiHostop(mac, "src"), g.fddiHostop(mac, "dst"))
	}
	g.dirError(dir)
	return nil
}

func (g *gen) trHostop(mac []byte, dir string) *expr {
	switch dir {
	case "src":
		return g.bcmp(orLinkHdr, 8, mac)
	case "dst":
		return g.bcmp(orLinkHdr, 2, mac)
	case "and":
		return and(g.trHostop(mac, "src"), g.trHostop(mac, "dst"))
	case "", "or":
		return or(g.trHostop(mac, "src"), g.trHostop(mac, "dst"))
	}
	g.dirError(dir)
	return nil
}

// --- ports ---

func (g *gen) portRangeAtom(off, v1, v2 uint32, six bool) *expr {
	rel := orTranIPv4
	if six {
		rel = orTranIPv6
	}
	if v1 > v2 {
		v1, v2 = v2, v1
	}
	if v1 == v2 {
		return g.cmp(rel, off, bpf.H, v1)
	}
	b1 := g.cmpGE(rel, off, bpf.H, v1)
	b2 := g.cmpLE(rel, off, bpf.H, v2)
	return and(b1, b2)
}

// portDir combines the source and destination port tests for dir.
func (g *gen) portDir(dir string, atom func(off uint32) *expr) *expr {
	switch dir {
	case "src":
		return atom(0)
	case "dst":
		return atom(2)
	case "and":
		t := atom(0)
		return and(t, atom(2))
	case "", "or":
		t := atom(0)
		return or(t, atom(2))
	}
	g.dirError(dir)
	return nil
}

// ipProtoCheck tests the IPv4 protocol field (or the IPv6 next header
// field) for ipProto, or for TCP, UDP or SCTP when it is protoUndef.
func (g *gen) ipProtoCheck(off uint32, ipProto int) *expr {
	if ipProto != protoUndef {
		return g.cmp(orLinkPl, off, bpf.B, uint32(ipProto))
	}
	b := g.cmp(orLinkPl, off, bpf.B, ipprotoTCP)
	b = or(b, g.cmp(orLinkPl, off, bpf.B, ipprotoUDP))
	return or(b, g.cmp(orLinkPl, off, bpf.B, ipprotoSCTP))
}

// ports generates the IPv4 and IPv6 tests of "[proto] [dir] port(range)".
func (g *gen) ports(v1, v2 uint32, ipProto int, dir string) *expr {
	a4 := func(off uint32) *expr { return g.portRangeAtom(off, v1, v2, false) }
	a6 := func(off uint32) *expr { return g.portRangeAtom(off, v1, v2, true) }
	// IPv4: protocol, not a later fragment, ports.
	b0 := g.linkType(ethertypeIP)
	tmp := g.ipProtoCheck(9, ipProto)
	b1 := and(tmp, g.ipfrag())
	b1 = and(b1, g.portDir(dir, a4))
	v4 := and(b0, b1)
	// IPv6
	b0 = g.linkType(ethertypeIPV6)
	tmp = g.ipProtoCheck(6, ipProto)
	b1 = and(tmp, g.portDir(dir, a6))
	v6 := and(b0, b1)
	return or(v6, v4)
}

// portProto maps a port qualifier's protocol to an IP protocol number.
func (g *gen) portProto(proto, what string) int {
	switch proto {
	case "udp":
		return ipprotoUDP
	case "tcp":
		return ipprotoTCP
	case "sctp":
		return ipprotoSCTP
	case "":
		return protoUndef
	}
	fail(g.pos, "illegal qualifier of '%s'", what)
	return 0
}

// --- identifiers with qualifiers ---

// id generates code for an operand with its qualifiers.
func (g *gen) id(n *idNode) *expr {
	g.pos = n.pos
	g.checkQualifiers(n)
	switch n.kind {
	case tNUM:
		return g.ncode("", n.num, n.q)
	case tHID:
		if n.masklen >= 0 {
			return g.mcode(n.text, "", n.masklen, n.q)
		}
		if n.mask != "" {
			return g.mcode(n.text, n.mask, 0, n.q)
		}
		return g.ncode(n.text, 0, n.q)
	case tHID6:
		ml := n.masklen
		if ml < 0 {
			ml = 128
		}
		return g.mcode6(n.text, ml, n.q)
	case tEID:
		mac, ok := parseMAC(n.text)
		if !ok {
			fail(n.pos, "invalid Ethernet address '%s'", n.text)
		}
		return g.ecode(mac[:], n.q)
	case tAID:
		fail(n.pos, "'link host $XX' not supported on DLT_%s", dltName(g.dlt))
	case tID:
		return g.scode(n.text, n.q)
	}
	fail(n.pos, "syntax error")
	return nil
}

// atoin parses a dotted IPv4 address or net of 1-4 parts; it returns the
// value (left part first, not shifted) and its length in bits.
func atoin(s string) (uint32, int, bool) {
	var v uint32
	n := 0
	for _, part := range strings.Split(s, ".") {
		x, ok := parseNum(part)
		if !ok || x > 255 {
			return 0, 0, false
		}
		v = v<<8 | x
		n += 8
	}
	return v, n, true
}

// ncode generates code for a number or dotted address s (s == "" means
// the number v).
func (g *gen) ncode(s string, v uint32, q qual) *expr {
	proto, dir := q.proto, q.dir
	vlen := 32
	if s != "" {
		if proto == "decnet" {
			var ok bool
			v, ok = atodn(s)
			if !ok {
				fail(g.pos, "invalid DECnet address '%s'", s)
			}
			vlen = 16
		} else {
			var ok bool
			v, vlen, ok = atoin(s)
			if !ok {
				fail(g.pos, "invalid IPv4 address '%s'", s)
			}
		}
	}
	switch q.addr {
	case "", "host", "net":
		if proto == "decnet" {
			if s == "" {
				fail(g.pos, "invalid DECnet address '%d'", v)
			}
			return g.host(v, 0, proto, dir, q.addr)
		}
		if proto == "link" {
			fail(g.pos, "illegal link layer address")
		}
		mask := uint32(0xffffffff)
		if s == "" && q.addr == "net" {
			for v != 0 && v&0xff000000 == 0 {
				v <<= 8
				mask <<= 8
			}
		} else {
			v <<= uint(32 - vlen)
			mask <<= uint(32 - vlen)
		}
		return g.host(v, mask, proto, dir, q.addr)
	case "port":
		ip := g.portProto(proto, "port")
		if v > 65535 {
			fail(g.pos, "port number %d greater than maximum 65535; illegal port number %d > 65535", v, v)
		}
		return g.ports(v, v, ip, dir)
	case "portrange":
		ip := g.portProto(proto, "portrange")
		if v > 65535 {
			fail(g.pos, "port number %d greater than maximum 65535; illegal port number %d > 65535", v, v)
		}
		return g.ports(v, v, ip, dir)
	case "gateway":
		fail(g.pos, "'gateway' requires a name")
	case "proto":
		if s != "" {
			fail(g.pos, "'proto' qualifier applied to IPv4 address")
		}
		return g.proto(v, proto, dir)
	case "protochain":
		return g.protochain(v, proto)
	}
	fail(g.pos, "syntax error")
	return nil
}

// atodn parses a DECnet address area.node.
func atodn(s string) (uint32, bool) {
	i := strings.IndexByte(s, '.')
	if i < 0 {
		return 0, false
	}
	area, err1 := strconv.ParseUint(s[:i], 10, 32)
	node, err2 := strconv.ParseUint(s[i+1:], 10, 32)
	if err1 != nil || err2 != nil || area > 63 || node > 1023 {
		return 0, false
	}
	return uint32(area<<10 | node), true
}

// mcode generates code for "net A/len" or "net A mask M".
func (g *gen) mcode(s1, s2 string, masklen int, q qual) *expr {
	n, nlen, ok := atoin(s1)
	if !ok {
		fail(g.pos, "invalid IPv4 address '%s'", s1)
	}
	n <<= uint(32 - nlen)
	var m uint32
	if s2 != "" {
		mm, mlen, ok := atoin(s2)
		if !ok {
			fail(g.pos, "invalid IPv4 address '%s'", s2)
		}
		m = mm << uint(32-mlen)
		if n&^m != 0 {
			fail(g.pos, "non-network bits set in \"%s mask %s\"", s1, s2)
		}
	} else {
		if masklen > 32 {
			fail(g.pos, "netmask length %d greater than maximum 32; mask length must be <= 32", masklen)
		}
		if masklen == 0 {
			m = 0
		} else {
			m = 0xffffffff << uint(32-masklen)
		}
		if n&^m != 0 {
			fail(g.pos, "non-network bits set in \"%s/%d\"", s1, masklen)
		}
	}
	switch q.addr {
	case "net":
		return g.host(n, m, q.proto, q.dir, q.addr)
	}
	fail(g.pos, "Mask syntax for networks only")
	return nil
}

// mcode6 generates code for an IPv6 address with a prefix length.
func (g *gen) mcode6(s string, masklen int, q qual) *expr {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		fail(g.pos, "invalid ip6 address %s", s)
	}
	if masklen > 128 {
		fail(g.pos, "mask length must be <= 128")
	}
	addr := a.As16()
	var mask [16]byte
	for i := 0; i < masklen; i++ {
		mask[i/8] |= 0x80 >> uint(i%8)
	}
	for i := range addr {
		if addr[i]&^mask[i] != 0 {
			if masklen == 128 {
				break
			}
			fail(g.pos, "non-network bits set in \"%s/%d\"", s, masklen)
		}
	}
	switch q.addr {
	case "", "host":
		if masklen != 128 {
			fail(g.pos, "Mask syntax for networks only")
		}
		fallthrough
	case "net":
		return g.host6(addr, mask, q.proto, q.dir, q.addr)
	}
	fail(g.pos, "invalid qualifier against IPv6 address")
	return nil
}

// ecode generates code for an Ethernet address.
func (g *gen) ecode(mac []byte, q qual) *expr {
	if (q.addr == "host" || q.addr == "") && q.proto == "link" {
		return g.linkHost(mac, q.dir)
	}
	if q.proto == "link" && (q.addr == "host" || q.addr == "") {
		fail(g.pos, "'link host %s' not supported on DLT_%s", "XX:XX:XX:XX:XX:XX", dltName(g.dlt))
	}
	fail(g.pos, "Ethernet address used in non-ether expression")
	return nil
}

// checkLinkProto range-checks a numeric link-layer protocol.
func (g *gen) checkLinkProto(v uint32) {
	switch g.dlt {
	case dltPPP, dltPPPPPPD, dltPPPBSDOS, dltPPPSerial, dltPPPEther:
		if v > 0xffff {
			fail(g.pos, "PPP protocol %d greater than maximum 65535", v)
		}
	case dltCHDLC:
		if v > 0xffff {
			fail(g.pos, "HDLC protocol %d greater than maximum 65535", v)
		}
	case dltEN10MB, dltLINUXSLL, dltLINUXSLL2, dltNetAnalyzer, dltNetAnalyzerTransparent:
		if v > 0xffff {
			fail(g.pos, "EtherType %d greater than maximum 65535", v)
		}
		if v > 255 && v <= ethermtu {
			fail(g.pos, "LLC DSAP %d greater than maximum 255", v)
		}
	}
}
