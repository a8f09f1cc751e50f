package filtertest

import (
	"math/rand"

	"github.com/snare-pcap/snare/bpf"
)

// Corpus builds packets that drive the given programs down every branch
// they can take. It starts from the seeds and, run after run, takes each
// conditional jump whose other direction no program has taken yet, finds
// the packet bytes (or wire length, or ancillary field) its operand was
// loaded from, and writes a value that makes the comparison go the other
// way; loads past the end of a packet grow the packet. Truncated copies at
// load boundaries and a few random mutations are added at the end. The
// result is deterministic for the same programs, seeds and seed value;
// it holds at most max inputs (plus the truncations and mutations).
func Corpus(progs []bpf.Program, seeds []Input, max int, seed int64) []Input {
	g := gen{seen: map[string]bool{}}
	covs := make([]*Coverage, len(progs))
	tried := make([]map[[2]int]int, len(progs))
	for i, p := range progs {
		covs[i] = NewCoverage(p)
		tried[i] = map[[2]int]int{}
	}
	for _, s := range seeds {
		g.add(s.clone())
	}
	ends := map[uint32]bool{}
	for qi := 0; qi < len(g.out) && len(g.out) < max; qi++ {
		in := g.out[qi]
		for pi, p := range progs {
			var tr trace
			run(p, &in, &tr)
			covs[pi].addTrace(&tr)
			for _, e := range tr.loadEnds {
				ends[e] = true
			}
			if tr.oob && tr.oobOff+uint64(tr.oobSize) <= maxPacket {
				n := in.clone()
				need := int(tr.oobOff) + int(tr.oobSize)
				n.Pkt = append(n.Pkt, make([]byte, need-len(n.Pkt)+int(qi%3)*8)...)
				if n.WireLen < uint32(len(n.Pkt)) {
					n.WireLen = uint32(len(n.Pkt))
				}
				g.add(n)
			}
			for _, b := range tr.branches {
				c := covs[pi]
				want := !b.taken
				if (want && c.True[b.pc]) || (!want && c.False[b.pc]) {
					continue
				}
				k := [2]int{b.pc, btoi(want)}
				if tried[pi][k] >= 4 {
					continue
				}
				tried[pi][k]++
				for _, v := range solve(b, want) {
					if n, ok := patch(in, b.src, v); ok {
						g.add(n)
					}
				}
			}
		}
	}
	// Truncations at load boundaries and mutations.
	rng := rand.New(rand.NewSource(seed))
	var bounds []uint32
	for e := range ends {
		bounds = append(bounds, e)
	}
	sortU32(bounds)
	base := len(g.out)
	for i := 0; i < base; i++ {
		in := g.out[i]
		if len(bounds) > 0 {
			e := bounds[rng.Intn(len(bounds))]
			if e > 0 && int(e) <= len(in.Pkt) {
				n := in.clone()
				n.Pkt = n.Pkt[:e-1]
				g.add(n)
			}
		}
		if i%4 == 0 && len(in.Pkt) > 0 {
			n := in.clone()
			for j := 0; j < 3; j++ {
				n.Pkt[rng.Intn(len(n.Pkt))] ^= byte(1 << uint(rng.Intn(8)))
			}
			g.add(n)
		}
	}
	return g.out
}

type gen struct {
	out  []Input
	seen map[string]bool
}

