package bpf

import (
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// patternProgram builds a random program shaped like compiled filters,
// rich in the sequences the machine fuses: loads followed by conditional
// jumps, "ldxb 4*([k]&0xf); ldh [x+k]; jeq", chains of jeq through their
// false branches, and runs of jeq on one target (host lists), with jumps
// into the middle of runs. Constants and packet bytes come from small
// pools so that comparisons often succeed.
func patternProgram(r *rand.Rand) Program {
	n := 8 + r.IntN(60)
	nret := 1 + r.IntN(4)
	p := make(Program, 0, n+nret)
	konst := func(size uint16) uint32 {
		var v uint32
		bytes := map[uint16]int{B: 1, H: 2, W: 4}[size]
		for range bytes {
			v = v<<8 | uint32(r.IntN(3))
		}
		return v
	}
	total := n + nret
	target := func(i int) uint8 { // a forward offset from i+1, in range
		rest := total - i - 1
		if rest <= 0 || r.IntN(3) == 0 {
			return 0
		}
		return uint8(r.IntN(min(rest, 256)))
	}
	size := uint16(H)
	for len(p) < n {
		i := len(p)
		switch r.IntN(9) {
		case 8: // the port test of "port N": src, then dst two bytes on
			c := konst(H)
			off := uint32(r.IntN(20))
			if r.IntN(2) == 0 {
				p = append(p, Instruction{Op: LDX | MSH | B, K: uint32(r.IntN(24))},
					Instruction{Op: LD | H | IND, K: off})
			} else {
				p = append(p, Instruction{Op: LD | H | ABS, K: off})
			}
			j := len(p)
			p = append(p, Instruction{Op: JMP | JEQ | K, K: c, Jt: target(j) + 1, Jf: 0})
			p = append(p, Instruction{Op: LD | H | p[j-1].Op&0xe0, K: off + 2})
			p = append(p, Instruction{Op: JMP | JEQ | K, K: c, Jt: target(j + 2), Jf: target(j + 2)})
			size = H
		case 0, 1:
			size = []uint16{B, H, W}[r.IntN(3)]
			p = append(p, Instruction{Op: LD | size | ABS, K: uint32(r.IntN(24))})
		case 2:
			size = []uint16{B, H}[r.IntN(2)]
			p = append(p, Instruction{Op: LD | size | IND, K: uint32(r.IntN(16))})
		case 3:
			p = append(p, Instruction{Op: LDX | MSH | B, K: uint32(r.IntN(24))})
		case 4: // a run of jeq on one target
			l := 2 + r.IntN(10)
			t := i + l + r.IntN(4)
			for k := 0; k < l && len(p) < n; k++ {
				j := len(p)
				if t <= j || t-j-1 > 255 || t >= total {
					t = total - 1
				}
				p = append(p, Instruction{Op: JMP | JEQ | K, K: konst(size), Jt: uint8(t - j - 1), Jf: 0})
			}
		default:
			op := []uint16{JEQ, JEQ, JEQ, JGT, JGE, JSET}[r.IntN(6)]
			p = append(p, Instruction{Op: JMP | op | K, K: konst(size), Jt: target(i), Jf: target(i)})
		}
	}
	p = p[:n]
	for i := range p { // clamp jumps the runs may have pushed out of range
		if p[i].Class() == JMP {
			if i+1+int(p[i].Jt) >= total {
				p[i].Jt = uint8(total - i - 2)
			}
			if i+1+int(p[i].Jf) >= total {
				p[i].Jf = uint8(total - i - 2)
			}
		}
	}
	for k := range nret {
		p = append(p, Instruction{Op: RET | K, K: uint32(k + 1)})
	}
	p[len(p)-1] = Instruction{Op: RET | A}
	return p
}

func patternPackets(r *rand.Rand, n int) []testPacket {
	pkts := make([]testPacket, n)
	for i := range pkts {
		d := make([]byte, 20+r.IntN(30))
		for j := range d {
			d[j] = byte(r.IntN(3))
		}
		pkts[i] = testPacket{data: d, wireLen: len(d)}
	}
	return pkts
}

// TestFusionPreservesSemantics runs filter-shaped random programs with and
// without the fused operations.
func TestFusionPreservesSemantics(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	pkts := patternPackets(r, 300)
	fused := 0
	seen := map[kind]bool{}
	for range 3000 {
		p := patternProgram(r)
		plain, err := newMachine(p, false)
		if err != nil {
			t.Fatalf("%v\n%s", err, p.Disassemble())
		}
		m := mustMachine(t, p)
		for i := range m.prog {
			if m.prog[i].kind != plain.prog[i].kind {
				fused++
				seen[m.prog[i].kind] = true
			}
		}
		for i, pk := range pkts {
			if got, want := m.Run(pk.data, pk.wireLen), plain.Run(pk.data, pk.wireLen); got != want {
				t.Fatalf("packet %d (% x): fused %d, plain %d\n%s", i, pk.data, got, want, p.Disassemble())
			}
		}
	}
	if fused < 3000 {
		t.Errorf("only %d fused operations in 3000 programs", fused)
	}
	for _, k := range []kind{kLdHJeq, kLdHJgt, kLdHJge, kLdHJset, kLdBJeq, kLdBJgt, kLdBJge, kLdBJset,
		kLdWJeq, kLdWJgt, kLdWJge, kLdWJset, kLdIndHJeq, kLdIndBJeq, kMshLdIndHJeq, kJeqSet,
		kLdIndHCond, kLdIndBCond, kMshLdIndHCond, kMshLdIndBCond, kMshPortPair, kLdHPortPair,
		kJeq2, kLdHJeq2, kLdBJeq2, kLdWJeq2} {
		if !seen[k] {
			t.Errorf("fused operation kind %d never generated", k)
		}
	}
}

// TestFusionMatchesLibpcap runs the same kind of programs through
// libpcap's bpf_filter.
func TestFusionMatchesLibpcap(t *testing.T) {
	bpfrun(t)
	r := rand.New(rand.NewPCG(9, 10))
	pkts := patternPackets(r, 300)
	pcap := filepath.Join(t.TempDir(), "pattern.pcap")
	writePcap(t, pcap, pkts)
	programs := 60
	if testing.Short() {
		programs = 10
	}
	for range programs {
		p := patternProgram(r)
		m := mustMachine(t, p)
		want := libpcapResults(t, p, pcap)
		for i, pk := range pkts {
			if got := m.Run(pk.data, pk.wireLen); got != want[i] {
				t.Fatalf("packet %d (% x): machine %d, libpcap %d\n%s", i, pk.data, got, want[i], p.Disassemble())
			}
		}
	}
}
