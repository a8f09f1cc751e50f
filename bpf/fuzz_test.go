package bpf

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// programFromBytes reads 8-byte struct sock_filter records (little-endian
// op, jt, jf, k) from b.
func programFromBytes(b []byte) Program {
	p := make(Program, 0, len(b)/8)
	for ; len(b) >= 8; b = b[8:] {
		p = append(p, Instruction{Op: binary.LittleEndian.Uint16(b), Jt: b[2], Jf: b[3], K: binary.LittleEndian.Uint32(b[4:])})
	}
	return p
}

func programBytes(p Program) []byte {
	b := make([]byte, 0, 8*len(p))
	for _, in := range p {
		b = binary.LittleEndian.AppendUint16(b, in.Op)
		b = append(b, in.Jt, in.Jf)
		b = binary.LittleEndian.AppendUint32(b, in.K)
	}
	return b
}

// FuzzMachine runs arbitrary programs over arbitrary packets: no panic,
// no hang; programs Validate accepts must also pass ValidateUserland, and
// where x/net/bpf's VM runs the program it must agree with ours.
func FuzzMachine(f *testing.F) {
	p80, _ := ParseDecimal(tcpPort80)
	pkt := make([]byte, 60)
	pkt[12], pkt[13], pkt[14], pkt[23], pkt[37] = 8, 0, 0x45, 6, 80
	f.Add(programBytes(p80), pkt, uint16(60))
	f.Add(programBytes(Program{{Op: LDX | IMM, K: 0xffffffff}, {Op: LD | B | IND, K: 2}, {Op: RET | A}}), pkt, uint16(60))
	f.Add(programBytes(Program{{Op: LD | W | ABS, K: ancBase + AncAluXorX}, {Op: RET | A}}), pkt, uint16(1))
	f.Add(programBytes(Program{{Op: LD | IMM, K: 1}, {Op: JMP | JA, K: 1}, {Op: RET | A}, {Op: JMP | JA, K: 0xfffffffd}, {Op: RET | K}}), []byte{}, uint16(0))
	f.Add([]byte{0x06, 0, 0, 0, 0xff, 0xff, 0, 0}, []byte{1, 2, 3}, uint16(3))
	r := rand.New(rand.NewPCG(11, 12))
	for _, pk := range patternPackets(r, 8) {
		f.Add(programBytes(patternProgram(r)), pk.data, uint16(pk.wireLen))
	}
	f.Fuzz(func(t *testing.T, prog, pkt []byte, wire uint16) {
		p := programFromBytes(prog)
		kerr := p.Validate()
		uerr := p.ValidateUserland()
		if kerr == nil && uerr != nil {
			t.Fatalf("kernel rules accept, userland rules refuse: %v", uerr)
		}
		m, err := NewMachine(p)
		if (err == nil) != (uerr == nil) {
			t.Fatalf("NewMachine error %v, ValidateUserland %v", err, uerr)
		}
		if err != nil {
			return
		}
		got := m.Run(pkt, int(wire))
		aux := &Aux{VLANPresent: true, Random: func() uint32 { return 4 }}
		gotAux := m.RunAux(pkt, int(wire), aux)
		plain, err := newMachine(p, false)
		if err != nil {
			t.Fatal(err)
		}
		if want := plain.Run(pkt, int(wire)); got != want {
			t.Fatalf("fused machine %d, plain %d\n%s", got, want, p.Disassemble())
		}
		if want := plain.RunAux(pkt, int(wire), aux); gotAux != want {
			t.Fatalf("RunAux: fused machine %d, plain %d\n%s", gotAux, want, p.Disassemble())
		}
		if vm := xnetVM(p); vm != nil && kerr == nil {
			want, err := vm.Run(pkt)
			if err == nil && m.Run(pkt, len(pkt)) != uint32(want) {
				t.Fatalf("machine %d, x/net %d (wire %d, got %d)", m.Run(pkt, len(pkt)), want, wire, got)
			}
		}
	})
}

// FuzzParseDisassembly parses arbitrary text; whatever parses must print
// and parse back to the same program.
func FuzzParseDisassembly(f *testing.F) {
	p80, _ := ParseDecimal(tcpPort80)
	f.Add(p80.Disassemble())
	f.Add("(000) ld       [vlan_tci]\n(001) jset     x                jt 2\tjf 2\n(002) ret      \n")
	f.Add("ldxb 4*([14]&0xf)\nld [x + -1]\nunimp 0x55 jt 3 jf 4\nja -5\n")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := ParseDisassembly(text)
		if err != nil {
			return
		}
		q, err := ParseDisassembly(p.Disassemble())
		if err != nil {
			t.Fatalf("re-parse of our own text: %v\n%s", err, p.Disassemble())
		}
		if q.Disassemble() != p.Disassemble() {
			t.Fatalf("text changed:\n%s\n%s", p.Disassemble(), q.Disassemble())
		}
	})
}

// FuzzParseDecimal parses arbitrary -ddd text; whatever parses must
// print back (in canonical form) and parse to the same program.
func FuzzParseDecimal(f *testing.F) {
	f.Add(tcpPort80)
	f.Add("2,6 0 0 0,6 0 0 1")
	f.Add("1\n6 0 0 4294967295\n")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := ParseDecimal(text)
		if err != nil {
			return
		}
		q, err := ParseDecimal(p.FormatDecimal())
		if err != nil || !equal(p, q) {
			t.Fatalf("round trip: %v", err)
		}
		c, err := ParseC(p.FormatC())
		if len(p) > 0 && (err != nil || !equal(p, c)) {
			t.Fatalf("C round trip: %v", err)
		}
	})
}

// FuzzParseC parses arbitrary -dd text.
func FuzzParseC(f *testing.F) {
	p80, _ := ParseDecimal(tcpPort80)
	f.Add(p80.FormatC())
	f.Add("{ 6, 0, 0, 0xffffffff }\n")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := ParseC(text)
		if err != nil {
			return
		}
		q, err := ParseC(p.FormatC())
		if err != nil || !equal(p, q) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
