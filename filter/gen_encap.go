package filter

import (
	"github.com/snare-pcap/snare/bpf"
)

// other generates the fixed-shape primitives.
func (g *gen) other(n *otherNode) *expr {
	g.pos = n.pos
	switch n.what {
	case "less":
		return not(g.lenCmp(bpf.JGT, n.num))
	case "greater":
		return g.lenCmp(bpf.JGE, n.num)
	case "byte":
		return g.byteop(n.op, n.num, n.num2)
	case "broadcast":
		return g.broadcast(n.proto)
	case "multicast":
		return g.multicast(n.proto)
	case "inbound":
		return g.inboundOutbound(false)
	case "outbound":
		return g.inboundOutbound(true)
	case "ifindex":
		return g.ifindex(n.num)
	case "vlan":
		return g.vlan(n.num, n.hasN)
	case "mpls":
		return g.mpls(n.num, n.hasN)
	case "pppoed":
		return g.linkType(ethertypePPPoED)
	case "pppoes":
		return g.pppoes(n.num, n.hasN)
	case "geneve":
		return g.geneve(n.num, n.hasN)
	case "vxlan":
		return g.vxlan(n.num, n.hasN)
	case "llc":
		return g.llc(n.text)
	}
	fail(n.pos, "'%s' is not supported", n.what)
	return nil
}

func (g *gen) lenCmp(jmp uint16, n uint32) *expr {
	return g.branch([]stmt{{bpf.LD | bpf.LEN | bpf.W, 0}}, bpf.JMP|jmp|bpf.K, n)
}

func (g *gen) byteop(op string, idx, val uint32) *expr {
	if val > 255 {
		fail(g.pos, "byte argument %d greater than maximum 255", val)
	}
	switch op {
	case "=":
		return g.cmp(orLinkHdr, idx, bpf.B, val)
	case "<":
		return g.cmpLT(orLinkHdr, idx, bpf.B, val)
	case ">":
		return g.cmpGT(orLinkHdr, idx, bpf.B, val)
	}
	alu := uint16(bpf.AND)
	if op == "|" {
		alu = bpf.OR
	}
	s := g.loadA(orLinkHdr, idx, bpf.B)
	s = append(s, stmt{bpf.ALU | alu | bpf.K, val})
	return not(g.branch(s, bpf.JMP|bpf.JEQ|bpf.K, 0))
}

func (g *gen) isEthernetLike() bool {
	switch g.dlt {
	case dltEN10MB, dltNetAnalyzer, dltNetAnalyzerTransparent, dltDSATagBRCM, dltDSATagDSA:
		return true
	}
	return false
}

func (g *gen) broadcast(proto string) *expr {
	switch proto {
	case "", "link":
		bcast := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		switch {
		case g.isEthernetLike(), g.dlt == dltFDDI, g.dlt == dltIEEE802:
			return g.linkHost(bcast, "dst")
		}
		fail(g.pos, "'broadcast' not supported on DLT_%s; not a broadcast link", dltName(g.dlt))
	case "ip":
		if g.opts.Netmask == NetmaskUnknown {
			fail(g.pos, "netmask not known, so 'ip broadcast' not supported")
		}
		b0 := g.linkType(ethertypeIP)
		hostmask := ^g.opts.Netmask
		b1 := g.mcmp(orLinkPl, 16, bpf.W, 0, hostmask)
		b2 := g.mcmp(orLinkPl, 16, bpf.W, hostmask, hostmask)
		b2 = or(b1, b2)
		return and(b0, b2)
	}
	fail(g.pos, "only link-layer/IP broadcast filters supported")
	return nil
}

