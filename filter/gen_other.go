package filter

import (
	"bytes"
	"net/netip"
	"sort"
	"strings"

	"github.com/snare-pcap/snare/bpf"
)

// scode generates code for a name with its qualifiers.
func (g *gen) scode(name string, q qual) *expr {
	proto, dir := q.proto, q.dir
	switch q.addr {
	case "net":
		addr, ok := g.res.network(name)
		if !ok {
			fail(g.pos, "unknown network '%s'", name)
		}
		mask := uint32(0xffffffff)
		for addr != 0 && addr&0xff000000 == 0 {
			addr <<= 8
			mask <<= 8
		}
		return g.host(addr, mask, proto, dir, q.addr)
	case "", "host":
		if proto == "link" {
			if !(g.isEthernetLike() || g.dlt == dltFDDI || g.dlt == dltIEEE802) {
				fail(g.pos, "'link host NAME' not supported on DLT_%s", dltName(g.dlt))
			}
			mac, ok := g.res.ether(name)
			if !ok {
				if g.isEthernetLike() || g.dlt == dltFDDI || g.dlt == dltIEEE802 {
					fail(g.pos, "unknown Ethernet-like host '%s'", name)
				}
				fail(g.pos, "'link host %s' not supported on DLT_%s", name, dltName(g.dlt))
			}
			return g.linkHost(mac[:], dir)
		}
		if proto == "decnet" {
			fail(g.pos, "invalid DECnet address '%s'", name)
		}
		return g.hostByName(name, proto, dir, q.addr)
	case "port":
		if proto != "" && proto != "udp" && proto != "tcp" && proto != "sctp" {
			fail(g.pos, "illegal qualifier of 'port'")
		}
		port, real, ok := g.res.port(name, proto)
		if !ok {
			fail(g.pos, "unknown port '%s'", name)
		}
		return g.ports(port, port, real, dir)
	case "portrange":
		if proto != "" && proto != "udp" && proto != "tcp" && proto != "sctp" {
			fail(g.pos, "illegal qualifier of 'portrange'")
		}
		lo, hi, real := g.portRange(name, proto)
		return g.ports(lo, hi, real, dir)
	case "gateway":
		if g.isGeneveOrVXLAN {
			fail(g.pos, "'gateway' cannot be used within VXLAN or Geneve")
		}
		mac, ok := g.res.ether(name)
		if !ok {
			fail(g.pos, "unknown Ethernet-like host '%s'", name)
		}
		addrs := g.res.host(name)
		if v4, _ := splitAddrs(addrs); len(v4) == 0 {
			fail(g.pos, "unknown host '%s'", name)
		}
		return g.gateway(mac[:], addrs, proto, dir)
	case "proto":
		v := g.lookupProto(name, proto, "proto")
		return g.proto(uint32(v), proto, dir)
	case "protochain":
		if proto == "" {
			if _, ok := g.res.protocol(name); !ok {
				fail(g.pos, "unknown 'protochain' value '%s'", name)
			}
		}
		v := g.lookupProto(name, proto, "protochain")
		return g.protochain(uint32(v), proto)
	}
	fail(g.pos, "syntax error")
	return nil
}

// portRange parses "lo-hi" where each end is a number or a service name.
func (g *gen) portRange(s, proto string) (uint32, uint32, int) {
	one := func(p string) (uint32, int) {
		if v, ok := parseNum(p); ok && p != "" && isDigit(p[0]) {
			if v > 65535 {
				fail(g.pos, "port number %d greater than maximum 65535; illegal port number %d > 65535", v, v)
			}
			return v, protoUndef
		}
		v, real, ok := g.res.port(p, proto)
		if !ok {
			fail(g.pos, "unknown port in range '%s'", s)
		}
		return v, real
	}
	i := strings.IndexByte(s, '-')
	if i < 0 {
		v, r := one(s)
		return v, v, g.realProto(proto, r)
	}
	lo, r1 := one(s[:i])
	hi, r2 := one(s[i+1:])
	r := r1
	if r == protoUndef {
		r = r2
	}
	return lo, hi, g.realProto(proto, r)
}

