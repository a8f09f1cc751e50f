//go:build linux

package afpacket

import (
	"encoding/binary"
	"testing"

	"github.com/snare-pcap/snare/bpf"
)

// TestKernelProgramCooked checks libpcap's fix-ups for cooked sockets:
// LINUX_SLL header fields become ancillary loads, later offsets lose the
// header, and RET k becomes the maximum snapshot length.
func TestKernelProgramCooked(t *testing.T) {
	prog := bpf.Program{
		{Op: bpf.LD | bpf.H | bpf.ABS, K: 14},  // protocol
		{Op: bpf.LD | bpf.H | bpf.ABS, K: 0},   // packet type
		{Op: bpf.LD | bpf.B | bpf.ABS, K: 25},  // IPv4 protocol (16+9)
		{Op: bpf.LDX | bpf.B | bpf.MSH, K: 16}, // IPv4 header length
		{Op: bpf.LD | bpf.H | bpf.IND, K: 18},  // UDP destination port (16+2)
		{Op: bpf.RET | bpf.K, K: 96},
	}
	k, ok := kernelProgram(prog, true, false)
	if !ok {
		t.Fatal("refused")
	}
	want := []uint32{anc(bpf.AncProtocol), anc(bpf.AncPktType), 9, 0, 2, 262144}
	for i, w := range want {
		if k[i].K != w || k[i].Op != prog[i].Op {
			t.Errorf("insn %d: %+v, want K=%#x", i, k[i], w)
		}
	}
	if _, ok := kernelProgram(bpf.Program{{Op: bpf.LD | bpf.W | bpf.ABS, K: 6}}, true, false); ok {
		t.Error("a load of the link-layer address was accepted for the kernel")
	}
	v2, ok := kernelProgram(bpf.Program{{Op: bpf.LD | bpf.W | bpf.ABS, K: 4}, {Op: bpf.LD | bpf.B | bpf.ABS, K: 10}}, true, true)
	if !ok || v2[0].K != anc(bpf.AncIfIndex) || v2[1].K != anc(bpf.AncPktType) {
		t.Errorf("SLL2 fix-ups: %+v %v", v2, ok)
	}
}

func anc(a int32) uint32 { off := int32(bpf.AncOffset); return uint32(off + a) }

// FuzzKernelProgram: any program is either refused or adapted with the
// same length and opcodes, and never panics.
func FuzzKernelProgram(f *testing.F) {
	f.Add([]byte{0x28, 0, 0, 0, 14, 0, 0, 0, 0x06, 0, 0, 0, 0xff, 0xff, 0, 0}, true, false)
	f.Add([]byte{0xb1, 0, 0, 0, 16, 0, 0, 0, 0x48, 0, 0, 0, 18, 0, 0, 0}, true, true)
	f.Fuzz(func(t *testing.T, raw []byte, cooked, v2 bool) {
		var prog bpf.Program
		for len(raw) >= 8 {
			prog = append(prog, bpf.Instruction{Op: binary.LittleEndian.Uint16(raw), Jt: raw[2], Jf: raw[3], K: binary.LittleEndian.Uint32(raw[4:])})
			raw = raw[8:]
		}
		k, ok := kernelProgram(prog, cooked, v2)
		if !ok {
			return
		}
		if len(k) != len(prog) {
			t.Fatalf("length %d, want %d", len(k), len(prog))
		}
		for i := range k {
			if k[i].Op != prog[i].Op || k[i].Jt != prog[i].Jt || k[i].Jf != prog[i].Jf {
				t.Fatalf("insn %d changed beyond K", i)
			}
		}
	})
}
