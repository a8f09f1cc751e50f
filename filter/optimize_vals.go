package filter

import (
	"strconv"

	"github.com/snare-pcap/snare/bpf"
)

// Value folding: the generator computes relations through scratch
// memory ("ld #5; st M[0]; ldx M[0]; ldb [x + 0]; st M[1]; ..."), and
// libpcap's optimizer reduces that to "ldb [5]; jeq #0x12". foldValues
// does the same with three rewrites inside each block, repeated until
// nothing changes:
//
//   - value numbering: constants are propagated through A, X and scratch
//     memory ("ldx M[2]" after "ld #0x12; st M[2]" is "ldx #0x12", an
//     indexed load from a constant X is an absolute load, operations on
//     constants are folded), and a statement that gives A or X the value
//     it already holds is dropped;
//   - dead statements: a statement whose result no later statement or
//     block reads is dropped, unless it can end the program (a packet
//     load out of bounds, a division by X), so truncated packets are
//     decided as before;
//   - peepholes: "and #k; jeq #0" is "jset #k" with the branches swapped,
//     and "add x; tax; ld [x + j]" from a constant A and a small X is
//     "ld [x + k + j]" when X is not read afterwards.
//
// Blocks with internal jumps (protochain's loop) are left alone and are
// taken to read everything.

// vnum numbers the values of one block: equal numbers are equal values
// on every execution.
type vnum struct {
	next   int
	consts map[uint32]int
	isK    map[int]uint32 // constant values
	small  map[int]bool   // values known to be at most 60 (ldxb 4*([k]&0xf))
	loads  map[string]int // packet loads and the length, by instruction
}

func newVnum() *vnum {
	return &vnum{consts: map[uint32]int{}, isK: map[int]uint32{}, small: map[int]bool{}, loads: map[string]int{}}
}

func (v *vnum) fresh() int { v.next++; return v.next }

func (v *vnum) konst(k uint32) int {
	if id, ok := v.consts[k]; ok {
		return id
	}
	id := v.fresh()
	v.consts[k] = id
	v.isK[id] = k
	return id
}

func (v *vnum) load(s stmt) int {
	key := strconv.FormatUint(uint64(s.op), 16) + ":" + strconv.FormatUint(uint64(s.k), 16)
	if id, ok := v.loads[key]; ok {
		return id
	}
	id := v.fresh()
	v.loads[key] = id
	return id
}

// kOperandOK reports whether "op #k" is an instruction the kernel takes.
func kOperandOK(op uint16, k uint32) bool {
	switch op & 0xf0 {
	case bpf.DIV, bpf.MOD:
		return k != 0
	case bpf.LSH, bpf.RSH:
		return k < 32
	}
	return true
}

// aluFold computes A op k for the ALU operations; ok is false for a
// division or modulo by zero.
func aluFold(op uint16, a, k uint32) (uint32, bool) {
	switch op & 0xf0 {
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
	case bpf.AND:
		return a & k, true
	case bpf.OR:
		return a | k, true
	case bpf.XOR:
		return a ^ k, true
	case bpf.LSH:
		if k >= 32 {
			return 0, false
		}
		return a << k, true
	case bpf.RSH:
		if k >= 32 {
			return 0, false
		}
		return a >> k, true
	case bpf.NEG:
		return -a, true
	}
	return 0, false
}

// liveSet is what a point of the program may still read: A, X and the
// scratch memory words.
type liveSet struct {
	a, x bool
	mem  uint16
}

func (l liveSet) union(m liveSet) liveSet {
	return liveSet{l.a || m.a, l.x || m.x, l.mem | m.mem}
}

var liveAll = liveSet{true, true, 0xffff}