func (g *gen) realProto(proto string, r int) int {
	switch proto {
	case "udp":
		return ipprotoUDP
	case "tcp":
		return ipprotoTCP
	case "sctp":
		return ipprotoSCTP
	}
	return r
}

// lookupProto resolves a protocol name for "proto" and "protochain".
func (g *gen) lookupProto(name, proto, what string) int {
	unknown := func() {
		if proto == "" {
			fail(g.pos, "unknown '%s' value '%s'", what, name)
		}
		fail(g.pos, "unknown '%s %s' value '%s'", proto, what, name)
	}
	switch proto {
	case "", "ip", "ip6":
		v, ok := g.res.protocol(name)
		if !ok {
			unknown()
		}
		return v
	case "link":
		if v, ok := etherProtos[strings.ToLower(name)]; ok {
			return int(v)
		}
		if v, ok := llcProtos[strings.ToLower(name)]; ok {
			return int(v)
		}
		unknown()
	case "iso":
		switch name {
		case "esis":
			return isoESIS
		case "isis":
			return isoISIS
		case "clnp":
			return isoCLNP
		}
		unknown()
	}
	unknown()
	return 0
}

// etherProtos are the Ethernet type names libpcap knows.
var etherProtos = map[string]uint32{
	"aarp": ethertypeAARP, "arp": ethertypeARP, "atalk": ethertypeATALK,
	"decnet": ethertypeDN, "ip": ethertypeIP, "ip6": ethertypeIPV6,
	"lat": ethertypeLAT, "loopback": 0x9000, "mopdl": ethertypeMOPDL,
	"moprc": ethertypeMOPRC, "rarp": ethertypeREVARP, "sca": ethertypeSCA,
	"lldp": 0x88cc, "slow": 0x8809,
}

// llcProtos are the LLC SAP names libpcap knows.
var llcProtos = map[string]uint32{
	"iso": llcsapISONS, "stp": llcsap8021D, "ipx": llcsapIPX, "netbeui": llcsapNETBEUI,
}

// splitAddrs returns a name's IPv4 and IPv6 addresses, each sorted.
func splitAddrs(addrs []netip.Addr) (v4 []uint32, v6 [][16]byte) {
	for _, a := range addrs {
		if a.Is4() || a.Is4In6() {
			b := a.Unmap().As4()
			v4 = append(v4, be32(b[:]))
		} else {
			v6 = append(v6, a.As16())
		}
	}
	sort.Slice(v4, func(i, j int) bool { return v4[i] < v4[j] })
	sort.Slice(v6, func(i, j int) bool { return bytes.Compare(v6[i][:], v6[j][:]) < 0 })
	return v4, v6
}

// hostList4 tests whether any of the IPv4 addresses matches, for one
// protocol ("ip", "arp", "rarp"); negate tests that none does.
func (g *gen) hostList4(v4 []uint32, proto, dir string, negate bool) *expr {
	var lt, src, dst uint32
	switch proto {
	case "ip":
		lt, src, dst = ethertypeIP, 12, 16
	case "arp":
		lt, src, dst = ethertypeARP, 14, 24
	case "rarp":
		lt, src, dst = ethertypeREVARP, 14, 24
	}
	b0 := g.linkType(lt)
	var m *expr
	for _, a := range v4 {
		t := g.hostop(a, 0xffffffff, dir, lt, src, dst)
		if m == nil {
			m = t
		} else {
			m = or(m, t)
		}
	}
	if negate {
		m = not(m)
	}
	return and(b0, m)
}

