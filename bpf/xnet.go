package bpf

import xbpf "golang.org/x/net/bpf"

// ToRaw converts p to golang.org/x/net/bpf raw instructions, field for
// field.
func ToRaw(p Program) []xbpf.RawInstruction {
	r := make([]xbpf.RawInstruction, len(p))
	for i, in := range p {
		r[i] = xbpf.RawInstruction{Op: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	return r
}

// FromRaw converts golang.org/x/net/bpf raw instructions to a Program,
// field for field. The result is not validated.
func FromRaw(r []xbpf.RawInstruction) Program {
	p := make(Program, len(r))
	for i, in := range r {
		p[i] = Instruction{Op: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	return p
}

// FromInstructions assembles golang.org/x/net/bpf instructions with
// xbpf.Assemble and converts the result. The result is not validated.
func FromInstructions(insns []xbpf.Instruction) (Program, error) {
	r, err := xbpf.Assemble(insns)
	if err != nil {
		return nil, err
	}
	return FromRaw(r), nil
}
