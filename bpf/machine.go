package bpf

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
)

// Aux is the packet metadata that Linux ancillary loads (absolute loads at
// AncOffset+SKF_AD_*) read. The fields hold what the kernel would give the
// filter for the packet: Protocol is the host-order EtherType
// (SKF_AD_PROTOCOL, ntohs(skb->protocol)), PktType the PACKET_* type
// (PACKET_HOST, PACKET_OUTGOING, ...), VLANTCI the whole tag control
// information of a VLAN tag the driver removed, VLANPresent whether there
// was one, VLANTPID its host-order TPID.
type Aux struct {
	Protocol    uint16 // SKF_AD_PROTOCOL: the EtherType (host order)
	PktType     uint8  // SKF_AD_PKTTYPE: PACKET_HOST, PACKET_OUTGOING, ...
	IfIndex     uint32 // SKF_AD_IFINDEX: the receiving interface
	VLANTCI     uint16 // SKF_AD_VLAN_TAG: the stripped tag's TCI
	VLANPresent bool   // SKF_AD_VLAN_TAG_PRESENT: a tag was stripped
	VLANTPID    uint16 // SKF_AD_VLAN_TPID: the stripped tag's TPID
	Mark        uint32 // SKF_AD_MARK: the socket buffer's mark
	Hash        uint32 // SKF_AD_RXHASH
	Queue       uint32 // SKF_AD_QUEUE: the receive queue
	HaType      uint32 // SKF_AD_HATYPE: the ARPHRD_ type of the device
	CPU         uint32 // SKF_AD_CPU: the processor that runs the filter
	PayOffset   uint32 // SKF_AD_PAY_OFFSET: the kernel's flow-dissector payload offset; the caller supplies it
	// Random supplies SKF_AD_RANDOM values; when nil, math/rand/v2's
	// global generator is used (safe for concurrent use, no allocation).
	Random func() uint32
}

// kind is a precompiled operation: one per opcode, plus fused pairs
// (an absolute load followed by a conditional jump on a constant).
type kind uint8

const (
	kRetK kind = iota
	kRetA
	kLdW
	kLdH
	kLdB
	kLdIndW
	kLdIndH
	kLdIndB
	kLdLen
	kLdxLen
	kLdImm
	kLdxImm
	kLdMem
	kLdxMem
	kLdxMsh
	kSt
	kStx
	kJa
	kJaBack
	kJeqK
	kJgtK
	kJgeK
	kJsetK
	kJeqX
	kJgtX
	kJgeX
	kJsetX
	kAddK
	kSubK
	kMulK
	kDivK
	kModK
	kAndK
	kOrK
	kXorK
	kLshK
	kRshK
	kAddX
	kSubX
	kMulX
	kDivX
	kModX
	kAndX
	kOrX
	kXorX
	kLshX
	kRshX
	kNeg
	kTax
	kTxa
	// Two chained "jeq": A == c goes to jt, else A == k2 goes to t2, else jf.
	kJeq2
	kLdHJeq2
	kLdBJeq2
	kLdWJeq2
	kAnc  // ancillary load; k holds the SKF_AD_ offset
	kFail // an absolute load no slice can satisfy (32-bit platforms): return 0

	// Fused: load [k] then jump on A <op> c.
	kLdHJeq
	kLdHJgt
	kLdHJge
	kLdHJset
	kLdBJeq
	kLdBJgt
	kLdBJge
	kLdBJset
	kLdWJeq
	kLdWJgt
	kLdWJge
	kLdWJset
	// Fused: ldh/ldb [x + k] then jeq #c.
	kLdIndHJeq
	kLdIndBJeq
	// Fused: ldxb 4*([k]&0xf); ldh [x + k2]; jeq #c.
	kMshLdIndHJeq
	// Fused, with any comparison (cmp): ldh/ldb [x + k]; j<cmp> #c, and
	// ldxb 4*([k]&0xf); ldh/ldb [x + k2]; j<cmp> #c.
	kLdIndHCond
	kLdIndBCond
	kMshLdIndHCond
	kMshLdIndBCond
	// Port pairs: a 16-bit test of c at offset k2 (kMshPortPair: x+k2
	// after x = 4*([k]&0xf); kLdHPortPair: k) going to jt, else the
	// same test at the next 16 bits going to t2, else jf: "port N".
	kMshPortPair
	kLdHPortPair
	// A run of "jeq #c_i" that all jump to one target when true and fall
	// through to the next when false: a set membership test. k indexes
	// Machine.sets.
	kJeqSet
)