// hostByName generates "[proto] [dir] host NAME".
func (g *gen) hostByName(name, proto, dir, typ string) *expr {
	addrs := g.res.host(name)
	if len(addrs) == 0 {
		fail(g.pos, "unknown host '%s'", name)
	}
	v4, v6 := splitAddrs(addrs)
	tproto, tproto6 := proto, proto
	if g.offLinkType.constant == offsetNotSet && !g.offLinkType.isVariable && proto == "" {
		tproto, tproto6 = "ip", "ip6"
	}
	var b4, b6 *expr
	if len(v4) > 0 {
		switch tproto {
		case "":
			b4 = g.hostList4(v4, "ip", dir, false)
			if g.labelStackDepth == 0 {
				b4 = or(b4, g.hostList4(v4, "arp", dir, false))
				b4 = or(b4, g.hostList4(v4, "rarp", dir, false))
			}
		case "ip", "arp", "rarp":
			b4 = g.hostList4(v4, tproto, dir, false)
		case "ip6":
		default:
			fail(g.pos, "'%s' modifier applied to %s", tproto, typ)
		}
	}
	if len(v6) > 0 {
		switch tproto6 {
		case "", "ip6":
			var ones [16]byte
			for i := range ones {
				ones[i] = 0xff
			}
			b0 := g.linkType(ethertypeIPV6)
			var m *expr
			for _, a := range v6 {
				t := g.hostop6(a, ones, dir, ethertypeIPV6, 8, 24)
				if m == nil {
					m = t
				} else {
					m = or(m, t)
				}
			}
			b6 = and(b0, m)
		case "ip", "arp", "rarp":
		default:
			fail(g.pos, "'%s' modifier applied to %s", tproto6, typ)
		}
	}
	switch {
	case b4 != nil && b6 != nil:
		return or(b4, b6)
	case b4 != nil:
		return b4
	case b6 != nil:
		return b6
	}
	suffix := ""
	if proto != "" {
		suffix = " for specified address family"
	}
	fail(g.pos, "unknown host '%s'%s", name, suffix)
	return nil
}

// gateway: the packet's link-layer address is the host's, but its IP
// address is not.
func (g *gen) gateway(mac []byte, addrs []netip.Addr, proto, dir string) *expr {
	if dir != "" {
		fail(g.pos, "direction applied to 'gateway'")
	}
	switch proto {
	case "", "ip", "arp", "rarp":
	default:
		fail(g.pos, "illegal modifier of 'gateway'")
	}
	var b0 *expr
	switch g.dlt {
	case dltEN10MB, dltNetAnalyzer, dltNetAnalyzerTransparent, dltFDDI, dltIEEE802:
		b0 = g.linkHost(mac, "or")
	default:
		fail(g.pos, "'gateway' supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel")
	}
	v4, _ := splitAddrs(addrs)
	if len(v4) == 0 {
		fail(g.pos, "unknown host")
	}
	var b1 *expr
	if proto == "" {
		b1 = g.hostList4(v4, "ip", "or", true)
		b1 = or(b1, g.hostList4(v4, "arp", "or", true))
		b1 = or(b1, g.hostList4(v4, "rarp", "or", true))
	} else {
		b1 = g.hostList4(v4, proto, "or", true)
	}
	return and(b0, b1)
}

// asm assembles statements with internal jumps to labels.
type asm struct {
	s      []stmt
	labels map[string]int
	refs   []asmRef
}

type asmRef struct {
	at     int
	jt, jf string // labels ("" = next); for JA, jt only
}

func (a *asm) op(op uint16, k uint32) { a.s = append(a.s, stmt{op: op, k: k}) }
func (a *asm) label(l string)         { a.labels[l] = len(a.s) }
func (a *asm) jmp(op uint16, k uint32, jt, jf string) {
	a.refs = append(a.refs, asmRef{len(a.s), jt, jf})
	a.s = append(a.s, stmt{op: op, k: k})
}

func (a *asm) resolve() ([]stmt, map[int][2]uint8) {
	jumps := map[int][2]uint8{}
	for _, r := range a.refs {
		rel := func(l string) int {
			if l == "" {
				return 0
			}
			return a.labels[l] - (r.at + 1)
		}
		st := &a.s[r.at]
		if st.op&0xf0 == bpf.JA {
			st.k = uint32(int32(rel(r.jt)))
		} else {
			jumps[r.at] = [2]uint8{uint8(rel(r.jt)), uint8(rel(r.jf))}
		}
	}
	return a.s, jumps
}