func (g *gen) multicast(proto string) *expr {
	switch proto {
	case "", "link":
		switch {
		case g.isEthernetLike():
			s := g.loadA(orLinkHdr, 0, bpf.B)
			return g.branch(s, bpf.JMP|bpf.JSET|bpf.K, 1)
		case g.dlt == dltFDDI:
			s := g.loadA(orLinkHdr, 1, bpf.B)
			return g.branch(s, bpf.JMP|bpf.JSET|bpf.K, 1)
		case g.dlt == dltIEEE802:
			s := g.loadA(orLinkHdr, 2, bpf.B)
			return g.branch(s, bpf.JMP|bpf.JSET|bpf.K, 1)
		}
		fail(g.pos, "'multicast' not supported on DLT_%s; %s", dltName(g.dlt), linkMulticastOnly)
	case "ip":
		b0 := g.linkType(ethertypeIP)
		b1 := g.mcmp(orLinkPl, 16, bpf.B, 224, 0xf0)
		return and(b0, b1)
	case "ip6":
		b0 := g.linkType(ethertypeIPV6)
		b1 := g.cmp(orLinkPl, 24, bpf.B, 255)
		return and(b0, b1)
	}
	fail(g.pos, "only IP multicast filters supported on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel; %s", linkMulticastOnly)
	return nil
}

// linkMulticastOnly is libpcap 1.10's word for "multicast" where it has
// no meaning.
const linkMulticastOnly = "link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel"

const ancOff = uint32(0xfffff000) // SKF_AD_OFF as an unsigned offset

func (g *gen) inboundOutbound(out bool) *expr {
	switch g.dlt {
	case dltSLIP:
		v := uint32(0)
		if out {
			v = 1
		}
		return g.cmp(orLinkHdr, 0, bpf.B, v)
	case dltIPNET:
		if out {
			return g.cmp(orLinkHdr, 2, bpf.H, 1)
		}
		return g.cmp(orLinkHdr, 2, bpf.H, 2)
	case dltLINUXSLL:
		b := g.cmp(orLinkHdr, 0, bpf.H, 4)
		if !out {
			b = not(b)
		}
		return b
	case dltLINUXSLL2:
		b := g.cmp(orLinkHdr, 10, bpf.B, 4)
		if !out {
			b = not(b)
		}
		return b
	case dltPPPPPPD:
		if out {
			return g.cmp(orLinkHdr, 0, bpf.B, 1)
		}
		return g.cmp(orLinkHdr, 0, bpf.B, 0)
	}
	if !g.opts.LinuxSocket {
		what := "inbound"
		if out {
			what = "outbound"
		}
		fail(g.pos, "not a live capture, '%s' not supported on DLT_%s", what, dltName(g.dlt))
	}
	b := g.cmp(orLinkHdr, ancOff+bpf.AncPktType, bpf.H, 4)
	if !out {
		b = not(b)
	}
	return b
}

func (g *gen) ifindex(v uint32) *expr {
	if g.dlt == dltLINUXSLL2 {
		return g.cmp(orLinkHdr, 4, bpf.W, v)
	}
	if !g.opts.LinuxSocket {
		fail(g.pos, "not a live capture, 'ifindex' not supported on DLT_%s", dltName(g.dlt))
	}
	return g.cmp(orLinkHdr, ancOff+bpf.AncIfIndex, bpf.W, v)
}

// --- VLAN, MPLS, PPPoE ---

func (g *gen) vlanTPIDTest() *expr {
	b0 := g.linkType(ethertype8021Q)
	b1 := g.linkType(ethertype8021AD)
	b1 = or(b0, b1)
	b0 = b1
	b1 = g.linkType(ethertypeQINQ)
	return or(b0, b1)
}

func (g *gen) vlanVIDTest(v uint32) *expr {
	if v > 0x0fff {
		fail(g.pos, "VLAN tag %d greater than maximum %d", v, 0x0fff)
	}
	return g.mcmp(orLinkPl, 0, bpf.H, v, 0x0fff)
}

