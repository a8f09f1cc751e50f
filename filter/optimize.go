package filter

import (
	"strconv"
	"strings"

	"github.com/snare-pcap/snare/bpf"
)

// The optimizer works on the block graph and keeps every program
// equivalent, truncated packets included (a load that can end the program
// is never dropped, where libpcap's optimizer sometimes drops one). It
// does what matters most for the code the generator emits:
//
//   - jump threading: along every path the outcome of earlier tests on
//     the packet is known ("[12] == 0x800 was true"); an edge that leads
//     to a block whose test is decided by those facts is redirected past
//     it, as libpcap's opt_j does with its edge dominators;
//   - redundant load removal: a block whose statements recompute, from
//     the packet alone, the values A and X already hold on every incoming
//     edge drops them;
//   - value folding inside blocks (optimize_vals.go): constants through
//     scratch memory, dead statements, libpcap's peepholes; then index
//     loads X already holds are dropped;
//   - merging of equal blocks (same statements, branch and successors).
//
// Facts are only kept about values computed from the packet itself
// (never from scratch memory), so no statement can invalidate them.

// fact is a known outcome of "E op k" for the value E a block computes.
type fact struct {
	e   string
	op  uint16
	k   uint32
	val bool
}

// pureKey returns a key naming the accumulator value a block computes
// before its branch, and whether the block is pure: its value depends
// only on the packet, it writes no scratch memory, and skipping it
// changes nothing a later block reads.
func pureKey(b *block) (string, bool) { return valueKey(b, false) }

// valueKey is pureKey, also letting the values come from scratch memory
// when withMem is set (for comparisons across one edge, where memory
// does not change).
func valueKey(b *block, withMem bool) (string, bool) {
	if b.isRet() || b.op&0x07 != bpf.JMP || b.op&0xf0 == bpf.JA || b.op&bpf.X != 0 {
		return "", false
	}
	if len(b.stmts) == 0 {
		return "", false
	}
	xSet, aSet := false, false
	var sb strings.Builder
	for _, s := range b.stmts {
		switch {
		case s.op == bpf.LD|bpf.ABS|bpf.W || s.op == bpf.LD|bpf.ABS|bpf.H || s.op == bpf.LD|bpf.ABS|bpf.B ||
			s.op == bpf.LD|bpf.LEN|bpf.W || s.op == bpf.LD|bpf.IMM:
			aSet = true
		case s.op == bpf.LD|bpf.IND|bpf.W || s.op == bpf.LD|bpf.IND|bpf.H || s.op == bpf.LD|bpf.IND|bpf.B:
			if !xSet {
				return "", false
			}
			aSet = true
		case s.op == bpf.LDX|bpf.MSH|bpf.B || s.op == bpf.LDX|bpf.IMM:
			xSet = true
		case withMem && s.op == bpf.LD|bpf.MEM:
			aSet = true
		case withMem && s.op == bpf.LDX|bpf.MEM:
			xSet = true
		case s.op&0x07 == bpf.ALU && s.op&bpf.X == 0 && s.op&0xf0 != bpf.NEG:
			if !aSet {
				return "", false
			}
		default:
			return "", false
		}
		sb.WriteString(strconv.FormatUint(uint64(s.op), 16))
		sb.WriteByte(':')
		sb.WriteString(strconv.FormatUint(uint64(s.k), 16))
		sb.WriteByte(';')
	}
	if !aSet {
		return "", false
	}
	return sb.String(), true
}

// evalJump evaluates a conditional jump on a known value.
func evalJump(op uint16, v, k uint32) bool {
	switch op & 0xf0 {
	case bpf.JEQ:
		return v == k
	case bpf.JGT:
		return v > k
	case bpf.JGE:
		return v >= k
	case bpf.JSET:
		return v&k != 0
	}
	return false
}

