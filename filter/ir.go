package filter

import "github.com/snare-pcap/snare/bpf"

// stmt is one non-branching instruction of a block.
type stmt struct {
	op uint16
	k  uint32
}

// block is a basic block: straight-line statements, then either a
// conditional jump (op is a JMP) to jt/jf, or a return (op is a RET).
type block struct {
	id    int
	stmts []stmt
	// jumps holds the jt/jf offsets of conditional jumps inside stmts
	// (protochain's loop), by statement index.
	jumps map[int][2]uint8
	op    uint16
	k     uint32
	jt    *block
	jf    *block

	// layout state
	mark   bool
	offset int
	longT  bool
	longF  bool
}

func (b *block) isRet() bool { return b.op&0x07 == bpf.RET }

// exit is an unresolved edge of a boolean expression: the true (t) or
// false (!t) edge of block b.
type exit struct {
	b *block
	t bool
}

// meaning records whether an expression is known to be constant, so
// that "and"/"or" with a constant fold away as libpcap does.
type meaning int8

const (
	uncertain meaning = iota
	isTrue
	isFalse
)

// expr is a boolean expression under construction: its entry block and
// its unresolved exits taken when the expression is true or false.
type expr struct {
	head          *block
	trues, falses []exit
	m             meaning
}

// patch points every exit in list at target.
func patch(list []exit, target *block) {
	for _, e := range list {
		if e.t {
			e.b.jt = target
		} else {
			e.b.jf = target
		}
	}
}

// and builds "a and b".
func and(a, b *expr) *expr {
	switch {
	case a.m == isFalse:
		return a
	case b.m == isFalse:
		return b
	case a.m == isTrue:
		return b
	case b.m == isTrue:
		return a
	}
	patch(a.trues, b.head)
	return &expr{head: a.head, trues: b.trues, falses: append(b.falses, a.falses...)}
}

// or builds "a or b".
func or(a, b *expr) *expr {
	switch {
	case a.m == isFalse:
		return b
	case b.m == isFalse:
		return a
	case a.m == isTrue:
		return a
	case b.m == isTrue:
		return b
	}
	patch(a.falses, b.head)
	return &expr{head: a.head, trues: append(b.trues, a.trues...), falses: b.falses}
}

// not builds "not a".
func not(a *expr) *expr {
	r := &expr{head: a.head, trues: a.falses, falses: a.trues, m: a.m}
	switch a.m {
	case isTrue:
		r.m = isFalse
	case isFalse:
		r.m = isTrue
	}
	return r
}

// linearize lays the block graph out as a program, in the order
// libpcap's icode_to_fcode produces: each block is followed by the
// blocks reachable through its true edge, then through its false edge,
// with blocks shared by both placed with the false side.
func linearize(root *block) bpf.Program {
	var order []*block
	var place func(b *block)
	place = func(b *block) {
		if b == nil || b.mark {
			return
		}
		b.mark = true
		place(b.jf)
		place(b.jt)
		order = append(order, b)
	}
	place(root)
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	// Assign offsets, inserting long jumps where a conditional branch
	// is out of reach (more than 255 instructions ahead).
	// An unconditional jump to the block placed right after it is a
	// fall-through and emits nothing.
	fallThrough := map[*block]bool{}
	for i, b := range order {
		if isJA(b) && i+1 < len(order) && order[i+1] == b.jt {
			fallThrough[b] = true
		}
	}
	for {
		off := 0
		for _, b := range order {
			b.offset = off
			off += len(b.stmts) + 1
			if fallThrough[b] {
				off--
			}
			off += extraJumps(b)
		}
		changed := false
		for _, b := range order {
			if b.isRet() || isJA(b) {
				continue
			}
			base := b.offset + len(b.stmts) + 1
			needT := b.jt.offset-base > 255
			needF := b.jf.offset-base > 255
			if needT != b.longT || needF != b.longF {
				b.longT, b.longF = needT, needF
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	prog := make(bpf.Program, 0, 64)
	for _, b := range order {
		for i, s := range b.stmts {
			j := b.jumps[i]
			prog = append(prog, bpf.Instruction{Op: s.op, Jt: j[0], Jf: j[1], K: s.k})
		}
		if b.isRet() {
			prog = append(prog, bpf.Instruction{Op: b.op, K: b.k})
			continue
		}
		if isJA(b) {
			if fallThrough[b] {
				continue
			}
			prog = append(prog, bpf.Instruction{Op: b.op, K: uint32(b.jt.offset - (len(prog) + 1))})
			continue
		}
		pc := len(prog)
		base := pc + 1
		ins := bpf.Instruction{Op: b.op, K: b.k}
		if b.longT {
			ins.Jt = 0
		} else {
			ins.Jt = uint8(b.jt.offset - base)
		}
		if b.longF {
			if b.longT {
				ins.Jf = 1
			} else {
				ins.Jf = 0
			}
		} else {
			ins.Jf = uint8(b.jf.offset - base)
		}
		prog = append(prog, ins)
		if b.longT {
			prog = append(prog, bpf.Instruction{Op: bpf.JMP | bpf.JA, K: uint32(b.jt.offset - (len(prog) + 1))})
		}
		if b.longF {
			prog = append(prog, bpf.Instruction{Op: bpf.JMP | bpf.JA, K: uint32(b.jf.offset - (len(prog) + 1))})
		}
	}
	return prog
}

func extraJumps(b *block) int {
	n := 0
	if b.longT {
		n++
	}
	if b.longF {
		n++
	}
	return n
}

// isJA reports whether b ends in an unconditional jump.
func isJA(b *block) bool { return b.op&0x07 == bpf.JMP && b.op&0xf0 == bpf.JA }