// protochain follows the IPv6 extension header chain (and AH for both
// IPv4 and IPv6) looking for protocol v, as libpcap does, with a loop
// (a backward jump) inside one block.
func (g *gen) protochain(v uint32, proto string) *expr {
	if g.offLinkPl.isVariable {
		fail(g.pos, "'protochain' not supported with variable length headers")
	}
	if v > 255 {
		fail(g.pos, "protocol number %d greater than maximum 255", v)
	}
	reg := g.allocReg()
	defer g.freeReg(reg)
	switch proto {
	case "":
		b0 := g.protochain(v, "ip")
		b := g.protochain(v, "ip6")
		return or(b0, b)
	case "ip", "ip6":
	default:
		fail(g.pos, "bad protocol applied for 'protochain'")
	}
	c := g.offLinkPl.constant + g.offNl
	a := &asm{labels: map[string]int{}}
	const jeqK = bpf.JMP | bpf.JEQ | bpf.K
	var b0 *expr
	if proto == "ip" {
		b0 = g.linkType(ethertypeIP)
		a.op(bpf.LD|bpf.ABS|bpf.B, c+9)
		a.op(bpf.LDX|bpf.MSH|bpf.B, c)
	} else {
		b0 = g.linkType(ethertypeIPV6)
		a.op(bpf.LD|bpf.ABS|bpf.B, c+6)
		a.op(bpf.LDX|bpf.IMM, 40)
	}
	a.label("loop")
	a.jmp(jeqK, v, "found", "")
	a.jmp(jeqK, ipprotoNone, "found", "")
	if proto == "ip6" {
		a.jmp(jeqK, ipprotoHopOpts, "ext", "")
		a.jmp(jeqK, ipprotoDstOpts, "ext", "")
		a.jmp(jeqK, ipprotoRouting, "ext", "")
		a.jmp(jeqK, ipprotoFragment, "ext", "ah")
		// An extension header: next header, then its length in 8-byte
		// units not counting the first 8.
		a.label("ext")
		a.op(bpf.LD|bpf.IND|bpf.B, c)
		a.op(bpf.ST, uint32(reg))
		a.op(bpf.LD|bpf.IND|bpf.B, c+1)
		a.op(bpf.ALU|bpf.ADD|bpf.K, 1)
		a.op(bpf.ALU|bpf.MUL|bpf.K, 8)
		a.op(bpf.ALU|bpf.ADD|bpf.X, 0)
		a.op(bpf.MISC|bpf.TAX, 0)
		a.op(bpf.LD|bpf.MEM, uint32(reg))
		a.jmp(bpf.JMP|bpf.JA, 0, "loop", "")
	} else {
		a.op(bpf.ALU|bpf.ADD|bpf.K, 0)
	}
	// AH: next header, then its length in 4-byte units less 2.
	a.label("ah")
	a.jmp(jeqK, ipprotoAH, "", "found")
	a.op(bpf.LD|bpf.IND|bpf.B, c)
	a.op(bpf.ST, uint32(reg))
	a.op(bpf.MISC|bpf.TXA, 0)
	a.op(bpf.ALU|bpf.ADD|bpf.K, 1)
	a.op(bpf.MISC|bpf.TAX, 0)
	a.op(bpf.LD|bpf.IND|bpf.B, c)
	a.op(bpf.ALU|bpf.ADD|bpf.K, 2)
	a.op(bpf.ALU|bpf.MUL|bpf.K, 4)
	a.op(bpf.MISC|bpf.TAX, 0)
	a.op(bpf.LD|bpf.MEM, uint32(reg))
	a.jmp(bpf.JMP|bpf.JA, 0, "loop", "")
	a.label("found")
	a.op(bpf.ALU|bpf.ADD|bpf.K, 0)
	stmts, jumps := a.resolve()
	b := g.branch(stmts, jeqK, v)
	b.head.jumps = jumps
	return and(b0, b)
}

// --- arithmetic ---