func (g *gen) vlan(v uint32, has bool) *expr {
	if g.labelStackDepth > 0 {
		fail(g.pos, "no VLAN match after MPLS")
	}
	var b0 *expr
	switch g.dlt {
	case dltEN10MB, dltNetAnalyzer, dltNetAnalyzerTransparent, dltIEEE80211:
		if g.opts.LinuxSocket && g.vlanStackDepth == 0 && !g.offLinkHdr.isVariable &&
			g.offLinkHdr.constant == g.offOuterMostLinkHdr.constant {
			b0 = g.vlanBPFExtensions(v, has)
		} else {
			b0 = g.vlanNoExtensions(v, has)
		}
	default:
		fail(g.pos, "'vlan' not supported on DLT_%s; no VLAN support for %s", dltName(g.dlt), dltDescription(g.dlt))
	}
	g.vlanStackDepth++
	return b0
}

func (g *gen) vlanNoExtensions(v uint32, has bool) *expr {
	b0 := g.vlanTPIDTest()
	if has {
		b1 := g.vlanVIDTest(v)
		b0 = and(b0, b1)
	}
	g.offLinkPl.constant += 4
	g.offLinkType.constant += 4
	return b0
}

// vlanBPFExtensions tests for a VLAN tag using the kernel's metadata
// (the tag was stripped from the packet) or, failing that, in the packet
// data; in the latter case the offsets of what follows move by 4 bytes,
// which is tracked at run time in scratch registers.
func (g *gen) vlanBPFExtensions(v uint32, has bool) *expr {
	b0 := g.branch([]stmt{{bpf.LD | bpf.B | bpf.ABS, ancOff + bpf.AncVlanTagPresent}}, bpf.JMP|bpf.JEQ|bpf.K, 1)
	adj := g.vlanVLOffsetAdd(&g.offLinkPl, 4)
	adj = append(adj, g.vlanVLOffsetAdd(&g.offLinkType, 4)...)
	tpid := g.vlanTPIDTest()
	var vid *expr
	if has {
		if v > 0x0fff {
			fail(g.pos, "VLAN tag %d greater than maximum %d", v, 0x0fff)
		}
		// Take the tag from the metadata or from the packet, then test
		// its VLAN ID.
		sel := g.newBlock(bpf.JMP|bpf.JEQ|bpf.K, 1)
		sel.stmts = []stmt{{bpf.LD | bpf.B | bpf.ABS, ancOff + bpf.AncVlanTagPresent}}
		meta := g.newBlock(bpf.JMP|bpf.JA, 0)
		meta.stmts = []stmt{{bpf.LD | bpf.H | bpf.ABS, ancOff + bpf.AncVlanTag}}
		pkt := g.newBlock(bpf.JMP|bpf.JA, 0)
		pkt.stmts = []stmt{{bpf.LD | bpf.H | bpf.ABS, g.offLinkPl.constant}}
		test := g.branch([]stmt{{bpf.ALU | bpf.AND | bpf.K, 0x0fff}}, bpf.JMP|bpf.JEQ|bpf.K, v)
		sel.jt, sel.jf = meta, pkt
		meta.jt, pkt.jt = test.head, test.head
		vid = &expr{head: sel, trues: test.trues, falses: test.falses}
	}
	// The offset adjustment runs before the in-packet TPID test.
	tpid.head.stmts = append(adj, tpid.head.stmts...)
	b0 = or(b0, tpid)
	if has {
		b0 = and(b0, vid)
	}
	g.offLinkPl.isVariable = true
	g.offLinkType.isVariable = true
	return b0
}

// vlanVLOffsetAdd allocates the run-time register of off if needed and
// returns statements that add v to it.
func (g *gen) vlanVLOffsetAdd(off *absOffset, v uint32) []stmt {
	if off.reg == -1 {
		off.reg = g.allocReg()
		g.initRegs = append(g.initRegs, off.reg)
	}
	return []stmt{
		{bpf.LD | bpf.MEM, uint32(off.reg)},
		{bpf.ALU | bpf.ADD | bpf.K, v},
		{bpf.ST, uint32(off.reg)},
	}
}