// decide returns the outcome of "e op k" if the facts determine it.
func decide(fs []fact, e string, op uint16, k uint32) (val, ok bool) {
	for _, f := range fs {
		if f.e != e {
			continue
		}
		if f.op == op && f.k == k {
			return f.val, true
		}
		if f.op&0xf0 == bpf.JEQ && f.val {
			return evalJump(op, f.k, k), true
		}
	}
	return false, false
}

func hasFact(fs []fact, f fact) bool {
	for _, g := range fs {
		if g == f {
			return true
		}
	}
	return false
}

// intersect keeps the facts present in both lists.
func intersect(a, b []fact) []fact {
	var out []fact
	for _, f := range a {
		if hasFact(b, f) {
			out = append(out, f)
		}
	}
	return out
}

// topoOrder returns the blocks reachable from root in the order the
// linearizer lays them out (a topological order).
func topoOrder(root *block) []*block {
	seen := map[*block]bool{}
	var order []*block
	var visit func(b *block)
	visit = func(b *block) {
		if b == nil || seen[b] {
			return
		}
		seen[b] = true
		visit(b.jf)
		visit(b.jt)
		order = append(order, b)
	}
	visit(root)
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	return order
}

// optimize improves the block graph while keeping it equivalent.
func optimize(root *block) *block {
	for pass := 0; pass < 16; pass++ {
		changed := threadJumps(root)
		// A constant test at the root decides where the program starts.
		for steps := 0; steps < 64; steps++ {
			if !root.isRet() && root.jt == root.jf && isReject(root.jt) && (root.jumps == nil) {
				if _, pure := pureKey(root); pure {
					root = root.jt
					changed = true
					continue
				}
			}
			c, ok := constBlock(root)
			if !ok {
				break
			}
			if c {
				root = root.jt
			} else {
				root = root.jf
			}
			changed = true
		}
		if !changed {
			break
		}
	}
	// Folding makes blocks read the A and X their predecessors leave,
	// which jump threading (it skips blocks) must not see: it comes
	// after.
	for i := 0; i < 16 && foldValues(root); i++ {
	}
	root = skipConstBlocks(root)
	removeRedundantLoads(root)
	removeRedundantXLoads(root)
	return mergeBlocks(root)
}

// rejectsAll reports whether every return reachable from root is 0, for
// programs libpcap's optimizer can see through (not protochain's loop).
func rejectsAll(root *block) bool {
	for _, b := range topoOrder(root) {
		if b.jumps != nil || (b.isRet() && !isReject(b)) {
			return false
		}
	}
	return true
}

// isReject reports whether b returns 0.
func isReject(b *block) bool { return b != nil && b.op == bpf.RET|bpf.K && b.k == 0 }

// constBlock reports the outcome of a block that tests a constant
// ("ld #k; jeq #c").
func constBlock(b *block) (outcome, ok bool) {
	if b.isRet() || isJA(b) || b.op&bpf.X != 0 || len(b.stmts) != 1 || b.stmts[0].op != bpf.LD|bpf.IMM {
		return false, false
	}
	return evalJump(b.op, b.stmts[0].k, b.k), true
}