// stmtEffect describes what a statement writes and reads.
func stmtEffect(s stmt) (def, use liveSet) {
	switch s.op & 0x07 {
	case bpf.LD:
		def.a = true
		switch s.op & 0xe0 {
		case bpf.MEM:
			use.mem = 1 << (s.k & 15)
		case bpf.IND:
			use.x = true
		}
	case bpf.LDX:
		def.x = true
		if s.op&0xe0 == bpf.MEM {
			use.mem = 1 << (s.k & 15)
		}
	case bpf.ST:
		def.mem = 1 << (s.k & 15)
		use.a = true
	case bpf.STX:
		def.mem = 1 << (s.k & 15)
		use.x = true
	case bpf.ALU:
		def.a, use.a = true, true
		if s.op&0xf0 != bpf.NEG && s.op&bpf.X != 0 {
			use.x = true
		}
	case bpf.MISC:
		if s.op&0xf8 == bpf.TAX {
			def.x, use.a = true, true
		} else {
			def.a, use.x = true, true
		}
	default:
		return liveAll, liveAll
	}
	return def, use
}

// canEnd reports whether s can end the program (and so must stay even
// when its result is unused).
func canEnd(s stmt) bool {
	switch s.op & 0x07 {
	case bpf.LD:
		m := s.op & 0xe0
		return m == bpf.ABS || m == bpf.IND
	case bpf.LDX:
		return s.op&0xe0 == bpf.MSH
	case bpf.ALU:
		o := s.op & 0xf0
		return (o == bpf.DIV || o == bpf.MOD) && (s.op&bpf.X != 0 || s.k == 0)
	case bpf.ST, bpf.STX, bpf.MISC:
		return false
	}
	return true
}

// branchUse is what a block's final instruction reads.
func branchUse(b *block) liveSet {
	switch {
	case b.isRet():
		return liveSet{a: b.op&0x18 == bpf.A}
	case b.op&0xf0 == bpf.JA, b.jt == b.jf:
		// No test, or both ways lead to the same block.
		return liveSet{}
	}
	return liveSet{a: true, x: b.op&bpf.X != 0}
}

// foldValues runs the three rewrites once over every block and reports
// whether anything changed.
func foldValues(root *block) bool {
	order := topoOrder(root)
	liveIn := map[*block]liveSet{}
	liveOut := func(b *block) liveSet {
		var l liveSet
		if b.isRet() {
			return l
		}
		if b.jt != nil {
			l = l.union(liveIn[b.jt])
		}
		if b.jf != nil {
			l = l.union(liveIn[b.jf])
		}
		return l
	}
	changed := false
	consts := entryConsts(root, order)
	for i := len(order) - 1; i >= 0; i-- {
		b := order[i]
		if b.jumps != nil {
			liveIn[b] = liveAll
			continue
		}
		out := liveOut(b)
		if !b.isRet() && len(b.stmts) > 0 {
			for {
				c1 := numberValues(b, consts[b])
				c2 := peephole(b, out)
				c3 := dropDead(b, out)
				if !c1 && !c2 && !c3 {
					break
				}
				changed = true
			}
		}
		l := out.union(branchUse(b))
		for j := len(b.stmts) - 1; j >= 0; j-- {
			def, use := stmtEffect(b.stmts[j])
			l.a = l.a && !def.a
			l.x = l.x && !def.x
			l.mem &^= def.mem
			l = l.union(use)
		}
		liveIn[b] = l
	}
	return changed
}

