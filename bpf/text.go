package bpf

import (
	"strconv"
	"strings"
)

// mnemonic returns the tcpdump -d operation name and operand text of the
// instruction at index n, as libpcap's bpf_image prints them.
func mnemonic(in Instruction, n int) (name, operand string) {
	k := in.K
	dec := func(f string) string { return strings.Replace(f, "%", strconv.FormatInt(int64(int32(k)), 10), 1) }
	hex := "#0x" + strconv.FormatUint(uint64(k), 16)
	abs := func() string {
		if k >= ancBase {
			if s := ancName(k - ancBase); s != "" {
				return "[" + s + "]"
			}
		}
		return dec("[%]")
	}
	switch in.Op {
	case RET | K:
		return "ret", dec("#%")
	case RET | A:
		return "ret", ""
	case LD | W | ABS:
		return "ld", abs()
	case LD | H | ABS:
		return "ldh", abs()
	case LD | B | ABS:
		return "ldb", abs()
	case LD | W | LEN:
		return "ld", "#pktlen"
	case LDX | W | LEN:
		return "ldx", "#pktlen"
	case LD | W | IND:
		return "ld", dec("[x + %]")
	case LD | H | IND:
		return "ldh", dec("[x + %]")
	case LD | B | IND:
		return "ldb", dec("[x + %]")
	case LD | IMM:
		return "ld", hex
	case LDX | IMM:
		return "ldx", hex
	case LDX | MSH | B:
		return "ldxb", dec("4*([%]&0xf)")
	case LD | MEM:
		return "ld", dec("M[%]")
	case LDX | MEM:
		return "ldx", dec("M[%]")
	case ST:
		return "st", dec("M[%]")
	case STX:
		return "stx", dec("M[%]")
	case JMP | JA:
		return "ja", strconv.FormatInt(int64(int32(uint32(n+1)+k)), 10)
	case JMP | JGT | K:
		return "jgt", hex
	case JMP | JGE | K:
		return "jge", hex
	case JMP | JEQ | K:
		return "jeq", hex
	case JMP | JSET | K:
		return "jset", hex
	case JMP | JGT | X:
		return "jgt", "x"
	case JMP | JGE | X:
		return "jge", "x"
	case JMP | JEQ | X:
		return "jeq", "x"
	case JMP | JSET | X:
		return "jset", "x"
	case ALU | ADD | X:
		return "add", "x"
	case ALU | SUB | X:
		return "sub", "x"
	case ALU | MUL | X:
		return "mul", "x"
	case ALU | DIV | X:
		return "div", "x"
	case ALU | MOD | X:
		return "mod", "x"
	case ALU | AND | X:
		return "and", "x"
	case ALU | OR | X:
		return "or", "x"
	case ALU | XOR | X:
		return "xor", "x"
	case ALU | LSH | X:
		return "lsh", "x"
	case ALU | RSH | X:
		return "rsh", "x"
	case ALU | ADD | K:
		return "add", dec("#%")
	case ALU | SUB | K:
		return "sub", dec("#%")
	case ALU | MUL | K:
		return "mul", dec("#%")
	case ALU | DIV | K:
		return "div", dec("#%")
	case ALU | MOD | K:
		return "mod", dec("#%")
	case ALU | AND | K:
		return "and", hex
	case ALU | OR | K:
		return "or", hex
	case ALU | XOR | K:
		return "xor", hex
	case ALU | LSH | K:
		return "lsh", dec("#%")
	case ALU | RSH | K:
		return "rsh", dec("#%")
	case ALU | NEG:
		return "neg", ""
	case MISC | TAX:
		return "tax", ""
	case MISC | TXA:
		return "txa", ""
	}
	return "unimp", "0x" + strconv.FormatUint(uint64(in.Op), 16)
}

// hasJtJf reports whether tcpdump -d prints jt/jf targets for op: every
// JMP-class opcode except JA, known or not.
func hasJtJf(op uint16) bool {
	return op&0x07 == JMP && op&0xf0 != JA
}

func pad(b []byte, s string, w int) []byte {
	b = append(b, s...)
	for i := len(s); i < w; i++ {
		b = append(b, ' ')
	}
	return b
}

// appendImage appends instruction in at index n as one tcpdump -d line,
// without the newline.
func appendImage(b []byte, in Instruction, n int) []byte {
	b = append(b, '(')
	if n < 100 {
		b = append(b, '0')
		if n < 10 {
			b = append(b, '0')
		}
	}
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, ") "...)
	name, operand := mnemonic(in, n)
	b = pad(b, name, 8)
	b = append(b, ' ')
	if hasJtJf(in.Op) {
		b = pad(b, operand, 16)
		b = append(b, " jt "...)
		b = strconv.AppendInt(b, int64(n+1+int(in.Jt)), 10)
		b = append(b, "\tjf "...)
		b = strconv.AppendInt(b, int64(n+1+int(in.Jf)), 10)
		return b
	}
	return append(b, operand...)
}

// Disassemble returns the program as tcpdump -d prints it: one line per
// instruction, "(000) ldh      [12]", each ending in a newline. The text
// is byte for byte libpcap's bpf_image, with one exception: LDX|W|LEN
// prints as "ldx #pktlen" (libpcap 1.11) where libpcap 1.10 printed
// "unimp 0x81". Unknown opcodes print as "unimp 0x<op>".
func (p Program) Disassemble() string {
	b := make([]byte, 0, len(p)*48)
	for i, in := range p {
		b = appendImage(b, in, i)
		b = append(b, '\n')
	}
	return string(b)
}

// String returns the instruction as tcpdump -d prints it at index 0,
// without the "(000) " prefix; jump targets are relative to index 0.
func (i Instruction) String() string {
	b := appendImage(nil, i, 0)
	return strings.TrimRight(string(b[6:]), " ")
}

// FormatC returns the program as tcpdump -dd prints it, as C struct
// initializers: "{ 0x28, 0, 0, 0x0000000c },", one per line.
func (p Program) FormatC() string {
	b := make([]byte, 0, len(p)*32)
	for _, in := range p {
		b = append(b, "{ 0x"...)
		b = strconv.AppendUint(b, uint64(in.Op), 16)
		b = append(b, ", "...)
		b = strconv.AppendUint(b, uint64(in.Jt), 10)
		b = append(b, ", "...)
		b = strconv.AppendUint(b, uint64(in.Jf), 10)
		b = append(b, ", 0x"...)
		h := strconv.FormatUint(uint64(in.K), 16)
		for i := len(h); i < 8; i++ {
			b = append(b, '0')
		}
		b = append(b, h...)
		b = append(b, " },\n"...)
	}
	return string(b)
}

// FormatDecimal returns the program as tcpdump -ddd prints it: the
// instruction count on the first line, then "op jt jf k" in decimal, one
// instruction per line.
func (p Program) FormatDecimal() string {
	b := make([]byte, 0, len(p)*16+8)
	b = strconv.AppendInt(b, int64(len(p)), 10)
	b = append(b, '\n')
	for _, in := range p {
		b = strconv.AppendUint(b, uint64(in.Op), 10)
		b = append(b, ' ')
		b = strconv.AppendUint(b, uint64(in.Jt), 10)
		b = append(b, ' ')
		b = strconv.AppendUint(b, uint64(in.Jf), 10)
		b = append(b, ' ')
		b = strconv.AppendUint(b, uint64(in.K), 10)
		b = append(b, '\n')
	}
	return string(b)
}
