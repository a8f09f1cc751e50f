package bpf

import (
	"math/rand/v2"
	"testing"

	xbpf "golang.org/x/net/bpf"
)

func TestRawRoundTrip(t *testing.T) {
	p, err := ParseDecimal(tcpPort80)
	if err != nil {
		t.Fatal(err)
	}
	raw := ToRaw(p)
	if len(raw) != len(p) || raw[0] != (xbpf.RawInstruction{Op: 0x28, K: 12}) {
		t.Fatalf("ToRaw: %+v", raw[:1])
	}
	if back := FromRaw(raw); !equal(back, p) {
		t.Errorf("FromRaw(ToRaw(p)) differs:\n%s", back.Disassemble())
	}
}

func TestFromInstructions(t *testing.T) {
	got, err := FromInstructions([]xbpf.Instruction{
		xbpf.LoadAbsolute{Off: 12, Size: 2},
		xbpf.JumpIf{Cond: xbpf.JumpEqual, Val: 0x800, SkipTrue: 0, SkipFalse: 1},
		xbpf.RetConstant{Val: 262144},
		xbpf.RetConstant{Val: 0},
	})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ParseDisassembly("ldh [12]\njeq #0x800 jt 2 jf 3\nret #262144\nret #0")
	if !equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", got.Disassemble(), want.Disassemble())
	}
	if _, err := FromInstructions([]xbpf.Instruction{xbpf.LoadAbsolute{Off: 1, Size: 3}}); err == nil {
		t.Error("FromInstructions accepted a 3-byte load")
	}
}

// xnetVM builds golang.org/x/net/bpf's VM for p, or returns nil when that
// VM cannot run it. Known differences, which keep programs out of the
// comparison: the x/net VM does not implement NEG nor LDX|W|LEN and
// rejects ancillary loads (loads at SKF_AD_OFF and above); it also has
// no wire length: its LEN is the captured length, so we pass
// wireLen = len(pkt). Everything else (out-of-range loads, division by a
// zero X, shifts of 32 or more, return values) must agree.
func xnetVM(p Program) *xbpf.VM {
	var insns []xbpf.Instruction
	for _, in := range p {
		if in.Op == ALU|NEG || in.Op == LDX|W|LEN {
			return nil
		}
		insns = append(insns, xbpf.RawInstruction{Op: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}.Disassemble())
	}
	vm, err := xbpf.NewVM(insns)
	if err != nil {
		return nil
	}
	return vm
}

func TestMachineMatchesXNetVM(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pkts := randomPackets(r, 100)
	compared := 0
	for range 2000 {
		p := randomProgram(r)
		vm := xnetVM(p)
		if vm == nil {
			continue
		}
		m := mustMachine(t, p)
		for i, pk := range pkts {
			want, err := vm.Run(pk.data)
			if err != nil {
				t.Fatalf("x/net VM: %v", err)
			}
			if got := m.Run(pk.data, len(pk.data)); int(got) != want {
				t.Fatalf("packet %d (% x): machine %d, x/net %d\n%s", i, pk.data, got, want, p.Disassemble())
			}
		}
		compared++
	}
	if compared < 500 {
		t.Errorf("only %d programs compared", compared)
	}
	// Filter-shaped programs, full of fused sequences.
	ppkts := patternPackets(r, 100)
	for range 500 {
		p := patternProgram(r)
		vm := xnetVM(p)
		if vm == nil {
			t.Fatalf("x/net refuses a pattern program\n%s", p.Disassemble())
		}
		m := mustMachine(t, p)
		for i, pk := range ppkts {
			want, err := vm.Run(pk.data)
			if err != nil {
				t.Fatalf("x/net VM: %v", err)
			}
			if got := m.Run(pk.data, len(pk.data)); int(got) != want {
				t.Fatalf("packet %d (% x): machine %d, x/net %d\n%s", i, pk.data, got, want, p.Disassemble())
			}
		}
	}
}