// numberValues propagates constants and drops statements that give A or
// X the value they hold; it reports whether it changed the block.
func numberValues(b *block, in constState) bool {
	v := newVnum()
	a, x := v.fresh(), v.fresh()
	var mem [bpf.MemWords]int
	for i := range mem {
		mem[i] = v.fresh()
	}
	// Constants every path brings.
	if in.known&kA != 0 {
		a = v.konst(in.a)
	}
	if in.known&kX != 0 {
		x = v.konst(in.x)
	}
	for i := range mem {
		if in.known&(kMem<<i) != 0 {
			mem[i] = v.konst(in.mem[i])
		}
	}
	changed := false
	out := b.stmts[:0:0]
	for _, s := range b.stmts {
		drop := false
		switch {
		case s.op == bpf.LD|bpf.IMM:
			n := v.konst(s.k)
			drop, a = a == n, n
		case s.op == bpf.LDX|bpf.IMM:
			n := v.konst(s.k)
			drop, x = x == n, n
		case s.op == bpf.LD|bpf.MEM:
			n := mem[s.k&15]
			if k, ok := v.isK[n]; ok {
				s = stmt{bpf.LD | bpf.IMM, k}
				changed = true
			}
			drop, a = a == n, n
		case s.op == bpf.LDX|bpf.MEM:
			n := mem[s.k&15]
			if k, ok := v.isK[n]; ok {
				s = stmt{bpf.LDX | bpf.IMM, k}
				changed = true
			} else if n == a {
				// "st M[k]; ldx M[k]" is "st M[k]; tax" (libpcap
				// leaves k in the tax: so do we).
				s = stmt{bpf.MISC | bpf.TAX, s.k}
				changed = true
			}
			drop, x = x == n, n
		case s.op == bpf.ST:
			drop = mem[s.k&15] == a
			mem[s.k&15] = a
		case s.op == bpf.STX:
			drop = mem[s.k&15] == x
			mem[s.k&15] = x
		case s.op&0x07 == bpf.LD && s.op&0xe0 == bpf.IND:
			if c, ok := v.isK[x]; ok && uint64(c)+uint64(s.k) <= 0xffffffff {
				s = stmt{bpf.LD | bpf.ABS | s.op&0x18, c + s.k}
				changed = true
				n := v.load(s)
				drop, a = a == n, n
			} else {
				a = v.fresh()
			}
		case s.op&0x07 == bpf.LD && (s.op&0xe0 == bpf.ABS || s.op&0xe0 == bpf.LEN):
			n := v.load(s)
			drop, a = a == n, n
		case s.op == bpf.LDX|bpf.MSH|bpf.B:
			n := v.load(s)
			v.small[n] = true
			drop, x = x == n, n
		case s.op == bpf.LDX|bpf.LEN|bpf.W:
			n := v.load(stmt{bpf.LD | bpf.LEN | bpf.W, 0})
			drop, x = x == n, n
		case s.op&0x07 == bpf.ALU:
			if o := s.op & 0xf0; (o == bpf.DIV || o == bpf.MOD) && s.op&bpf.X != 0 {
				if c, ok := v.isK[x]; ok && c == 0 {
					// libpcap's optimizer refuses the filter too.
					if o == bpf.DIV {
						fail(-1, "division by zero")
					}
					fail(-1, "modulus by zero")
				}
			}
			if ak, ok := v.isK[a]; ok && ak == 0 && s.op&bpf.X != 0 {
				if _, xk := v.isK[x]; !xk {
					// 0 + X, 0 | X, 0 ^ X are X; 0 * X, 0 & X,
					// 0 << X, 0 >> X are 0 (not 0 / X: X may be 0).
					switch s.op & 0xf0 {
					case bpf.ADD, bpf.OR, bpf.XOR:
						s = stmt{bpf.MISC | bpf.TXA, 0}
						changed = true
						drop, a = a == x, x
					case bpf.MUL, bpf.AND, bpf.LSH, bpf.RSH:
						s = stmt{bpf.LD | bpf.IMM, 0}
						changed = true
						drop = true // A is 0 already
					}
					if s.op&0x07 != bpf.ALU {
						break
					}
				}
			}
			if s.op&0xf0 != bpf.NEG && s.op&bpf.X != 0 {
				// Never make an instruction the kernel refuses
				// (division by a constant 0, shift by 32 or more).
				if c, ok := v.isK[x]; ok && kOperandOK(s.op, c) {
					s = stmt{s.op &^ bpf.X, c}
					changed = true
				}
			}
			if s.op&bpf.X == 0 && s.op&0xf0 != bpf.NEG && s.k == 0 {
				// An operation with 0 leaves A, or makes it 0.
				switch s.op & 0xf0 {
				case bpf.ADD, bpf.LSH, bpf.RSH, bpf.OR, bpf.XOR:
					changed, drop = true, true
				case bpf.MUL, bpf.AND:
					s = stmt{bpf.LD | bpf.IMM, 0}
					changed = true
					n := v.konst(0)
					drop, a = a == n, n
				}
				if drop || s.op&0x07 != bpf.ALU {
					break
				}
			}
			if s.op == bpf.ALU|bpf.AND|bpf.K && s.k == 0xffffffff {
				changed, drop = true, true // A & 0xffffffff is A
				break
			}
			ak, aok := v.isK[a]
			if aok && s.op&bpf.X == 0 {
				if r, ok := aluFold(s.op, ak, s.k); ok {
					s = stmt{bpf.LD | bpf.IMM, r}
					changed = true
					n := v.konst(r)
					drop, a = a == n, n
					break
				}
			}
			a = v.fresh()
		case s.op == bpf.MISC|bpf.TAX:
			drop, x = x == a, a
		case s.op == bpf.MISC|bpf.TXA:
			drop, a = a == x, x
		default:
			a, x = v.fresh(), v.fresh()
			for i := range mem {
				mem[i] = v.fresh()
			}
		}
		if drop {
			changed = true
			continue
		}
		out = append(out, s)
	}
	if b.op&0x07 == bpf.JMP && b.op&0xf0 != bpf.JA && b.op&bpf.X != 0 {
		if c, ok := v.isK[x]; ok {
			b.op &^= bpf.X
			b.k = c
			changed = true
		}
	}
	if b.op&0x07 == bpf.JMP && b.op&0xf0 != bpf.JA && b.op&bpf.X == 0 && b.jt != b.jf {
		// A known A decides the branch: both edges go where it leads
		// (the statements still run: a load may end the program).
		if ak, ok := v.isK[a]; ok {
			if evalJump(b.op, ak, b.k) {
				b.jf = b.jt
			} else {
				b.jt = b.jf
			}
			changed = true
		}
	}
	if changed {
		b.stmts = out
	}
	return changed
}