// op is one precompiled instruction. jt and jf are absolute instruction
// indexes (for kJa and kJaBack, jt is the target).
type op struct {
	kind kind
	cmp  kind // comparison of the generic fused kinds, see cond
	k    uint32
	k2   uint32
	c    uint32
	jt   int32
	jf   int32
	t2   int32
	_    uint32 // pad to 32 bytes: indexing is a shift, not a multiply
}

// Machine runs a validated program over packets in userland, with the
// semantics of libpcap's bpf_filter. It holds no per-packet state: one
// Machine may be used from many goroutines at once, and a run allocates
// nothing.
//
// NewMachine precompiles the program into operations with resolved jump
// targets and no opcode decoding left, and fuses the sequences compiled
// filters are made of into single operations: a load followed by a
// conditional jump on a constant, "ldxb 4*([k]&0xf); ld [x+k]; jxx",
// two jeq chained through their false branch (the ethertype dispatch),
// runs of jeq on one target (host and port lists) as a set test, and
// jumps to "ret #k". Every instruction keeps its index, so jumps into
// the middle of a fused sequence still work.
//
// Differences from golang.org/x/net/bpf's VM: that VM has no wire
// length (LEN loads the captured length), does not implement NEG or
// LDX|W|LEN, and rejects ancillary loads; on every program both accept
// the two agree (tested). Differences from libpcap 1.10: scratch memory
// starts as zeros (libpcap 1.10 leaves it uninitialized), and backward
// unconditional jumps, which libpcap's compiler emits for "protochain",
// are taken at most 64 + len(pkt) times per packet before the packet is
// rejected (libpcap 1.10 does not bound them).
type Machine struct {
	prog []op
	sets [][]uint32 // constants of kJeqSet operations
	src  Program
}

// NewMachine validates p with ValidateUserland (libpcap's rules) and
// precompiles it. The program is copied; later changes to p do not
// affect the machine.
func NewMachine(p Program) (*Machine, error) {
	return newMachine(p, true)
}

// newMachine is NewMachine with the fusion of instruction sequences
// optional, so tests can compare the two.
func newMachine(p Program, fuse bool) (*Machine, error) {
	if err := p.ValidateUserland(); err != nil {
		return nil, err
	}
	m := &Machine{prog: make([]op, len(p)), src: append(Program(nil), p...)}
	for i, in := range p {
		m.prog[i] = compile(i, in)
	}
	if fuse {
		m.fuse()
		m.pairPorts()
		m.foldReturns()
	}
	return m, nil
}

// Program returns a copy of the program the machine runs.
func (m *Machine) Program() Program { return append(Program(nil), m.src...) }

