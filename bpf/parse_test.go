package bpf

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		parse     func(string) (Program, error)
		text      string
		line, col int
		msg       string
	}{
		{"d unknown mnemonic", ParseDisassembly, "(000) ldq      [12]\n", 1, 7, `unknown mnemonic "ldq"`},
		{"d bad index", ParseDisassembly, "(000) ret      #0\n(002) ret      #1\n", 2, 1, "instruction index 2, expected 1"},
		{"d bad number", ParseDisassembly, "(000) ldh      [1z2]\n", 1, 17, `bad number "1z2"`},
		{"d trailing junk", ParseDisassembly, "(000) ret      #0 junk\n", 1, 19, `unexpected "junk"`},
		{"d missing jt", ParseDisassembly, "(000) jeq      #0x800\n", 1, 22, `expected "jt"`},
		{"d target backward", ParseDisassembly, "ret #1\n(001) jeq      #0x800           jt 1\tjf 2\n", 2, 36, "jt target 1 out of reach"},
		{"d target too far", ParseDisassembly, "(000) jeq      #0x800           jt 1\tjf 300\n", 1, 41, "jf target 300 out of reach"},
		{"d unknown ancillary", ParseDisassembly, "(000) ld       [foo]\n", 1, 17, `unknown ancillary field "foo"`},
		{"d out of range", ParseDisassembly, "(000) ret      #4294967296\n", 1, 17, "bad number"},
		{"d negative out of range", ParseDisassembly, "(000) ret      #-2147483649\n", 1, 17, "out of 32-bit range"},
		{"d bad ld operand", ParseDisassembly, "(000) ldh      #5\n", 1, 16, "bad operand for ldh"},
		{"d empty", ParseDisassembly, "\n\n", 3, 1, "no instructions"},
		{"ddd bad count", ParseDecimal, "x\n6 0 0 0\n", 1, 1, `bad instruction count "x"`},
		{"ddd count mismatch", ParseDecimal, "2\n6 0 0 0\n", 2, 1, "count says 2 instructions, found 1"},
		{"ddd jt too big", ParseDecimal, "1\n21 256 0 0\n", 2, 4, `bad jt "256"`},
		{"ddd missing field", ParseDecimal, "1\n6 0 0\n", 2, 6, "expected the k field"},
		{"ddd junk", ParseDecimal, "1\n6 0 0 0 7\n", 2, 9, `unexpected "7"`},
		{"ddd comma form", ParseDecimal, "2,6 0 0 0,6 0 x 0", 1, 15, `bad jf "x"`},
		{"ddd empty", ParseDecimal, "", 1, 1, "no instruction count"},
		{"dd missing brace", ParseC, "{ 0x6, 0, 0, 0x00000000 },\n 0x6, 0, 0, 0 },\n", 2, 2, `expected "{"`},
		{"dd opcode too big", ParseC, "{ 0x10000, 0, 0, 0x00000000 },\n", 1, 3, "opcode 0x10000 out of range"},
		{"dd jt negative", ParseC, "{ 0x6, -1, 0, 0x00000000 },\n", 1, 8, "negative jt"},
	}
	for _, tt := range tests {
		_, err := tt.parse(tt.text)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: error %v is not a *SyntaxError", tt.name, err)
			continue
		}
		if se.Line != tt.line || se.Column != tt.col || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("%s: got %v, want line %d, column %d, %q", tt.name, err, tt.line, tt.col, tt.msg)
		}
	}
}

func TestParseLenient(t *testing.T) {
	want := Program{
		{Op: LD | H | ABS, K: 12},
		{Op: JMP | JEQ | K, Jt: 0, Jf: 1, K: 0x800},
		{Op: LD | W | IND, K: 0xfffffffe},
		{Op: RET | K, K: 0x40000},
		{Op: RET | A},
	}
	texts := []string{
		"ldh [12]\njeq #2048 jt 2 jf 3\nld [x + -2]\nret #0x40000\nret\n",
		"  (000)   ldh [ 12 ]  ; comment\r\n\n(001) jeq #0x800 jt 2 jf 3\n(002) ld [x+0xfffffffe]\n(003) ret #262144\n(004) ret a\n",
	}
	for _, text := range texts {
		p, err := ParseDisassembly(text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if !equal(p, want) {
			t.Errorf("%q: got\n%s", text, p.Disassemble())
		}
	}
	p, err := ParseDecimal("5,40 0 0 12,21 0 1 2048,64 0 0 4294967294,6 0 0 262144,22 0 0 0")
	if err != nil || !equal(p, want) {
		t.Errorf("comma form: %v\n%s", err, p.Disassemble())
	}
	p, err = ParseC("{ 0x28, 0, 0, 0x0000000c },\n{ 21, 0, 1, 2048 },\n{ 0x40, 0, 0, 0xfffffffe },\n{ 0x6, 0, 0, 0x00040000 },\n{ 0x16, 0, 0, 0x00000000 }\n")
	if err != nil || !equal(p, want) {
		t.Errorf("C form: %v\n%s", err, p.Disassemble())
	}
}

// TestDisassembleAllOpcodes prints every 16-bit opcode with a few K
// values, parses the text back and checks the instruction survives
// (unknown opcodes keep Op, Jt and Jf; "unimp" has no K).
func TestDisassembleAllOpcodes(t *testing.T) {
	ks := []uint32{0, 1, 15, 0x7fffffff, 0x80000000, 0xffffffff, ancBase, ancBase + 4, ancBase + 1, ancBase + 60, ancBase + 64}
	for op := 0; op < 0x10000; op++ {
		for _, k := range ks {
			in := Instruction{Op: uint16(op), Jt: 3, Jf: 200, K: k}
			if !knownOp(in.Op) {
				in.K = 0
			}
			if in.Op == JMP|JA {
				in.Jt, in.Jf = 0, 0
			} else if !hasJtJf(in.Op) {
				in.Jt, in.Jf = 0, 0
			}
			p := Program{{Op: RET | K}, in}
			text := p.Disassemble()
			q, err := ParseDisassembly(text)
			if err != nil {
				t.Fatalf("op %#x k %#x: %v\n%s", op, k, err, text)
			}
			if in0 := (Program{p[0], {Op: in.Op, Jt: in.Jt, Jf: in.Jf}}); in0.Disassemble() == text {
				p = in0 // K is not part of this instruction's text
			}
			if !equal(p, q) {
				t.Fatalf("op %#x k %#x: %q parses to %+v", op, k, text, q[1])
			}
			if !knownOp(in.Op) {
				break
			}
		}
	}
}