// dropDead removes statements whose results nothing reads (given what is
// live after the block) and that cannot end the program.
func dropDead(b *block, out liveSet) bool {
	l := out.union(branchUse(b))
	keep := make([]bool, len(b.stmts))
	n := 0
	for j := len(b.stmts) - 1; j >= 0; j-- {
		s := b.stmts[j]
		def, use := stmtEffect(s)
		needed := canEnd(s) || (def.a && l.a) || (def.x && l.x) || def.mem&l.mem != 0
		if !needed {
			continue
		}
		keep[j] = true
		n++
		l.a = l.a && !def.a
		l.x = l.x && !def.x
		l.mem &^= def.mem
		l = l.union(use)
	}
	if n == len(b.stmts) {
		return false
	}
	kept := make([]stmt, 0, n)
	for j, s := range b.stmts {
		if keep[j] {
			kept = append(kept, s)
		}
	}
	b.stmts = kept
	return true
}

// peephole applies "and #k; jeq #0" -> "jset #k" (branches swapped) and
// "add x; tax; ld [x + j]" -> "ld [x + k + j]"; it reports whether it
// changed the block.
func peephole(b *block, out liveSet) bool {
	changed := false
	n := len(b.stmts)
	if n > 0 && b.op == bpf.JMP|bpf.JEQ|bpf.K && b.k == 0 && !out.a {
		if last := b.stmts[n-1]; last.op == bpf.ALU|bpf.AND|bpf.K {
			b.stmts = b.stmts[:n-1]
			b.op, b.k = bpf.JMP|bpf.JSET|bpf.K, last.k
			b.jt, b.jf = b.jf, b.jt
			changed = true
		}
	}
	// Constant A and a small X (the IP header length) before "add x".
	v := newVnum()
	a, x := v.fresh(), v.fresh()
	for i := 0; i+2 < len(b.stmts); i++ {
		s := b.stmts[i]
		ak, aok := v.isK[a]
		if s.op == bpf.ALU|bpf.ADD|bpf.X && aok && v.small[x] &&
			b.stmts[i+1].op == bpf.MISC|bpf.TAX && b.stmts[i+2].op&0x07 == bpf.LD && b.stmts[i+2].op&0xe0 == bpf.IND &&
			uint64(ak)+uint64(b.stmts[i+2].k) <= 0xffffffff && uint64(ak)+60 <= 0xffffffff && !xReadAfter(b, i+3, out) {
			ld := b.stmts[i+2]
			ld.k += ak
			rest := append([]stmt{ld}, b.stmts[i+3:]...)
			b.stmts = append(b.stmts[:i], rest...)
			return true
		}
		switch {
		case s.op == bpf.LD|bpf.IMM:
			a = v.konst(s.k)
		case s.op == bpf.LDX|bpf.MSH|bpf.B:
			x = v.load(s)
			v.small[x] = true
		default:
			def, _ := stmtEffect(s)
			if def.a {
				a = v.fresh()
			}
			if def.x {
				x = v.fresh()
			}
		}
	}
	return changed
}