func compile(i int, in Instruction) op {
	o := op{k: in.K}
	next := int32(i + 1)
	o.jt, o.jf = next+int32(in.Jt), next+int32(in.Jf)
	switch in.Op {
	case RET | K:
		o.kind = kRetK
	case RET | A:
		o.kind = kRetA
	case LD | W | ABS, LD | H | ABS, LD | B | ABS:
		switch {
		case isAnc(in.K):
			o.kind, o.k = kAnc, in.K-ancBase
		case uint64(in.K)+4 > math.MaxInt:
			// No packet is that long; this keeps k+size from
			// overflowing uint on 32-bit platforms.
			o.kind = kFail
		case in.Op == LD|W|ABS:
			o.kind = kLdW
		case in.Op == LD|H|ABS:
			o.kind = kLdH
		default:
			o.kind = kLdB
		}
	case LD | W | IND:
		o.kind = kLdIndW
	case LD | H | IND:
		o.kind = kLdIndH
	case LD | B | IND:
		o.kind = kLdIndB
	case LD | W | LEN:
		o.kind = kLdLen
	case LDX | W | LEN:
		o.kind = kLdxLen
	case LD | IMM:
		o.kind = kLdImm
	case LDX | IMM:
		o.kind = kLdxImm
	case LD | MEM:
		o.kind = kLdMem
	case LDX | MEM:
		o.kind = kLdxMem
	case LDX | MSH | B:
		o.kind = kLdxMsh
	case ST:
		o.kind = kSt
	case STX:
		o.kind = kStx
	case JMP | JA:
		o.jt = next + int32(in.K)
		o.kind = kJa
		if int32(in.K) < 0 {
			o.kind = kJaBack
		}
	case JMP | JEQ | K:
		o.kind = kJeqK
	case JMP | JGT | K:
		o.kind = kJgtK
	case JMP | JGE | K:
		o.kind = kJgeK
	case JMP | JSET | K:
		o.kind = kJsetK
	case JMP | JEQ | X:
		o.kind = kJeqX
	case JMP | JGT | X:
		o.kind = kJgtX
	case JMP | JGE | X:
		o.kind = kJgeX
	case JMP | JSET | X:
		o.kind = kJsetX
	case ALU | ADD | K:
		o.kind = kAddK
	case ALU | SUB | K:
		o.kind = kSubK
	case ALU | MUL | K:
		o.kind = kMulK
	case ALU | DIV | K:
		o.kind = kDivK
	case ALU | MOD | K:
		o.kind = kModK
	case ALU | AND | K:
		o.kind = kAndK
	case ALU | OR | K:
		o.kind = kOrK
	case ALU | XOR | K:
		o.kind = kXorK
	case ALU | LSH | K:
		o.kind = kLshK
	case ALU | RSH | K:
		o.kind = kRshK
	case ALU | ADD | X:
		o.kind = kAddX
	case ALU | SUB | X:
		o.kind = kSubX
	case ALU | MUL | X:
		o.kind = kMulX
	case ALU | DIV | X:
		o.kind = kDivX
	case ALU | MOD | X:
		o.kind = kModX
	case ALU | AND | X:
		o.kind = kAndX
	case ALU | OR | X:
		o.kind = kOrX
	case ALU | XOR | X:
		o.kind = kXorX
	case ALU | LSH | X:
		o.kind = kLshX
	case ALU | RSH | X:
		o.kind = kRshX
	case ALU | NEG:
		o.kind = kNeg
	case MISC | TAX:
		o.kind = kTax
	case MISC | TXA:
		o.kind = kTxa
	default:
		panic("bpf: compile of an unvalidated opcode")
	}
	return o
}

// minSetRun is the shortest run of jeq instructions turned into a set test.
const minSetRun = 4