// arthVal is the value of an arithmetic expression: the statements that
// compute it into scratch register reg, and the protocol checks the
// loads it uses depend on.
type arthVal struct {
	s   []stmt
	reg int
	b   *expr
}

func (g *gen) arth(a *arth) *arthVal {
	g.pos = a.pos
	switch a.op {
	case "num":
		r := g.allocReg()
		return &arthVal{s: []stmt{{bpf.LD | bpf.IMM, a.num}, {bpf.ST, uint32(r)}}, reg: r}
	case "len":
		r := g.allocReg()
		return &arthVal{s: []stmt{{bpf.LD | bpf.LEN | bpf.W, 0}, {bpf.ST, uint32(r)}}, reg: r}
	case "load":
		inst := g.arth(a.l)
		g.pos = a.pos
		return g.load(a.proto, inst, a.size)
	case "neg":
		v := g.arth(a.l)
		v.s = append(v.s, stmt{bpf.LD | bpf.MEM, uint32(v.reg)}, stmt{bpf.ALU | bpf.NEG, 0}, stmt{bpf.ST, uint32(v.reg)})
		return v
	}
	l := g.arth(a.l)
	r := g.arth(a.r)
	g.pos = a.pos
	var code uint16
	switch a.op {
	case "+":
		code = bpf.ADD
	case "-":
		code = bpf.SUB
	case "*":
		code = bpf.MUL
	case "/":
		code = bpf.DIV
	case "%":
		code = bpf.MOD
	case "&":
		code = bpf.AND
	case "|":
		code = bpf.OR
	case "^":
		code = bpf.XOR
	case "<<":
		code = bpf.LSH
	case ">>":
		code = bpf.RSH
	}
	if isConst(r) {
		k := r.s[0].k
		switch {
		case code == bpf.DIV && k == 0:
			fail(a.pos, "division by zero")
		case code == bpf.MOD && k == 0:
			fail(a.pos, "modulus by zero")
		case (code == bpf.LSH || code == bpf.RSH) && k > 31:
			fail(a.pos, "shift by more than 31 bits")
		}
	}
	s := append(l.s, r.s...)
	s = append(s, stmt{bpf.LDX | bpf.MEM, uint32(r.reg)}, stmt{bpf.LD | bpf.MEM, uint32(l.reg)}, stmt{bpf.ALU | code | bpf.X, 0})
	g.freeReg(l.reg)
	g.freeReg(r.reg)
	reg := g.allocReg()
	s = append(s, stmt{bpf.ST, uint32(reg)})
	b := l.b
	if r.b != nil {
		if b != nil {
			b = and(b, r.b)
		} else {
			b = r.b
		}
	}
	return &arthVal{s: s, reg: reg, b: b}
}

func isConst(v *arthVal) bool {
	return len(v.s) == 2 && v.s[0].op == bpf.LD|bpf.IMM && v.b == nil
}