func (g *gen) mpls(v uint32, has bool) *expr {
	var b0 *expr
	if g.labelStackDepth > 0 {
		// just match the bottom-of-stack bit clear
		b0 = not(g.branch(g.loadA(orPrevMPLSHdr, 2, bpf.B), bpf.JMP|bpf.JSET|bpf.K, 0x01))
	} else {
		switch g.dlt {
		case dltCHDLC, dltEN10MB, dltNetAnalyzer, dltNetAnalyzerTransparent:
			b0 = g.linkType(ethertypeMPLS)
		case dltPPP:
			b0 = g.linkType(pppMPLSUC)
		default:
			fail(g.pos, "'mpls' not supported on DLT_%s; no MPLS support for %s", dltName(g.dlt), dltDescription(g.dlt))
		}
	}
	if has {
		if v > 0xfffff {
			fail(g.pos, "MPLS label %d greater than maximum %d", v, 0xfffff)
		}
		b1 := g.mcmp(orLinkPl, 0, bpf.W, v<<12, 0xfffff000)
		if b0 != nil {
			b1 = and(b0, b1)
		}
		b0 = b1
	}
	g.offNlNoSnap += 4
	g.offNl += 4
	g.labelStackDepth++
	return b0
}

func (g *gen) pppoes(v uint32, has bool) *expr {
	b0 := g.linkType(ethertypePPPoES)
	if has {
		if v > 0xffff {
			fail(g.pos, "PPPoE session number %d greater than maximum %d", v, 0xffff)
		}
		b1 := g.cmp(orLinkPl, 2, bpf.H, v)
		b0 = and(b0, b1)
	}
	// From here on the link layer is the PPP packet after the 6-byte
	// PPPoE header, as in libpcap: "link[...]" and "ether[...]" index
	// from its first byte, and Ethernet-only primitives are refused.
	g.prevLinkType = g.dlt
	g.offPrevLinkHdr = g.offLinkHdr
	g.dlt = dltPPP
	g.offLinkHdr = absOffset{constant: g.offLinkPl.constant + g.offNl + 6, isVariable: g.offLinkPl.isVariable, reg: g.offLinkPl.reg}
	g.offLinkType = g.offLinkHdr
	g.offLinkPl.constant = g.offLinkHdr.constant + 2
	g.offNl = 0
	g.offNlNoSnap = 0
	return b0
}

// udpTunnel tests for a UDP tunnel (Geneve or VXLAN) over IPv4 or IPv6:
// UDP to port, then the tunnel header checks, then leaves the offset of
// the UDP header's start minus the link payload's constant part in A.
func (g *gen) udpTunnel(port uint32, hdrCheck func(rel offrel) *expr, vni uint32, has bool) *expr {
	// IPv4
	b := g.linkType(ethertypeIP)
	b = and(b, g.cmp(orLinkPl, 9, bpf.B, ipprotoUDP))
	b = and(b, g.ipfrag())
	b = and(b, g.cmp(orTranIPv4, 2, bpf.H, port))
	b = and(b, hdrCheck(orTranIPv4))
	if has {
		b = and(b, g.mcmp(orTranIPv4, 12, bpf.W, vni<<8, 0xffffff00))
	}
	s := g.loadXIPHdrLen()
	s = append(s, stmt{bpf.MISC | bpf.TXA, 0})
	b = and(b, g.branch(s, bpf.JMP|bpf.JEQ|bpf.X, 0))
	// IPv6
	b6 := g.linkType(ethertypeIPV6)
	b6 = and(b6, g.cmp(orLinkPl, 6, bpf.B, ipprotoUDP))
	b6 = and(b6, g.cmp(orTranIPv6, 2, bpf.H, port))
	b6 = and(b6, hdrCheck(orTranIPv6))
	if has {
		b6 = and(b6, g.mcmp(orTranIPv6, 12, bpf.W, vni<<8, 0xffffff00))
	}
	s = g.absOffsetVarPart(&g.offLinkPl)
	if s != nil {
		s = append(s, stmt{bpf.LD | bpf.IMM, 40}, stmt{bpf.ALU | bpf.ADD | bpf.X, 0}, stmt{bpf.MISC | bpf.TAX, 0})
	} else {
		s = []stmt{{bpf.LD | bpf.IMM, 40}, {bpf.MISC | bpf.TAX, 0}}
	}
	b6 = and(b6, g.branch(s, bpf.JMP|bpf.JEQ|bpf.X, 0))
	return or(b, b6)
}