// fuse rewrites common instruction sequences into single operations at
// the index of their first instruction: a load followed by a conditional
// jump on a constant, the "ldxb 4*([k]&0xf); ldh [x+k2]; jeq" of
// transport-port tests, and runs of jeq on one target (host lists) into
// set tests. The original instructions stay in place for jumps that
// target them, so every index keeps its meaning.
func (m *Machine) fuse() {
	prog := m.prog
	// Sets first, so loads before them are not fused with their first jeq.
	targets := make([]bool, len(prog))
	for _, o := range prog {
		switch o.kind {
		case kJa, kJaBack:
			targets[o.jt] = true
		case kJeqK, kJgtK, kJgeK, kJsetK, kJeqX, kJgtX, kJgeX, kJsetX:
			targets[o.jt], targets[o.jf] = true, true
		}
	}
	for i := 0; i < len(prog); i++ {
		if prog[i].kind != kJeqK {
			continue
		}
		t := prog[i].jt
		j := i
		for j < len(prog) && prog[j].kind == kJeqK && prog[j].jt == t && prog[j].jf == int32(j+1) {
			j++
		}
		// prog[i:j] fall through on false; prog[j] may end the run with
		// any false target if it jumps to t when true.
		end := j
		if j < len(prog) && prog[j].kind == kJeqK && prog[j].jt == t {
			end = j + 1
		}
		if end-i < minSetRun {
			continue
		}
		f := prog[end-1].jf
		consts := make([]uint32, 0, end-i)
		for k := i; k < end; k++ {
			consts = append(consts, prog[k].k)
		}
		// The run's start, and every instruction in it that a jump
		// targets, becomes a test of the rest of the run.
		for k := i; k <= end-minSetRun; k++ {
			if k != i && !targets[k] {
				continue
			}
			set := slices.Clone(consts[k-i:])
			slices.Sort(set)
			m.sets = append(m.sets, slices.Compact(set))
			prog[k] = op{kind: kJeqSet, k: uint32(len(m.sets) - 1), jt: t, jf: f}
		}
		i = end - 1
	}
	// A jeq whose false branch is another jeq becomes one two-way test
	// (the ethertype dispatch "jeq #0x86dd ... jeq #0x800" of most filters).
	for i := range prog {
		if prog[i].kind != kJeqK {
			continue
		}
		if f := prog[i].jf; prog[f].kind == kJeqK {
			g := prog[f]
			prog[i] = op{kind: kJeq2, c: prog[i].k, jt: prog[i].jt, k2: g.k, t2: g.jt, jf: g.jf}
		}
	}
	for i := 0; i+1 < len(prog); i++ {
		j := prog[i+1]
		if j.kind == kJeq2 {
			switch prog[i].kind {
			case kLdH:
				j.kind = kLdHJeq2
			case kLdB:
				j.kind = kLdBJeq2
			case kLdW:
				j.kind = kLdWJeq2
			default:
				continue
			}
			j.k = prog[i].k
			prog[i] = j
			continue
		}
		if prog[i].kind == kLdxMsh && i+2 < len(prog) && (j.kind == kLdIndH || j.kind == kLdIndB) {
			if cmp, ok := condOf(prog[i+2].kind); ok {
				c := prog[i+2]
				kd := kMshLdIndHCond
				switch {
				case j.kind == kLdIndB:
					kd = kMshLdIndBCond
				case cmp == 0:
					kd = kMshLdIndHJeq
				}
				prog[i] = op{kind: kd, cmp: cmp, k: prog[i].k, k2: j.k, c: c.k, jt: c.jt, jf: c.jf}
				continue
			}
		}
		cmp, ok := condOf(j.kind)
		if !ok {
			continue
		}
		var base kind
		switch prog[i].kind {
		case kLdH:
			base = kLdHJeq + cmp
		case kLdB:
			base = kLdBJeq + cmp
		case kLdW:
			base = kLdWJeq + cmp
		case kLdIndH:
			base = kLdIndHCond
			if cmp == 0 {
				base = kLdIndHJeq
			}
		case kLdIndB:
			base = kLdIndBCond
			if cmp == 0 {
				base = kLdIndBJeq
			}
		default:
			continue
		}
		prog[i].kind = base
		prog[i].cmp = cmp
		prog[i].c = j.k
		prog[i].jt, prog[i].jf = j.jt, j.jf
	}
}

// pairPorts fuses the source and destination port tests of "port N"
// (a 16-bit jeq at an offset, and on false the same jeq two bytes
// further) into one operation.
func (m *Machine) pairPorts() {
	prog := m.prog
	for i := range prog {
		o := &prog[i]
		if o.jf < 0 || int(o.jf) >= len(prog) {
			continue
		}
		g := prog[o.jf]
		switch {
		case o.kind == kMshLdIndHJeq && g.kind == kLdIndHJeq && g.k == o.k2+2 && g.c == o.c && o.k2 < o.k2+2:
			*o = op{kind: kMshPortPair, k: o.k, k2: o.k2, c: o.c, jt: o.jt, t2: g.jt, jf: g.jf}
		case o.kind == kLdHJeq && g.kind == kLdHJeq && g.k == o.k+2 && g.c == o.c && o.k < o.k+2:
			*o = op{kind: kLdHPortPair, k2: o.k, c: o.c, jt: o.jt, t2: g.jt, jf: g.jf}
		}
	}
}