// threadJumps redirects edges past blocks whose outcome is known; it
// reports whether anything changed.
func threadJumps(root *block) bool {
	order := topoOrder(root)
	keys := map[*block]string{}
	pure := map[*block]bool{}
	for _, b := range order {
		keys[b], pure[b] = pureKey(b)
	}
	// Facts known on entry to each block: the intersection over its
	// incoming edges.
	in := map[*block][]fact{}
	reached := map[*block]bool{root: true}
	edgeFacts := func(b *block, side bool) []fact {
		fs := append([]fact(nil), in[b]...)
		if pure[b] {
			f := fact{keys[b], b.op, b.k, side}
			if !hasFact(fs, f) {
				fs = append(fs, f)
			}
		}
		return fs
	}
	changed := false
	for _, b := range order {
		if b.isRet() || b.op&0xf0 == bpf.JA && b.op&0x07 == bpf.JMP {
			if b.jt != nil && !b.isRet() {
				propagate(in, reached, b.jt, in[b])
			}
			continue
		}
		for _, side := range []bool{true, false} {
			fs := edgeFacts(b, side)
			t := b.jf
			if side {
				t = b.jt
			}
			for steps := 0; steps < 64; steps++ {
				if t.isRet() || !pure[t] {
					break
				}
				var next *block
				var tf fact
				if t.jt == t.jf && isReject(t.jt) {
					// Either way the packet is rejected (an
					// out-of-bounds load rejects it too).
					next = t.jt
				} else if c, ok := constBlock(t); ok {
					if c {
						next = t.jt
					} else {
						next = t.jf
					}
				} else if v, ok := decide(fs, keys[t], t.op, t.k); ok {
					tf = fact{keys[t], t.op, t.k, v}
					if v {
						next = t.jt
					} else {
						next = t.jf
					}
				} else {
					break
				}
				if tf.e != "" && !hasFact(fs, tf) {
					fs = append(fs, tf)
				}
				t = next
				changed = true
			}
			if side {
				b.jt = t
			} else {
				b.jf = t
			}
			propagate(in, reached, t, fs)
		}
	}
	return changed
}

func propagate(in map[*block][]fact, reached map[*block]bool, t *block, fs []fact) {
	if !reached[t] {
		reached[t] = true
		in[t] = append([]fact(nil), fs...)
		return
	}
	in[t] = intersect(in[t], fs)
}

// removeRedundantLoads drops a block's statements when they recompute,
// from the packet alone, exactly the accumulator and index values that
// every incoming edge already carries.
func removeRedundantLoads(root *block) {
	order := topoOrder(root)
	preds := map[*block][]*block{}
	for _, b := range order {
		if b.isRet() {
			continue
		}
		if b.jt != nil {
			preds[b.jt] = append(preds[b.jt], b)
		}
		if b.jf != nil && b.jf != b.jt {
			preds[b.jf] = append(preds[b.jf], b)
		}
	}
	// exit[b] names the pure statement sequence whose results A and X
	// hold when b branches ("" when unknown).
	// xexit[b] says whether X was set on every path to there.
	entry := map[*block]string{}
	exit := map[*block]string{}
	xentry := map[*block]string{}
	xexit := map[*block]string{}
	for _, b := range order {
		if b != root && len(preds[b]) > 0 {
			v, x := exit[preds[b][0]], xexit[preds[b][0]]
			for _, p := range preds[b][1:] {
				if exit[p] != v {
					v = ""
				}
				if xexit[p] != x {
					x = ""
				}
			}
			entry[b], xentry[b] = v, x
		}
		if b.isRet() {
			continue
		}
		// libpcap's test is whether X holds a known value: whether
		// every path set it.
		x := xentry[b]
		for _, s := range b.stmts {
			if setsX(s) {
				x = "set"
			}
		}
		if len(b.stmts) == 0 {
			exit[b], xexit[b] = entry[b], x
			continue
		}
		if hasJumps(b) {
			continue
		}
		xexit[b] = x
		key, pure := edgeKey(b.stmts)
		if entry[b] != "" {
			// What recomputes the values A (and X) already hold
			// goes, as libpcap's optimizer decides: one statement
			// that gives A the value it has, or the whole block
			// when X's value is known too.
			for k := len(b.stmts); k > 0; k-- {
				if k > 1 && (k < len(b.stmts) || xentry[b] == "") {
					continue
				}
				if pk, ok := edgeKey(b.stmts[:k]); ok && pk == entry[b] {
					b.stmts = b.stmts[k:]
					break
				}
			}
		}
		if !pure {
			// A (and X) may still come from a pure tail.
			key = ""
			for j := 1; j < len(b.stmts) && key == ""; j++ {
				if k, ok := edgeKey(b.stmts[j:]); ok {
					key = k
				}
			}
		}
		exit[b] = key
	}
}

// edgeKey names a statement sequence by the values it leaves in A (and
// X), computed from the packet and scratch memory.
func edgeKey(stmts []stmt) (string, bool) {
	return valueKey(&block{stmts: stmts, op: bpf.JMP | bpf.JEQ | bpf.K}, true)
}