// makeVariable makes off a run-time offset held in a fresh register.
func (g *gen) makeVariable(off *absOffset) uint32 {
	off.isVariable = true
	off.constant = 0
	off.reg = g.allocReg()
	return uint32(off.reg)
}

func (g *gen) geneve(vni uint32, has bool) *expr {
	if has && vni > 0xffffff {
		fail(g.pos, "Geneve VNI %d greater than maximum %d", vni, 0xffffff)
	}
	// Version 0 in the top two bits of the first byte.
	hdr := func(rel offrel) *expr { return g.mcmp(rel, 8, bpf.B, 0, 0xc0) }
	b := g.udpTunnel(6081, hdr, vni, has)
	udpOff := g.offLinkPl.constant + g.offNl + 8
	// A holds the start of the Geneve header (less the constant part).
	lt := g.makeVariable(&g.offLinkType)
	lh := g.makeVariable(&g.offLinkHdr)
	g1 := g.newBlock(bpf.JMP|bpf.JEQ|bpf.K, ethertypeTEB)
	g1.stmts = []stmt{
		{bpf.ALU | bpf.ADD | bpf.K, udpOff},
		{bpf.MISC | bpf.TAX, 0},
		{bpf.ALU | bpf.ADD | bpf.K, 2},
		{bpf.ST, lt},
		{bpf.LD | bpf.IND | bpf.B, 0},
		{bpf.ALU | bpf.AND | bpf.K, 0x3f},
		{bpf.ALU | bpf.MUL | bpf.K, 4},
		{bpf.ALU | bpf.ADD | bpf.K, 8},
		{bpf.ALU | bpf.ADD | bpf.X, 0},
		{bpf.ST, lh},
		{bpf.LD | bpf.IND | bpf.H, 2},
		{bpf.LDX | bpf.MEM, lh},
	}
	pl := g.makeVariable(&g.offLinkPl)
	// Ethernet inside (transparent bridging): the type field and the
	// payload follow the inner Ethernet header.
	g2 := g.newBlock(bpf.JMP|bpf.JA, 0)
	g2.stmts = []stmt{
		{bpf.MISC | bpf.TXA, 0},
		{bpf.ALU | bpf.ADD | bpf.K, 12},
		{bpf.ST, lt},
		{bpf.ALU | bpf.ADD | bpf.K, 2},
		{bpf.MISC | bpf.TAX, 0},
	}
	g3 := g.branch([]stmt{{bpf.STX, pl}, {bpf.LD | bpf.IMM, 0}}, bpf.JMP|bpf.JEQ|bpf.K, 0)
	g1.jt, g1.jf = g2, g3.head
	g2.jt = g3.head
	tail := &expr{head: g1, trues: g3.trues, falses: g3.falses}
	g.offNl, g.offNlNoSnap = 0, 3
	g.isGeneveOrVXLAN = true
	return and(b, tail)
}

func (g *gen) vxlan(vni uint32, has bool) *expr {
	if has && vni > 0xffffff {
		fail(g.pos, "VXLAN VNI %d greater than maximum %d", vni, 0xffffff)
	}
	// The I flag set.
	hdr := func(rel offrel) *expr { return g.cmp(rel, 8, bpf.B, 0x08) }
	b := g.udpTunnel(4789, hdr, vni, has)
	udpOff := g.offLinkPl.constant + g.offNl + 8
	lh := g.makeVariable(&g.offLinkHdr)
	lt := g.makeVariable(&g.offLinkType)
	pl := g.makeVariable(&g.offLinkPl)
	tail := g.branch([]stmt{
		{bpf.ALU | bpf.ADD | bpf.K, udpOff},
		{bpf.ALU | bpf.ADD | bpf.K, 8},
		{bpf.ST, lh},
		{bpf.ALU | bpf.ADD | bpf.K, 12},
		{bpf.ST, lt},
		{bpf.ALU | bpf.ADD | bpf.K, 2},
		{bpf.MISC | bpf.TAX, 0},
		{bpf.STX, pl},
		{bpf.LD | bpf.IMM, 0},
	}, bpf.JMP|bpf.JEQ|bpf.K, 0)
	g.offNl, g.offNlNoSnap = 0, 3
	g.isGeneveOrVXLAN = true
	return and(b, tail)
}