// foldReturns makes jumps to a "ret #k" return at once: such a target
// is stored as ^index (negative), which the run loop checks before it
// dispatches the next operation.
func (m *Machine) foldReturns() {
	prog := m.prog
	fold := func(t *int32) {
		if *t >= 0 && prog[*t].kind == kRetK {
			*t = ^*t
		}
	}
	for i := range prog {
		o := &prog[i]
		switch o.kind {
		case kJa:
			fold(&o.jt)
		case kRetK, kRetA, kJaBack, kLdW, kLdH, kLdB, kLdIndW, kLdIndH, kLdIndB, kLdLen, kLdxLen,
			kLdImm, kLdxImm, kLdMem, kLdxMem, kLdxMsh, kSt, kStx, kAddK, kSubK, kMulK, kDivK, kModK,
			kAndK, kOrK, kXorK, kLshK, kRshK, kAddX, kSubX, kMulX, kDivX, kModX, kAndX, kOrX, kXorX,
			kLshX, kRshX, kNeg, kTax, kTxa, kAnc, kFail:
			// no jump targets
		case kJeq2, kLdHJeq2, kLdBJeq2, kLdWJeq2, kMshPortPair, kLdHPortPair:
			fold(&o.jt)
			fold(&o.jf)
			fold(&o.t2)
		default:
			fold(&o.jt)
			fold(&o.jf)
		}
	}
}

// Run runs the program over a packet whose captured bytes are pkt and
// whose length on the wire was wireLen, with libpcap's semantics
// (bpf_filter): it returns how many bytes to accept, 0 to drop. A load
// past the captured bytes ends the program with 0, as does a division or
// modulo by a zero X. Ancillary loads, which need metadata Run does not
// have, also end it with 0, as in libpcap without aux data.
func (m *Machine) Run(pkt []byte, wireLen int) uint32 {
	return m.run(pkt, uint32(wireLen), nil)
}

// RunAux is Run with the packet's metadata for Linux ancillary loads,
// which then behave as in the kernel: the load's size is ignored and A
// gets the field's value; SKF_AD_ALU_XOR_X sets A to A^X; SKF_AD_NLATTR
// and SKF_AD_NLATTR_NEST search netlink attributes (native, little-endian
// headers) in the packet as the kernel does. A nil aux behaves as Run.
func (m *Machine) RunAux(pkt []byte, wireLen int, aux *Aux) uint32 {
	return m.run(pkt, uint32(wireLen), aux)
}