// load generates "proto[inst:size]".
func (g *gen) load(proto string, inst *arthVal, size uint32) *arthVal {
	reg := g.allocReg()
	g.freeReg(inst.reg)
	var sz uint16
	switch size {
	case 1:
		sz = bpf.B
	case 2:
		sz = bpf.H
	case 4:
		sz = bpf.W
	default:
		fail(g.pos, "data size must be 1, 2, or 4")
	}
	xferX := stmt{bpf.LDX | bpf.MEM, uint32(inst.reg)}
	xferA := stmt{bpf.LD | bpf.MEM, uint32(inst.reg)}
	switch proto {
	case "link":
		s := g.absOffsetVarPart(&g.offLinkHdr)
		if s != nil {
			s = append(s, xferA, stmt{bpf.ALU | bpf.ADD | bpf.X, 0}, stmt{bpf.MISC | bpf.TAX, 0})
		} else {
			s = []stmt{xferX}
		}
		s = append(s, stmt{bpf.LD | bpf.IND | sz, g.offLinkHdr.constant})
		inst.s = append(inst.s, s...)
	case "ip", "arp", "rarp", "atalk", "decnet", "sca", "lat", "mopdl", "moprc", "ip6":
		s := g.absOffsetVarPart(&g.offLinkPl)
		if s != nil {
			s = append(s, xferA, stmt{bpf.ALU | bpf.ADD | bpf.X, 0}, stmt{bpf.MISC | bpf.TAX, 0})
		} else {
			s = []stmt{xferX}
		}
		s = append(s, stmt{bpf.LD | bpf.IND | sz, g.offLinkPl.constant + g.offNl})
		inst.s = append(inst.s, s...)
		b := g.protoAbbrev(proto)
		if inst.b != nil {
			b = and(inst.b, b)
		}
		inst.b = b
	case "sctp", "tcp", "udp", "icmp", "igmp", "igrp", "pim", "vrrp", "carp":
		s := g.loadXIPHdrLen()
		s = append(s, xferA, stmt{bpf.ALU | bpf.ADD | bpf.X, 0}, stmt{bpf.MISC | bpf.TAX, 0},
			stmt{bpf.LD | bpf.IND | sz, g.offLinkPl.constant + g.offNl})
		inst.s = append(inst.s, s...)
		b := and(g.cmp(orLinkPl, 9, bpf.B, transportProtos[proto]), g.ipfrag())
		if inst.b != nil {
			b = and(inst.b, b)
		}
		b = and(g.protoAbbrev("ip"), b)
		inst.b = b
	case "icmp6":
		b0 := g.linkType(ethertypeIPV6)
		b1 := g.cmp(orLinkPl, 6, bpf.B, ipprotoICMPv6)
		b1 = and(b0, b1)
		s := g.absOffsetVarPart(&g.offLinkPl)
		if s != nil {
			s = append(s, xferA, stmt{bpf.ALU | bpf.ADD | bpf.X, 0}, stmt{bpf.MISC | bpf.TAX, 0})
		} else {
			s = []stmt{xferX}
		}
		s = append(s, stmt{bpf.LD | bpf.IND | sz, g.offLinkPl.constant + g.offNl + 40})
		inst.s = append(inst.s, s...)
		if inst.b != nil {
			b1 = and(inst.b, b1)
		}
		inst.b = b1
	default:
		fail(g.pos, "'%s' does not support the index operation; unsupported index operation", proto)
	}
	inst.reg = reg
	inst.s = append(inst.s, stmt{bpf.ST, uint32(reg)})
	return inst
}

// relation generates "l op r".
func (g *gen) relation(n *relNode) *expr {
	a0 := g.arth(n.l)
	a1 := g.arth(n.r)
	g.pos = n.pos
	var code uint16
	rev := false
	switch n.op {
	case ">":
		code = bpf.JGT
	case ">=":
		code = bpf.JGE
	case "=":
		code = bpf.JEQ
	case "<":
		code, rev = bpf.JGE, true
	case "<=":
		code, rev = bpf.JGT, true
	case "!=":
		code, rev = bpf.JEQ, true
	}
	s := append(a0.s, a1.s...)
	s = append(s, stmt{bpf.LDX | bpf.MEM, uint32(a1.reg)}, stmt{bpf.LD | bpf.MEM, uint32(a0.reg)})
	b := g.branch(s, bpf.JMP|code|bpf.X, 0)
	if rev {
		b = not(b)
	}
	g.freeReg(a0.reg)
	g.freeReg(a1.reg)
	var tmp *expr
	if a0.b != nil {
		if a1.b != nil {
			tmp = and(a0.b, a1.b)
		} else {
			tmp = a0.b
		}
	} else {
		tmp = a1.b
	}
	if tmp != nil {
		b = and(tmp, b)
	}
	return b
}

// transportProtos are the IP protocol numbers of the transport names.
var transportProtos = map[string]uint32{
	"sctp": ipprotoSCTP, "tcp": ipprotoTCP, "udp": ipprotoUDP, "icmp": ipprotoICMP,
	"igmp": ipprotoIGMP, "igrp": ipprotoIGRP, "pim": ipprotoPIM, "vrrp": ipprotoVRRP, "carp": ipprotoCARP,
}