// xReadAfter reports whether X, as it is before statement i of b, can be
// read by a later statement, the branch or a later block.
func xReadAfter(b *block, i int, out liveSet) bool {
	for _, s := range b.stmts[i:] {
		def, use := stmtEffect(s)
		if use.x {
			return true
		}
		if def.x {
			return false
		}
	}
	return branchUse(b).x || out.x
}

// liveness returns what each block may read on entry (A, X, memory),
// blocks with internal jumps reading everything.
func liveness(root *block) map[*block]liveSet {
	order := topoOrder(root)
	liveIn := map[*block]liveSet{}
	for i := len(order) - 1; i >= 0; i-- {
		b := order[i]
		if b.jumps != nil {
			liveIn[b] = liveAll
			continue
		}
		var l liveSet
		if !b.isRet() {
			if b.jt != nil {
				l = l.union(liveIn[b.jt])
			}
			if b.jf != nil {
				l = l.union(liveIn[b.jf])
			}
		}
		l = l.union(branchUse(b))
		for j := len(b.stmts) - 1; j >= 0; j-- {
			def, use := stmtEffect(b.stmts[j])
			l.a = l.a && !def.a
			l.x = l.x && !def.x
			l.mem &^= def.mem
			l = l.union(use)
		}
		liveIn[b] = l
	}
	return liveIn
}

// skipConstBlocks sends edges (and the start) past blocks that test a
// constant ("ld #k; jgt #c") when the block they lead to does not read
// A; it returns the new root.
func skipConstBlocks(root *block) *block {
	live := liveness(root)
	past := func(t *block) *block {
		for steps := 0; steps < 64 && t != nil; steps++ {
			if !t.isRet() && t.jt == t.jf && len(t.stmts) == 0 && t.jumps == nil {
				t = t.jt // a block that does nothing
				continue
			}
			c, ok := constBlock(t)
			if !ok {
				return t
			}
			next := t.jf
			if c {
				next = t.jt
			}
			if live[next].a {
				return t
			}
			t = next
		}
		return t
	}
	for _, b := range topoOrder(root) {
		if b.isRet() {
			continue
		}
		b.jt = past(b.jt)
		if b.jf != nil {
			b.jf = past(b.jf)
		}
	}
	root = past(root)
	// A test that leads the same way both ways is an unconditional jump
	// (and nothing at all when its target comes next).
	for _, b := range topoOrder(root) {
		if !b.isRet() && b.jumps == nil && b.jf != nil && b.jt == b.jf {
			b.op, b.k, b.jf = bpf.JMP|bpf.JA, 0, nil
		}
	}
	return root
}

