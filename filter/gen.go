package filter

import (
	"github.com/snare-pcap/snare/bpf"
)

// Offset bases for loads (libpcap's e_offrel).
type offrel int

const (
	orPacket       offrel = iota // relative to the start of the packet
	orLinkHdr                    // relative to the link-layer header
	orPrevLinkHdr                // relative to the previous link-layer header
	orLLC                        // relative to the 802.2 LLC header
	orPrevMPLSHdr                // relative to the previous MPLS header
	orLinkType                   // relative to the link-layer type field
	orLinkPl                     // relative to the link-layer payload
	orLinkPlNoSnap               // relative to the payload, no SNAP header
	orTranIPv4                   // relative to the IPv4 transport header
	orTranIPv6                   // relative to the IPv6 transport header
)

// absOffset is an offset that may have a part known only at run time,
// kept in scratch register reg (libpcap's bpf_abs_offset).
type absOffset struct {
	constant   uint32
	isVariable bool
	reg        int
}

const offsetNotSet = 0xffffffff

// gen is the code generator state for one compilation.
type gen struct {
	opts   *Options
	res    *Resolver
	dlt    uint32
	nextID int

	// Register allocation (round robin, as libpcap).
	regused [bpf.MemWords]bool
	curreg  int

	offLinkHdr, offPrevLinkHdr, offLinkType, offLinkPl absOffset
	offOuterMostLinkHdr                                absOffset
	offNl, offNlNoSnap                                 uint32
	prevLinkType                                       uint32 // linktype before encapsulation, offsetNotSet if none

	isGeneveOrVXLAN bool
	initRegs        []int // registers to zero at the start
	labelStackDepth int
	vlanStackDepth  int

	// statements to run before the root (variable offsets).
	pos int
}

func newGen(opts *Options) *gen {
	g := &gen{opts: opts, res: opts.Resolver, dlt: uint32(opts.LinkType), prevLinkType: offsetNotSet}
	g.initLinktype()
	return g
}

func (g *gen) newBlock(op uint16, k uint32) *block {
	g.nextID++
	return &block{id: g.nextID, op: op, k: k}
}

// newExpr wraps a single conditional block as an expression.
func (g *gen) branch(stmts []stmt, op uint16, k uint32) *expr {
	b := g.newBlock(op, k)
	b.stmts = stmts
	return &expr{head: b, trues: []exit{{b, true}}, falses: []exit{{b, false}}}
}

func (g *gen) allocReg() int {
	for n := 0; n < bpf.MemWords; n++ {
		if g.regused[g.curreg] {
			g.curreg = (g.curreg + 1) % bpf.MemWords
		} else {
			g.regused[g.curreg] = true
			return g.curreg
		}
	}
	fail(g.pos, "too many registers needed to evaluate expression")
	return 0
}

func (g *gen) freeReg(n int) {
	if n >= 0 && n < bpf.MemWords {
		g.regused[n] = false
	}
}

// program generates code for the whole tree and adds the returns.
func (g *gen) program(n node) *block {
	var e *expr
	if n == nil {
		e = nil
	} else {
		e = g.node(n)
	}
	snap := uint32(g.opts.SnapLen)
	if e == nil {
		return g.newBlock(bpf.RET|bpf.K, snap)
	}
	g.insertVarOffsets(e)
	accept := g.newBlock(bpf.RET|bpf.K, snap)
	reject := g.newBlock(bpf.RET|bpf.K, 0)
	patch(e.trues, accept)
	patch(e.falses, reject)
	return e.head
}

// node generates code for one tree node.
func (g *gen) node(n node) *expr {
	g.pos = n.position()
	switch n := n.(type) {
	case *andNode:
		l := g.node(n.l)
		r := g.node(n.r)
		return and(l, r)
	case *orNode:
		l := g.node(n.l)
		r := g.node(n.r)
		return or(l, r)
	case *notNode:
		return not(g.node(n.x))
	case *idNode:
		return g.id(n)
	case *protoNode:
		return g.protoAbbrev(n.proto)
	case *relNode:
		return g.relation(n)
	case *otherNode:
		return g.other(n)
	}
	panic("filter: unknown node")
}

// --- loads and comparisons ---

// absOffsetVarPart returns the statements that load the variable part of
// off into X, or nil when off is constant.
func (g *gen) absOffsetVarPart(off *absOffset) []stmt {
	if !off.isVariable {
		return nil
	}
	if off.reg == -1 {
		off.reg = g.allocReg()
	}
	return []stmt{{bpf.LDX | bpf.MEM, uint32(off.reg)}}
}

func (g *gen) loadAbsOffsetRel(off *absOffset, offset uint32, size uint16) []stmt {
	s := g.absOffsetVarPart(off)
	if s != nil {
		return append(s, stmt{bpf.LD | bpf.IND | size, off.constant + offset})
	}
	return []stmt{{bpf.LD | bpf.ABS | size, off.constant + offset}}
}