// --- LLC ---

func (g *gen) llcInternal() *expr {
	switch g.dlt {
	case dltEN10MB:
		// An LLC frame has a length, not a type, in the type field,
		// and is not a Netware raw 802.3 frame (0xFFFF).
		b0 := not(g.cmpGT(orLinkType, 0, bpf.H, ethermtu))
		b1 := not(g.cmp(orLLC, 0, bpf.H, 0xffff))
		return and(b0, b1)
	case dltFDDI, dltIEEE802:
		return g.gtrue()
	}
	fail(g.pos, "'llc' not supported on DLT_%s; 'llc' not supported for %s", dltName(g.dlt), dltDescription(g.dlt))
	return nil
}

func (g *gen) llc(sub string) *expr {
	if sub == "" {
		return g.llcInternal()
	}
	b0 := g.llcInternal()
	var b1 *expr
	switch sub {
	case "i":
		// I frames: low bit of control clear.
		s := g.loadA(orLLC, 2, bpf.B)
		b1 = not(g.branch(s, bpf.JMP|bpf.JSET|bpf.K, 0x01))
	case "s":
		b1 = g.mcmp(orLLC, 2, bpf.B, 0x01, 0x03)
	case "u":
		b1 = g.mcmp(orLLC, 2, bpf.B, 0x03, 0x03)
	default:
		sub2, ok := llcSubtypes[sub]
		if !ok {
			fail(g.pos, "unknown 802.2 LLC subtype '%s'; unknown LLC type name \"%s\"", sub, sub)
		}
		if sub2.u {
			b1 = g.mcmp(orLLC, 2, bpf.B, sub2.v, 0xef)
		} else {
			b1 = g.mcmp(orLLC, 2, bpf.B, sub2.v, 0x0f)
		}
	}
	return and(b0, b1)
}

var llcSubtypes = map[string]struct {
	v uint32
	u bool
}{
	"rr": {0x01, false}, "rnr": {0x05, false}, "rej": {0x09, false},
	"ui": {0x03, true}, "ua": {0x63, true}, "disc": {0x43, true}, "dm": {0x0f, true},
	"sabme": {0x6f, true}, "test": {0xe3, true}, "xid": {0xaf, true}, "frmr": {0x87, true},
}

// insertVarOffsets initializes, at the start of the program, the
// scratch registers that hold the run-time parts of the offsets.
func (g *gen) insertVarOffsets(e *expr) {
	var pre []stmt
	for _, r := range g.initRegs {
		if pre == nil {
			pre = append(pre, stmt{bpf.LD | bpf.IMM, 0})
		}
		pre = append(pre, stmt{bpf.ST, uint32(r)})
	}
	if pre != nil {
		e.head.stmts = append(pre, e.head.stmts...)
	}
}

// mplsLinktype tests the protocol carried inside an MPLS label stack.
func (g *gen) mplsLinktype(p uint32) *expr {
	var ver uint32
	switch p {
	case ethertypeIP:
		ver = 0x40
	case ethertypeIPV6:
		ver = 0x60
	default:
		fail(g.pos, "unsupported protocol over mpls")
	}
	// bottom of stack bit, then the IP version
	b0 := g.mcmp(orPrevMPLSHdr, 2, bpf.B, 0x01, 0x01)
	b1 := g.mcmp(orLinkPl, 0, bpf.B, ver, 0xf0)
	return and(b0, b1)
}