// xLoadKey names the value an index-register load gives when it depends
// on the packet or a constant only (ldx #k, ldxb 4*([k]&0xf)); ok is
// false for other statements.
func xLoadKey(s stmt) (key string, ok bool) {
	switch s.op {
	case bpf.LDX | bpf.MSH | bpf.B, bpf.LDX | bpf.IMM:
		return strconv.FormatUint(uint64(s.op), 16) + ":" + strconv.FormatUint(uint64(s.k), 16), true
	}
	return "", false
}

// setsX reports whether s changes the index register.
func setsX(s stmt) bool {
	return s.op&0x07 == bpf.LDX || s.op == bpf.MISC|bpf.TAX
}

// removeRedundantXLoads drops index-register loads (ldx #k,
// ldxb 4*([k]&0xf)) when X already holds that value on every path that
// reaches them, as libpcap's value numbering does ("tcp port 25" loads
// the IP header length once). A load that was done before succeeded, so
// dropping its repetition changes no outcome, even on short packets.
func removeRedundantXLoads(root *block) {
	order := topoOrder(root)
	preds := map[*block][]*block{}
	for _, b := range order {
		if b.isRet() {
			continue
		}
		if b.jt != nil {
			preds[b.jt] = append(preds[b.jt], b)
		}
		if b.jf != nil && b.jf != b.jt {
			preds[b.jf] = append(preds[b.jf], b)
		}
	}
	exit := map[*block]string{} // X's value when b branches ("" unknown)
	for _, b := range order {
		x := ""
		if b != root && len(preds[b]) > 0 {
			x = exit[preds[b][0]]
			for _, p := range preds[b][1:] {
				if exit[p] != x {
					x = ""
					break
				}
			}
		}
		if b.isRet() {
			continue
		}
		if b.jumps != nil {
			exit[b] = ""
			continue
		}
		out := b.stmts[:0:0]
		for _, s := range b.stmts {
			if k, ok := xLoadKey(s); ok {
				if k == x {
					continue
				}
				x = k
			} else if setsX(s) {
				x = ""
			}
			out = append(out, s)
		}
		if len(out) != len(b.stmts) {
			b.stmts = out
		}
		exit[b] = x
	}
}

// mergeBlocks makes equal blocks (same statements, branch and
// successors) one block; a block's effect depends only on its content
// and the state it is entered with, so this changes nothing.
func mergeBlocks(root *block) *block {
	for {
		order := topoOrder(root)
		seen := map[string]*block{}
		repl := map[*block]*block{}
		for i := len(order) - 1; i >= 0; i-- {
			b := order[i]
			if b.jumps != nil {
				continue
			}
			var sb strings.Builder
			for _, s := range b.stmts {
				sb.WriteString(strconv.FormatUint(uint64(s.op), 16) + ":" + strconv.FormatUint(uint64(s.k), 16) + ";")
			}
			sb.WriteString("|" + strconv.FormatUint(uint64(b.op), 16) + ":" + strconv.FormatUint(uint64(b.k), 16))
			if !b.isRet() {
				sb.WriteString("|" + strconv.Itoa(b.jt.id))
				if b.jf != nil {
					sb.WriteString("," + strconv.Itoa(b.jf.id))
				}
			}
			k := sb.String()
			if o, ok := seen[k]; ok {
				repl[b] = o
			} else {
				seen[k] = b
			}
		}
		if len(repl) == 0 {
			return root
		}
		for _, b := range order {
			if r, ok := repl[b.jt]; ok {
				b.jt = r
			}
			if r, ok := repl[b.jf]; ok {
				b.jf = r
			}
		}
		if r, ok := repl[root]; ok {
			root = r
		}
	}
}

// hasJumps reports whether a block's statements contain jumps.
func hasJumps(b *block) bool {
	for _, s := range b.stmts {
		if s.op&0x07 == bpf.JMP {
			return true
		}
	}
	return false
}