// loadA returns statements that load size bytes at offset relative to
// offrel into A.
func (g *gen) loadA(rel offrel, offset uint32, size uint16) []stmt {
	switch rel {
	case orPacket:
		return []stmt{{bpf.LD | bpf.ABS | size, offset}}
	case orLinkHdr:
		return g.loadAbsOffsetRel(&g.offLinkHdr, offset, size)
	case orPrevLinkHdr:
		return g.loadAbsOffsetRel(&g.offPrevLinkHdr, offset, size)
	case orLLC:
		return g.loadAbsOffsetRel(&g.offLinkPl, offset, size)
	case orPrevMPLSHdr:
		return g.loadAbsOffsetRel(&g.offLinkPl, g.offNl-4+offset, size)
	case orLinkPl:
		return g.loadAbsOffsetRel(&g.offLinkPl, g.offNl+offset, size)
	case orLinkPlNoSnap:
		return g.loadAbsOffsetRel(&g.offLinkPl, g.offNlNoSnap+offset, size)
	case orLinkType:
		return g.loadAbsOffsetRel(&g.offLinkType, offset, size)
	case orTranIPv4:
		s := g.loadXIPHdrLen()
		return append(s, stmt{bpf.LD | bpf.IND | size, g.offLinkPl.constant + g.offNl + offset})
	case orTranIPv6:
		return g.loadAbsOffsetRel(&g.offLinkPl, g.offNl+40+offset, size)
	}
	panic("filter: bad offrel")
}

// loadXIPHdrLen loads the IPv4 header length into X.
func (g *gen) loadXIPHdrLen() []stmt {
	s := g.absOffsetVarPart(&g.offLinkPl)
	if s != nil {
		return append(s,
			stmt{bpf.LD | bpf.IND | bpf.B, g.offLinkPl.constant + g.offNl},
			stmt{bpf.ALU | bpf.AND | bpf.K, 0xf},
			stmt{bpf.ALU | bpf.LSH | bpf.K, 2},
			stmt{bpf.ALU | bpf.ADD | bpf.X, 0},
			stmt{bpf.MISC | bpf.TAX, 0})
	}
	return []stmt{{bpf.LDX | bpf.MSH | bpf.B, g.offLinkPl.constant + g.offNl}}
}

// ncmp compares (load & mask) with v using jtype; reverse negates
// "greater" comparisons to form "less" ones.
func (g *gen) ncmp(rel offrel, offset uint32, size uint16, mask uint32, jtype uint16, reverse bool, v uint32) *expr {
	s := g.loadA(rel, offset, size)
	if mask != 0xffffffff {
		s = append(s, stmt{bpf.ALU | bpf.AND | bpf.K, mask})
	}
	e := g.branch(s, bpf.JMP|jtype|bpf.K, v)
	if reverse && (jtype == bpf.JGT || jtype == bpf.JGE) {
		e = not(e)
	}
	return e
}

func (g *gen) cmp(rel offrel, off uint32, size uint16, v uint32) *expr {
	return g.ncmp(rel, off, size, 0xffffffff, bpf.JEQ, false, v)
}
func (g *gen) cmpGT(rel offrel, off uint32, size uint16, v uint32) *expr {
	return g.ncmp(rel, off, size, 0xffffffff, bpf.JGT, false, v)
}
func (g *gen) cmpGE(rel offrel, off uint32, size uint16, v uint32) *expr {
	return g.ncmp(rel, off, size, 0xffffffff, bpf.JGE, false, v)
}
func (g *gen) cmpLT(rel offrel, off uint32, size uint16, v uint32) *expr {
	return g.ncmp(rel, off, size, 0xffffffff, bpf.JGE, true, v)
}
func (g *gen) cmpLE(rel offrel, off uint32, size uint16, v uint32) *expr {
	return g.ncmp(rel, off, size, 0xffffffff, bpf.JGT, true, v)
}
func (g *gen) mcmp(rel offrel, off uint32, size uint16, v, mask uint32) *expr {
	return g.ncmp(rel, off, size, mask, bpf.JEQ, false, v)
}

// bcmp compares len(v) bytes at offset with v, in word, half-word and
// byte pieces from the end, as libpcap's gen_bcmp.
func (g *gen) bcmp(rel offrel, offset uint32, v []byte) *expr {
	var b *expr
	size := uint32(len(v))
	for size >= 4 {
		p := v[size-4:]
		t := g.cmp(rel, offset+size-4, bpf.W, uint32(p[0])<<24|uint32(p[1])<<16|uint32(p[2])<<8|uint32(p[3]))
		if b != nil {
			t = and(b, t)
		}
		b = t
		size -= 4
	}
	for size >= 2 {
		p := v[size-2:]
		t := g.cmp(rel, offset+size-2, bpf.H, uint32(p[0])<<8|uint32(p[1]))
		if b != nil {
			t = and(b, t)
		}
		b = t
		size -= 2
	}
	if size > 0 {
		t := g.cmp(rel, offset, bpf.B, uint32(v[0]))
		if b != nil {
			t = and(b, t)
		}
		b = t
	}
	return b
}

// uncond is a constant: true when rsense is true.
func (g *gen) uncond(rsense bool) *expr {
	k := uint32(1)
	if rsense {
		k = 0
	}
	e := g.branch([]stmt{{bpf.LD | bpf.IMM, k}}, bpf.JMP|bpf.JEQ|bpf.K, 0)
	if rsense {
		e.m = isTrue
	} else {
		e.m = isFalse
	}
	return e
}

func (g *gen) gtrue() *expr  { return g.uncond(true) }
func (g *gen) gfalse() *expr { return g.uncond(false) }