// constState is what is known to be constant at a point: A, X and the
// scratch memory words whose bit is set in known.
type constState struct {
	known uint32
	a, x  uint32
	mem   [bpf.MemWords]uint32
}

const (
	kA   = 1 << 0
	kX   = 1 << 1
	kMem = 1 << 2 // bit kMem<<i: M[i]
)

// meet keeps what s and t agree on.
func (s constState) meet(t constState) constState {
	out := constState{a: s.a, x: s.x, mem: s.mem}
	k := s.known & t.known
	if k&kA != 0 && s.a != t.a {
		k &^= kA
	}
	if k&kX != 0 && s.x != t.x {
		k &^= kX
	}
	for i := range s.mem {
		if k&(kMem<<i) != 0 && s.mem[i] != t.mem[i] {
			k &^= kMem << i
		}
	}
	out.known = k
	return out
}

// through runs b's statements over s.
func (s constState) through(b *block) constState {
	if b.jumps != nil {
		return constState{}
	}
	for _, st := range b.stmts {
		switch {
		case st.op == bpf.LD|bpf.IMM:
			s.a, s.known = st.k, s.known|kA
		case st.op == bpf.LDX|bpf.IMM:
			s.x, s.known = st.k, s.known|kX
		case st.op == bpf.LD|bpf.MEM:
			if s.known&(kMem<<(st.k&15)) != 0 {
				s.a, s.known = s.mem[st.k&15], s.known|kA
			} else {
				s.known &^= kA
			}
		case st.op == bpf.LDX|bpf.MEM:
			if s.known&(kMem<<(st.k&15)) != 0 {
				s.x, s.known = s.mem[st.k&15], s.known|kX
			} else {
				s.known &^= kX
			}
		case st.op == bpf.ST:
			if s.known&kA != 0 {
				s.mem[st.k&15], s.known = s.a, s.known|kMem<<(st.k&15)
			} else {
				s.known &^= kMem << (st.k & 15)
			}
		case st.op == bpf.STX:
			if s.known&kX != 0 {
				s.mem[st.k&15], s.known = s.x, s.known|kMem<<(st.k&15)
			} else {
				s.known &^= kMem << (st.k & 15)
			}
		case st.op == bpf.MISC|bpf.TAX:
			s.x = s.a
			s.known = s.known&^kX | (s.known&kA)<<1
		case st.op == bpf.MISC|bpf.TXA:
			s.a = s.x
			s.known = s.known&^kA | (s.known&kX)>>1
		case st.op&0x07 == bpf.ALU:
			k, kok := st.k, true
			if st.op&0xf0 != bpf.NEG && st.op&bpf.X != 0 {
				k, kok = s.x, s.known&kX != 0
			}
			if s.known&kA != 0 && kok {
				if r, ok := aluFold(st.op, s.a, k); ok {
					s.a = r
					continue
				}
			}
			s.known &^= kA
		default:
			def, _ := stmtEffect(st)
			if def.a {
				s.known &^= kA
			}
			if def.x {
				s.known &^= kX
			}
			if def.mem != 0 {
				s.known &^= uint32(def.mem) << 2
			}
		}
	}
	return s
}

// entryConsts computes, for every block, the constants all paths into
// it bring (order is topological).
func entryConsts(root *block, order []*block) map[*block]constState {
	in := map[*block]constState{}
	seen := map[*block]bool{root: true}
	for _, b := range order {
		if b.isRet() {
			continue
		}
		out := in[b].through(b)
		for _, t := range []*block{b.jt, b.jf} {
			if t == nil {
				continue
			}
			if !seen[t] {
				seen[t] = true
				in[t] = out
			} else {
				in[t] = in[t].meet(out)
			}
		}
	}
	return in
}