func (g *gen) add(in Input) {
	k := in.key()
	if g.seen[k] {
		return
	}
	g.seen[k] = true
	g.out = append(g.out, in)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sortU32(a []uint32) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// solve returns values for the branch's source that make the comparison
// come out as want, checked by evaluating the ALU steps forward.
func solve(b branch, want bool) []uint32 {
	if b.src.kind == srcNone {
		return nil
	}
	var targets []uint32
	k := b.k
	switch b.op {
	case bpf.JEQ:
		if want {
			targets = []uint32{k}
		} else {
			targets = []uint32{k + 1, k - 1, 0, k ^ 0x100}
		}
	case bpf.JGT:
		if want {
			targets = []uint32{k + 1, 0xffffffff, k + 0x100}
		} else {
			targets = []uint32{k, 0, k - 1}
		}
	case bpf.JGE:
		if want {
			targets = []uint32{k, 0xffffffff, k + 1}
		} else {
			targets = []uint32{k - 1, 0}
		}
	case bpf.JSET:
		if want {
			targets = []uint32{k, k & -k, 0xffffffff}
		} else {
			targets = []uint32{0, ^k}
		}
	}
	mask := uint32(0xffffffff)
	switch {
	case b.src.kind == srcPkt && b.src.size == 1:
		mask = 0xff
	case b.src.kind == srcPkt && b.src.size == 2:
		mask = 0xffff
	case b.src.kind == srcLen:
		mask = 0xffff // keep wire lengths plausible
	}
	var out []uint32
	seen := map[uint32]bool{}
	try := func(v uint32) {
		v &= mask
		if seen[v] || len(out) >= 2 {
			return
		}
		seen[v] = true
		r, ok := forward(b.src.ops, v)
		if !ok {
			return
		}
		if c, _ := cmp(b.op, r, k); c == want {
			out = append(out, v)
		}
	}
	for _, t := range targets {
		for _, v := range invert(b.src.ops, t) {
			try(v)
		}
	}
	for _, v := range []uint32{0, mask, k, k + 1, k - 1, mask >> 1, 1} {
		try(v)
	}
	return out
}

func forward(ops []aluStep, v uint32) (uint32, bool) {
	for _, s := range ops {
		var ok bool
		if v, ok = alu(s.op, v, s.k); !ok {
			return 0, false
		}
	}
	return v, true
}

// invert returns candidate inputs for which ops may produce t.
func invert(ops []aluStep, t uint32) []uint32 {
	cands := []uint32{t}
	for i := len(ops) - 1; i >= 0; i-- {
		s := ops[i]
		var next []uint32
		for _, c := range cands {
			switch s.op {
			case bpf.ADD:
				next = append(next, c-s.k)
			case bpf.SUB:
				next = append(next, c+s.k)
			case bpf.MUL:
				if s.k != 0 {
					next = append(next, c/s.k)
				}
				next = append(next, c)
			case bpf.DIV:
				next = append(next, c*s.k, c*s.k+s.k-1)
			case bpf.LSH:
				next = append(next, c>>(s.k&31))
			case bpf.RSH:
				next = append(next, c<<(s.k&31), c<<(s.k&31)|(1<<(s.k&31)-1))
			case bpf.XOR:
				next = append(next, c^s.k)
			case bpf.NEG:
				next = append(next, -c)
			case bpf.AND:
				next = append(next, c, c|^s.k)
			default:
				next = append(next, c)
			}
		}
		if len(next) > 8 {
			next = next[:8]
		}
		cands = next
	}
	return cands
}

// maxPacket bounds the packets the generator makes.
const maxPacket = 1 << 16

// patch returns a copy of in with the source set to v, or false if that
// needs a packet longer than maxPacket.
func patch(in Input, s source, v uint32) (Input, bool) {
	if s.kind == srcPkt && uint64(s.off)+uint64(s.size) > maxPacket {
		return in, false
	}
	n := in.clone()
	switch s.kind {
	case srcPkt:
		end := int(s.off) + int(s.size)
		if end > len(n.Pkt) {
			n.Pkt = append(n.Pkt, make([]byte, end-len(n.Pkt))...)
			if n.WireLen < uint32(len(n.Pkt)) {
				n.WireLen = uint32(len(n.Pkt))
			}
		}
		for i := int(s.size) - 1; i >= 0; i-- {
			n.Pkt[int(s.off)+i] = byte(v)
			v >>= 8
		}
	case srcLen:
		n.WireLen = v
		if uint32(len(n.Pkt)) > v {
			n.Pkt = n.Pkt[:v]
		}
	case srcAnc:
		n.Aux[s.off] = v
	}
	return n, true
}