func (m *Machine) run(pkt []byte, wireLen uint32, aux *Aux) uint32 {
	var a, x uint32
	var mem [MemWords]uint32
	prog := m.prog
	n := uint(len(pkt))
	back := 0
	pc := int32(0)
	for {
		if pc < 0 {
			return prog[^pc].k
		}
		in := &prog[pc]
		pc++
		switch in.kind {
		case kRetK:
			return in.k
		case kRetA:
			return a
		case kLdHJeq:
			k := uint(in.k)
			if k+2 > uint(len(pkt)) {
				return 0
			}
			b := pkt[k : k+2]
			a = uint32(b[0])<<8 | uint32(b[1])
			if a == in.c {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kLdBJeq:
			k := uint(in.k)
			if k >= uint(len(pkt)) {
				return 0
			}
			a = uint32(pkt[k])
			if a == in.c {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kLdWJeq:
			k := uint(in.k)
			if k+4 > uint(len(pkt)) {
				return 0
			}
			b := pkt[k : k+4]
			a = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			if a == in.c {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kLdHJset:
			k := uint(in.k)
			if k+2 > uint(len(pkt)) {
				return 0
			}
			b := pkt[k : k+2]
			a = uint32(b[0])<<8 | uint32(b[1])
			if a&in.c != 0 {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kLdBJset:
			k := uint(in.k)
			if k >= uint(len(pkt)) {
				return 0
			}
			a = uint32(pkt[k])
			if a&in.c != 0 {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kLdHJgt, kLdHJge:
			k := uint(in.k)
			if k+2 > uint(len(pkt)) {
				return 0
			}
			b := pkt[k : k+2]
			a = uint32(b[0])<<8 | uint32(b[1])
			pc = cond(in.kind-kLdHJeq, a, in)
		case kLdBJgt, kLdBJge:
			k := uint(in.k)
			if k >= uint(len(pkt)) {
				return 0
			}
			a = uint32(pkt[k])
			pc = cond(in.kind-kLdBJeq, a, in)
		case kLdWJgt, kLdWJge, kLdWJset:
			k := uint(in.k)
			if k+4 > uint(len(pkt)) {
				return 0
			}
			b := pkt[k : k+4]
			a = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			pc = cond(in.kind-kLdWJeq, a, in)
		case kLdIndHJeq:
			k := uint64(x) + uint64(in.k)
			if k+2 > uint64(n) {
				return 0
			}
			b := pkt[uint(k):uint(k+2)]
			a = uint32(b[0])<<8 | uint32(b[1])
			if a == in.c {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kLdIndBJeq:
			k := uint64(x) + uint64(in.k)
			if k >= uint64(n) {
				return 0
			}
			a = uint32(pkt[k])
			if a == in.c {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kMshLdIndHJeq:
			k := uint(in.k)
			if k >= uint(len(pkt)) {
				return 0
			}
			x = uint32(pkt[k]&0xf) << 2
			k2 := uint64(x) + uint64(in.k2)
			if k2+2 > uint64(n) {
				return 0
			}
			b := pkt[uint(k2):uint(k2+2)]
			a = uint32(b[0])<<8 | uint32(b[1])
			if a == in.c {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kLdHJeq2:
			k := uint(in.k)
			if k+2 > uint(len(pkt)) {
				return 0
			}
			b := pkt[k : k+2]
			a = uint32(b[0])<<8 | uint32(b[1])
			if a == in.c {
				pc = in.jt
			} else if a == in.k2 {
				pc = in.t2
			} else {
				pc = in.jf
			}
		case kLdBJeq2:
			k := uint(in.k)
			if k >= uint(len(pkt)) {
				return 0
			}
			a = uint32(pkt[k])
			if a == in.c {
				pc = in.jt
			} else if a == in.k2 {
				pc = in.t2
			} else {
				pc = in.jf
			}
		case kLdWJeq2:
			k := uint(in.k)
			if k+4 > uint(len(pkt)) {
				return 0
			}
			b := pkt[k : k+4]
			a = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			if a == in.c {
				pc = in.jt
			} else if a == in.k2 {
				pc = in.t2
			} else {
				pc = in.jf
			}
		case kJeq2:
			if a == in.c {
				pc = in.jt
			} else if a == in.k2 {
				pc = in.t2
			} else {
				pc = in.jf
			}
		case kLdIndHCond:
			k := uint64(x) + uint64(in.k)
			if k+2 > uint64(len(pkt)) {
				return 0
			}
			b := pkt[uint(k):uint(k+2)]
			a = uint32(b[0])<<8 | uint32(b[1])
			pc = cond(in.cmp, a, in)
		case kLdIndBCond:
			k := uint64(x) + uint64(in.k)
			if k >= uint64(len(pkt)) {
				return 0
			}
			a = uint32(pkt[uint(k)])
			pc = cond(in.cmp, a, in)
		case kMshLdIndHCond:
			k := uint(in.k)
			if k >= uint(len(pkt)) {
				return 0
			}
			x = uint32(pkt[k]&0xf) << 2
			k2 := uint64(x) + uint64(in.k2)
			if k2+2 > uint64(len(pkt)) {
				return 0
			}
			b := pkt[uint(k2):uint(k2+2)]
			a = uint32(b[0])<<8 | uint32(b[1])
			pc = cond(in.cmp, a, in)
		case kMshLdIndBCond:
			k := uint(in.k)
			if k >= uint(len(pkt)) {
				return 0
			}
			x = uint32(pkt[k]&0xf) << 2
			k2 := uint64(x) + uint64(in.k2)
			if k2 >= uint64(len(pkt)) {
				return 0
			}
			a = uint32(pkt[uint(k2)])
			pc = cond(in.cmp, a, in)
		case kMshPortPair:
			k := uint(in.k)
			if k >= uint(len(pkt)) {
				return 0
			}
			x = uint32(pkt[k]&0xf) << 2
			k2 := uint64(x) + uint64(in.k2)
			if k2+2 > uint64(len(pkt)) {
				return 0
			}
			b := pkt[uint(k2):uint(k2+2)]
			a = uint32(b[0])<<8 | uint32(b[1])
			if a == in.c {
				pc = in.jt
				continue
			}
			if k2+4 > uint64(len(pkt)) {
				return 0
			}
			b = pkt[uint(k2+2):uint(k2+4)]
			a = uint32(b[0])<<8 | uint32(b[1])
			if a == in.c {
				pc = in.t2
			} else {
				pc = in.jf
			}
		case kLdHPortPair:
			k := uint(in.k2)
			if k+2 > uint(len(pkt)) {
				return 0
			}
			b := pkt[k : k+2]
			a = uint32(b[0])<<8 | uint32(b[1])
			if a == in.c {
				pc = in.jt
				continue
			}
			if k+4 > uint(len(pkt)) {
				return 0
			}
			b = pkt[k+2 : k+4]
			a = uint32(b[0])<<8 | uint32(b[1])
			if a == in.c {
				pc = in.t2
			} else {
				pc = in.jf
			}
		case kJeqSet:
			pc = in.jf
			if inSet(m.sets[in.k], a) {
				pc = in.jt
			}
		case kLdW:
			k := uint(in.k)
			if k+4 > uint(len(pkt)) {
				return 0
			}
			b := pkt[k : k+4]
			a = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		case kLdH:
			k := uint(in.k)
			if k+2 > uint(len(pkt)) {
				return 0
			}
			b := pkt[k : k+2]
			a = uint32(b[0])<<8 | uint32(b[1])
		case kLdB:
			k := uint(in.k)
			if k >= uint(len(pkt)) {
				return 0
			}
			a = uint32(pkt[k])
		case kLdIndW:
			k := uint64(x) + uint64(in.k)
			if k+4 > uint64(n) {
				return 0
			}
			b := pkt[uint(k):uint(k+4)]
			a = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		case kLdIndH:
			k := uint64(x) + uint64(in.k)
			if k+2 > uint64(n) {
				return 0
			}
			b := pkt[uint(k):uint(k+2)]
			a = uint32(b[0])<<8 | uint32(b[1])
		case kLdIndB:
			k := uint64(x) + uint64(in.k)
			if k >= uint64(n) {
				return 0
			}
			a = uint32(pkt[k])
		case kLdxMsh:
			k := uint(in.k)
			if k >= uint(len(pkt)) {
				return 0
			}
			x = uint32(pkt[k]&0xf) << 2
		case kLdLen:
			a = wireLen
		case kLdxLen:
			x = wireLen
		case kLdImm:
			a = in.k
		case kLdxImm:
			x = in.k
		case kLdMem:
			a = mem[in.k&(MemWords-1)]
		case kLdxMem:
			x = mem[in.k&(MemWords-1)]
		case kSt:
			mem[in.k&(MemWords-1)] = a
		case kStx:
			mem[in.k&(MemWords-1)] = x
		case kJa:
			pc = in.jt
		case kJaBack:
			if back >= maxBackwardJumps+int(n) {
				return 0
			}
			back++
			pc = in.jt
		case kJeqK:
			if a == in.k {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kJgtK:
			if a > in.k {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kJgeK:
			if a >= in.k {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kJsetK:
			if a&in.k != 0 {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kJeqX:
			if a == x {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kJgtX:
			if a > x {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kJgeX:
			if a >= x {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kJsetX:
			if a&x != 0 {
				pc = in.jt
			} else {
				pc = in.jf
			}
		case kAddK:
			a += in.k
		case kSubK:
			a -= in.k
		case kMulK:
			a *= in.k
		case kDivK:
			a /= in.k
		case kModK:
			a %= in.k
		case kAndK:
			a &= in.k
		case kOrK:
			a |= in.k
		case kXorK:
			a ^= in.k
		case kLshK:
			a <<= in.k
		case kRshK:
			a >>= in.k
		case kAddX:
			a += x
		case kSubX:
			a -= x
		case kMulX:
			a *= x
		case kDivX:
			if x == 0 {
				return 0
			}
			a /= x
		case kModX:
			if x == 0 {
				return 0
			}
			a %= x
		case kAndX:
			a &= x
		case kOrX:
			a |= x
		case kXorX:
			a ^= x
		case kLshX:
			a <<= x // Go gives 0 for shifts of 32 or more, as libpcap does
		case kRshX:
			a >>= x
		case kNeg:
			a = -a
		case kTax:
			x = a
		case kTxa:
			a = x
		case kFail:
			return 0
		case kAnc:
			if aux == nil {
				return 0
			}
			a = ancLoad(in.k, a, x, pkt, aux)
		default:
			return 0
		}
	}
}

// condOf returns the comparison number of a conditional jump on a
// constant (0 jeq, 1 jgt, 2 jge, 3 jset), as cond takes it.
func condOf(k kind) (kind, bool) {
	switch k {
	case kJeqK:
		return 0, true
	case kJgtK:
		return 1, true
	case kJgeK:
		return 2, true
	case kJsetK:
		return 3, true
	}
	return 0, false
}

// inSet reports whether a is in the sorted set s.
func inSet(s []uint32, a uint32) bool {
	for len(s) > 8 {
		h := len(s) / 2
		if a < s[h] {
			s = s[:h]
		} else {
			s = s[h:]
		}
	}
	for _, c := range s {
		if c == a {
			return true
		}
	}
	return false
}

// cond evaluates the fused comparison number c (0 jeq, 1 jgt, 2 jge,
// 3 jset) and returns the next pc.
func cond(c kind, a uint32, in *op) int32 {
	var t bool
	switch c {
	case 0:
		t = a == in.c
	case 1:
		t = a > in.c
	case 2:
		t = a >= in.c
	default:
		t = a&in.c != 0
	}
	if t {
		return in.jt
	}
	return in.jf
}

// ancLoad returns the value of ancillary field off (an SKF_AD_ value) as
// the Linux kernel computes it.
func ancLoad(off, a, x uint32, pkt []byte, aux *Aux) uint32 {
	switch off {
	case AncProtocol:
		return uint32(aux.Protocol)
	case AncPktType:
		return uint32(aux.PktType)
	case AncIfIndex:
		return aux.IfIndex
	case AncMark:
		return aux.Mark
	case AncQueue:
		return aux.Queue
	case AncHaType:
		return aux.HaType
	case AncRxHash:
		return aux.Hash
	case AncCPU:
		return aux.CPU
	case AncAluXorX:
		return a ^ x
	case AncVlanTag:
		return uint32(aux.VLANTCI)
	case AncVlanTagPresent:
		if aux.VLANPresent {
			return 1
		}
		return 0
	case AncVlanTPID:
		return uint32(aux.VLANTPID)
	case AncPayOffset:
		return aux.PayOffset
	case AncRandom:
		if aux.Random != nil {
			return aux.Random()
		}
		return rand.Uint32()
	case AncNlAttr:
		return nlaFind(pkt, uint(a), x)
	case AncNlAttrNest:
		// The attribute at offset A is a nest; search inside it.
		if uint(len(pkt)) < 4 || uint(a) > uint(len(pkt))-4 {
			return 0
		}
		l := uint(binary.LittleEndian.Uint16(pkt[a:]))
		if l > uint(len(pkt))-uint(a) || l < 4 {
			return 0
		}
		r := nlaFind(pkt[:uint(a)+l], uint(a)+4, x)
		return r
	}
	return 0
}

// nlaFind searches the netlink attributes that start at offset off in pkt
// for one of type typ, and returns its offset in pkt, or 0.
func nlaFind(pkt []byte, off uint, typ uint32) uint32 {
	n := uint(len(pkt))
	if n < 4 || off > n-4 {
		return 0
	}
	for off+4 <= n {
		l := uint(binary.LittleEndian.Uint16(pkt[off:]))
		t := uint32(binary.LittleEndian.Uint16(pkt[off+2:])) & 0x3fff
		if l < 4 || l > n-off {
			return 0
		}
		if t == typ {
			return uint32(off)
		}
		off += (l + 3) &^ 3
	}
	return 0
}
