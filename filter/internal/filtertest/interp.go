package filtertest

import (
	"github.com/snare-pcap/snare/bpf"
)

// Aux is the Linux ancillary data a socket filter can load, indexed by
// SKF_AD_ offset / 4 (Aux[bpf.AncPktType/4] is the packet type, ...).
type Aux [16]uint32

// Input is one packet a program runs on: the captured bytes, the length on
// the wire, and the ancillary data.
type Input struct {
	Pkt     []byte
	WireLen uint32
	Aux     Aux
}

// key identifies an input for de-duplication.
func (in *Input) key() string {
	b := make([]byte, 0, len(in.Pkt)+4+64)
	b = append(b, byte(in.WireLen>>24), byte(in.WireLen>>16), byte(in.WireLen>>8), byte(in.WireLen))
	for _, v := range in.Aux {
		b = append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return string(append(b, in.Pkt...))
}

func (in Input) clone() Input {
	in.Pkt = append([]byte(nil), in.Pkt...)
	return in
}

// srcKind says where a register's value came from.
type srcKind uint8

const (
	srcNone srcKind = iota // a constant or something the solver cannot invert
	srcPkt                 // packet bytes [off, off+size)
	srcLen                 // the wire length
	srcAnc                 // ancillary field off
)

// aluStep is one ALU operation applied to a loaded value.
type aluStep struct {
	op uint16
	k  uint32
}

// source is the provenance of a register value: a load, then ALU steps.
type source struct {
	kind srcKind
	off  uint32
	size uint8
	ops  []aluStep
}

func (s source) with(op uint16, k uint32) source {
	if s.kind == srcNone {
		return s
	}
	s.ops = append(append([]aluStep(nil), s.ops...), aluStep{op, k})
	return s
}

// branch is one conditional jump met while tracing.
type branch struct {
	pc    int
	taken bool
	op    uint16 // JEQ, JGT, JGE, JSET
	k     uint32 // the operand (X's value for X jumps)
	src   source // where A came from
}

// trace is what a traced run saw.
type trace struct {
	visited  []int    // executed instruction indexes, in order
	branches []branch // conditional jumps, in order
	oob      bool     // the run ended on an out-of-bounds load
	oobOff   uint64   // its offset
	oobSize  uint8    // its size
	loadEnds []uint32 // end offsets of packet loads that succeeded
}

// Run runs p on in with libpcap's bpf_filter semantics and returns the
// filter's result (0 = reject, else the number of bytes to keep). Loads
// at ancillary offsets (SKF_AD_OFF + n) read in.Aux; other out-of-bounds
// loads, division by zero and falling off the end reject the packet.
func Run(p bpf.Program, in *Input) uint32 { return run(p, in, nil) }

// RunOOB is Run that also reports whether the run ended on a load past the
// end of the packet. libpcap's optimizer removes loads whose value is not
// needed, so optimized and unoptimized programs may only disagree on such
// packets.
func RunOOB(p bpf.Program, in *Input) (uint32, bool) {
	var tr trace
	r := run(p, in, &tr)
	return r, tr.oob
}

func run(p bpf.Program, in *Input, tr *trace) uint32 {
	var a, x uint32
	var mem [bpf.MemWords]uint32
	var as, xs source
	var ms [bpf.MemWords]source
	pkt := in.Pkt
	buflen := uint64(len(pkt))
	load := func(off uint64, size uint8) (uint32, bool) {
		if off+uint64(size) > buflen {
			if tr != nil {
				tr.oob, tr.oobOff, tr.oobSize = true, off, size
			}
			return 0, false
		}
		var v uint32
		for i := uint64(0); i < uint64(size); i++ {
			v = v<<8 | uint32(pkt[off+i])
		}
		if tr != nil {
			tr.loadEnds = append(tr.loadEnds, uint32(off)+uint32(size))
		}
		return v, true
	}
	sizeOf := func(op uint16) uint8 {
		switch op & 0x18 {
		case bpf.H:
			return 2
		case bpf.B:
			return 1
		}
		return 4
	}
	steps := 0
	for pc := 0; pc >= 0 && pc < len(p); pc++ {
		// Backward jumps (only in libpcap's unoptimized protochain code)
		// can loop; bound the run.
		if steps++; steps > maxSteps {
			return 0
		}
		ins := p[pc]
		if tr != nil {
			tr.visited = append(tr.visited, pc)
		}
		switch ins.Op & 7 {
		case bpf.RET:
			switch ins.Op & 0x18 {
			case bpf.A:
				return a
			case bpf.X:
				return x
			}
			return ins.K
		case bpf.LD:
			switch ins.Op & 0xe0 {
			case bpf.ABS:
				if ins.K >= ancBase {
					idx := (ins.K - ancBase) / 4
					if (ins.K-ancBase)%4 != 0 || idx >= uint32(len(in.Aux)) {
						return 0
					}
					a, as = in.Aux[idx], source{kind: srcAnc, off: idx}
					continue
				}
				sz := sizeOf(ins.Op)
				v, ok := load(uint64(ins.K), sz)
				if !ok {
					return 0
				}
				a, as = v, source{kind: srcPkt, off: ins.K, size: sz}
			case bpf.IND:
				sz := sizeOf(ins.Op)
				off := uint64(x) + uint64(ins.K)
				v, ok := load(off, sz)
				if !ok {
					return 0
				}
				a, as = v, source{kind: srcPkt, off: uint32(off), size: sz}
			case bpf.LEN:
				a, as = in.WireLen, source{kind: srcLen}
			case bpf.IMM:
				a, as = ins.K, source{}
			case bpf.MEM:
				if ins.K >= bpf.MemWords {
					return 0
				}
				a, as = mem[ins.K], ms[ins.K]
			default:
				return 0
			}
		case bpf.LDX:
			switch ins.Op & 0xe0 {
			case bpf.IMM:
				x, xs = ins.K, source{}
			case bpf.LEN:
				x, xs = in.WireLen, source{kind: srcLen}
			case bpf.MEM:
				if ins.K >= bpf.MemWords {
					return 0
				}
				x, xs = mem[ins.K], ms[ins.K]
			case bpf.MSH:
				v, ok := load(uint64(ins.K), 1)
				if !ok {
					return 0
				}
				x, xs = (v&0xf)<<2, source{}
			default:
				return 0
			}
		case bpf.ST:
			if ins.K >= bpf.MemWords {
				return 0
			}
			mem[ins.K], ms[ins.K] = a, as
		case bpf.STX:
			if ins.K >= bpf.MemWords {
				return 0
			}
			mem[ins.K], ms[ins.K] = x, xs
		case bpf.ALU:
			op := ins.Op & 0xf0
			k := ins.K
			if ins.Op&bpf.X != 0 {
				k = x
			}
			if op == bpf.NEG {
				a, as = -a, as.with(bpf.NEG, 0)
				continue
			}
			v, ok := alu(op, a, k)
			if !ok {
				return 0
			}
			a, as = v, as.with(op, k)
		case bpf.JMP:
			op := ins.Op & 0xf0
			if op == bpf.JA {
				pc += int(int32(ins.K)) // signed: see ParseDisasm
				continue
			}
			k := ins.K
			if ins.Op&bpf.X != 0 {
				k = x
			}
			c, ok := cmp(op, a, k)
			if !ok {
				return 0
			}
			if tr != nil {
				tr.branches = append(tr.branches, branch{pc: pc, taken: c, op: op, k: k, src: as})
			}
			if c {
				pc += int(ins.Jt)
			} else {
				pc += int(ins.Jf)
			}
		case bpf.MISC:
			switch ins.Op & 0xf8 {
			case bpf.TAX:
				x, xs = a, as
			case bpf.TXA:
				a, as = x, xs
			default:
				return 0
			}
		}
	}
	return 0
}

// maxSteps bounds a run of a program with backward jumps.
const maxSteps = 1 << 16

func alu(op uint16, a, k uint32) (uint32, bool) {
	switch op {
	case bpf.ADD:
		return a + k, true
	case bpf.SUB:
		return a - k, true
	case bpf.MUL:
		return a * k, true
	case bpf.DIV:
		if k == 0 {
			return 0, false
		}
		return a / k, true
	case bpf.MOD:
		if k == 0 {
			return 0, false
		}
		return a % k, true
	case bpf.OR:
		return a | k, true
	case bpf.AND:
		return a & k, true
	case bpf.XOR:
		return a ^ k, true
	case bpf.LSH:
		if k >= 32 {
			return 0, true
		}
		return a << k, true
	case bpf.RSH:
		if k >= 32 {
			return 0, true
		}
		return a >> k, true
	case bpf.NEG:
		return -a, true
	}
	return 0, false
}

func cmp(op uint16, a, k uint32) (bool, bool) {
	switch op {
	case bpf.JEQ:
		return a == k, true
	case bpf.JGT:
		return a > k, true
	case bpf.JGE:
		return a >= k, true
	case bpf.JSET:
		return a&k != 0, true
	}
	return false, false
}

// Coverage counts, for one program, which instructions ran and which
// directions of its conditional jumps were taken.
type Coverage struct {
	Hit, True, False []bool
}

// NewCoverage returns an empty coverage record for p.
func NewCoverage(p bpf.Program) *Coverage {
	n := len(p)
	return &Coverage{Hit: make([]bool, n), True: make([]bool, n), False: make([]bool, n)}
}

// Add runs p on in and records what it reached.
func (c *Coverage) Add(p bpf.Program, in *Input) {
	var tr trace
	run(p, in, &tr)
	c.addTrace(&tr)
}

func (c *Coverage) addTrace(tr *trace) {
	for _, pc := range tr.visited {
		c.Hit[pc] = true
	}
	for _, b := range tr.branches {
		if b.taken {
			c.True[b.pc] = true
		} else {
			c.False[b.pc] = true
		}
	}
}

// Counts returns how many instructions ran out of all, and how many
// conditional-jump directions were taken out of all.
func (c *Coverage) Counts(p bpf.Program) (hit, insns, dirs, allDirs int) {
	for i, ins := range p {
		if c.Hit[i] {
			hit++
		}
		if ins.Op&7 == bpf.JMP && ins.Op&0xf0 != bpf.JA {
			allDirs += 2
			if c.True[i] {
				dirs++
			}
			if c.False[i] {
				dirs++
			}
		}
	}
	return hit, len(p), dirs, allDirs
}
