package bpf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrSyntax is wrapped by every error the text parsers return.
var ErrSyntax = errors.New("bpf: syntax error")

// SyntaxError reports where a program text is malformed. Line and Column
// count from 1; Column is a byte offset in the line.
type SyntaxError struct {
	Line, Column int    // where, counted from 1
	Msg          string // what is wrong
}

// Error implements error: "bpf: line 3, column 10: unknown mnemonic "ldq"".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("bpf: line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Unwrap returns ErrSyntax.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// maxParsedInstructions bounds the programs the parsers build, so a
// hostile count cannot make them allocate without limit.
const maxParsedInstructions = MaxUserlandInstructions

// lineScanner walks one line of text, remembering the column.
type lineScanner struct {
	s    string
	pos  int
	line int
	base int // column of s[0] in the line, for records that start mid-line
}

func (l *lineScanner) errf(col int, format string, args ...any) error {
	return &SyntaxError{Line: l.line, Column: l.base + col + 1, Msg: fmt.Sprintf(format, args...)}
}

func (l *lineScanner) skipSpace() {
	for l.pos < len(l.s) && (l.s[l.pos] == ' ' || l.s[l.pos] == '\t') {
		l.pos++
	}
}

func (l *lineScanner) eof() bool { return l.pos >= len(l.s) }

// word returns the run of letters, digits and '_' at the cursor.
func (l *lineScanner) word() string {
	st := l.pos
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			l.pos++
			continue
		}
		break
	}
	return l.s[st:l.pos]
}

// number reads a decimal (optionally negative) or 0x-hexadecimal number
// that fits 32 bits, and returns it as its two's complement uint32.
func (l *lineScanner) number() (uint32, error) {
	st := l.pos
	neg := false
	if l.pos < len(l.s) && l.s[l.pos] == '-' {
		neg = true
		l.pos++
	}
	w := l.word()
	if w == "" {
		return 0, l.errf(st, "expected a number")
	}
	var v uint64
	var err error
	if len(w) > 2 && (w[:2] == "0x" || w[:2] == "0X") {
		v, err = strconv.ParseUint(w[2:], 16, 32)
	} else {
		v, err = strconv.ParseUint(w, 10, 32)
	}
	if err != nil {
		return 0, l.errf(st, "bad number %q", l.s[st:l.pos])
	}
	if neg {
		if v > 1<<31 {
			return 0, l.errf(st, "number %q out of 32-bit range", l.s[st:l.pos])
		}
		return uint32(-int64(v)), nil
	}
	return uint32(v), nil
}

// expect consumes the literal s (after optional spaces when s starts
// with a space).
func (l *lineScanner) expect(s string) error {
	if strings.HasPrefix(s, " ") {
		l.skipSpace()
		s = strings.TrimLeft(s, " ")
	}
	if !strings.HasPrefix(l.s[l.pos:], s) {
		return l.errf(l.pos, "expected %q", s)
	}
	l.pos += len(s)
	return nil
}

// ParseDisassembly parses program text in the form tcpdump -d prints
// ("(000) ldh      [12]" ..., see Disassemble). Blank lines are skipped,
// text after ';' is a comment, the "(NNN)" prefix is optional but must
// count up from 0 when present, spacing is free, and numbers may be
// written in decimal or 0x hexadecimal wherever one is expected. Jump
// targets are absolute instruction indexes, as tcpdump prints them. The
// result is not validated; errors are *SyntaxError values.
func ParseDisassembly(text string) (Program, error) {
	var p Program
	lines := strings.Split(text, "\n")
	for ln, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if i := strings.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(p) >= maxParsedInstructions {
			return nil, &SyntaxError{Line: ln + 1, Column: 1, Msg: fmt.Sprintf("more than %d instructions", maxParsedInstructions)}
		}
		l := &lineScanner{s: line, line: ln + 1}
		in, err := parseImage(l, len(p))
		if err != nil {
			return nil, err
		}
		p = append(p, in)
	}
	if len(p) == 0 {
		return nil, &SyntaxError{Line: len(lines), Column: 1, Msg: "no instructions"}
	}
	return p, nil
}

func parseImage(l *lineScanner, n int) (Instruction, error) {
	var in Instruction
	l.skipSpace()
	if !l.eof() && l.s[l.pos] == '(' {
		st := l.pos
		l.pos++
		idx, err := l.number()
		if err != nil {
			return in, err
		}
		if int64(idx) != int64(n) {
			return in, l.errf(st, "instruction index %d, expected %d", idx, n)
		}
		if err := l.expect(")"); err != nil {
			return in, err
		}
	}
	l.skipSpace()
	mst := l.pos
	name := l.word()
	if name == "" {
		return in, l.errf(mst, "expected a mnemonic")
	}
	l.skipSpace()
	ost := l.pos
	var err error
	switch name {
	case "ret":
		if l.eof() {
			in.Op = RET | A
		} else if l.s[l.pos] == 'a' {
			l.pos++
			in.Op = RET | A
		} else {
			in.Op = RET | K
			in.K, err = l.immediate()
		}
	case "ld", "ldh", "ldb":
		size := map[string]uint16{"ld": W, "ldh": H, "ldb": B}[name]
		switch {
		case strings.HasPrefix(l.s[l.pos:], "#pktlen") && name == "ld":
			l.pos += len("#pktlen")
			in.Op = LD | W | LEN
		case strings.HasPrefix(l.s[l.pos:], "#") && name == "ld":
			in.Op = LD | IMM
			in.K, err = l.immediate()
		case strings.HasPrefix(l.s[l.pos:], "M[") && name == "ld":
			in.Op = LD | MEM
			in.K, err = l.mem()
		case strings.HasPrefix(l.s[l.pos:], "["):
			var ind bool
			in.K, ind, err = l.packetRef()
			in.Op = LD | size | ABS
			if ind {
				in.Op = LD | size | IND
			}
		default:
			return in, l.errf(ost, "bad operand for %s", name)
		}
	case "ldx":
		switch {
		case strings.HasPrefix(l.s[l.pos:], "#pktlen"):
			l.pos += len("#pktlen")
			in.Op = LDX | W | LEN
		case strings.HasPrefix(l.s[l.pos:], "#"):
			in.Op = LDX | IMM
			in.K, err = l.immediate()
		case strings.HasPrefix(l.s[l.pos:], "M["):
			in.Op = LDX | MEM
			in.K, err = l.mem()
		case strings.HasPrefix(l.s[l.pos:], "4*"):
			in.Op = LDX | MSH | B
			in.K, err = l.msh()
		default:
			return in, l.errf(ost, "bad operand for ldx")
		}
	case "ldxb":
		in.Op = LDX | MSH | B
		in.K, err = l.msh()
	case "st", "stx":
		in.Op = ST
		if name == "stx" {
			in.Op = STX
		}
		in.K, err = l.mem()
	case "ja":
		in.Op = JMP | JA
		var t uint32
		t, err = l.number()
		in.K = t - uint32(n+1)
	case "jeq", "jgt", "jge", "jset":
		in.Op = JMP | map[string]uint16{"jeq": JEQ, "jgt": JGT, "jge": JGE, "jset": JSET}[name]
		if !l.eof() && l.s[l.pos] == 'x' {
			l.pos++
			in.Op |= X
		} else {
			in.K, err = l.immediate()
		}
		if err == nil {
			in.Jt, in.Jf, err = l.targets(n)
		}
	case "add", "sub", "mul", "div", "mod", "and", "or", "xor", "lsh", "rsh":
		in.Op = ALU | map[string]uint16{"add": ADD, "sub": SUB, "mul": MUL, "div": DIV, "mod": MOD,
			"and": AND, "or": OR, "xor": XOR, "lsh": LSH, "rsh": RSH}[name]
		if !l.eof() && l.s[l.pos] == 'x' {
			l.pos++
			in.Op |= X
		} else {
			in.K, err = l.immediate()
		}
	case "neg":
		in.Op = ALU | NEG
	case "tax":
		in.Op = MISC | TAX
	case "txa":
		in.Op = MISC | TXA
	case "unimp":
		var v uint32
		v, err = l.number()
		if err == nil && v > 0xffff {
			err = l.errf(ost, "opcode %#x does not fit 16 bits", v)
		}
		in.Op = uint16(v)
		if err == nil && hasJtJf(in.Op) {
			in.Jt, in.Jf, err = l.targets(n)
		}
	default:
		return in, l.errf(mst, "unknown mnemonic %q", name)
	}
	if err != nil {
		return in, err
	}
	l.skipSpace()
	if !l.eof() {
		return in, l.errf(l.pos, "unexpected %q after the %s instruction", l.s[l.pos:], name)
	}
	return in, nil
}

func (l *lineScanner) immediate() (uint32, error) {
	if err := l.expect("#"); err != nil {
		return 0, err
	}
	return l.number()
}

func (l *lineScanner) mem() (uint32, error) {
	if err := l.expect("M["); err != nil {
		return 0, err
	}
	v, err := l.number()
	if err != nil {
		return 0, err
	}
	return v, l.expect("]")
}

func (l *lineScanner) msh() (uint32, error) {
	if err := l.expect("4*(["); err != nil {
		return 0, err
	}
	v, err := l.number()
	if err != nil {
		return 0, err
	}
	return v, l.expect("]&0xf)")
}

// packetRef parses "[N]", "[name]" (a Linux ancillary field) or "[x + N]".
func (l *lineScanner) packetRef() (k uint32, ind bool, err error) {
	if err := l.expect("["); err != nil {
		return 0, false, err
	}
	l.skipSpace()
	st := l.pos
	if c := l.s[min(l.pos, len(l.s)-1)]; c >= 'a' && c <= 'z' {
		w := l.word()
		if w == "x" {
			if err := l.expect(" +"); err != nil {
				return 0, false, err
			}
			l.skipSpace()
			k, err = l.number()
			ind = true
		} else {
			off, ok := ancOffsets[w]
			if !ok {
				return 0, false, l.errf(st, "unknown ancillary field %q", w)
			}
			k = ancBase + off
		}
	} else {
		k, err = l.number()
	}
	if err != nil {
		return 0, false, err
	}
	return k, ind, l.expect(" ]")
}

var ancOffsets = func() map[string]uint32 {
	m := map[string]uint32{}
	for off := uint32(0); off < 64; off += 4 {
		if s := ancName(off); s != "" {
			m[s] = off
		}
	}
	return m
}()

// targets parses "jt N jf N" with absolute targets and returns them
// relative to instruction n.
func (l *lineScanner) targets(n int) (jt, jf uint8, err error) {
	rel := func(kw string) (uint8, error) {
		if err := l.expect(" " + kw); err != nil {
			return 0, err
		}
		l.skipSpace()
		st := l.pos
		t, err := l.number()
		if err != nil {
			return 0, err
		}
		d := int64(int32(t)) - int64(n+1)
		if d < 0 || d > 255 {
			return 0, l.errf(st, "%s target %d out of reach from instruction %d (must be %d to %d)", kw, int32(t), n, n+1, n+256)
		}
		return uint8(d), nil
	}
	if jt, err = rel("jt"); err != nil {
		return
	}
	jf, err = rel("jf")
	return
}

// ParseDecimal parses program text in the form tcpdump -ddd prints: the
// instruction count, then one instruction per line as four decimal
// numbers "op jt jf k". Records may also be separated by commas, the
// form iptables' bpf match and bpf_asm use ("4,40 0 0 12,..."). The count
// must match the instructions given. The result is not validated;
// errors are *SyntaxError values.
func ParseDecimal(text string) (Program, error) {
	type rec struct {
		s         string
		line, col int
	}
	var recs []rec
	line, col := 1, 0
	st := 0
	for i := 0; i <= len(text); i++ {
		if i == len(text) || text[i] == '\n' || text[i] == ',' {
			s := strings.TrimSuffix(text[st:i], "\r")
			if strings.TrimSpace(s) != "" {
				recs = append(recs, rec{s, line, col})
			}
			if i < len(text) && text[i] == '\n' {
				line++
				col = 0
			} else {
				col += i - st + 1
			}
			st = i + 1
		}
	}
	if len(recs) == 0 {
		return nil, &SyntaxError{Line: line, Column: 1, Msg: "no instruction count"}
	}
	first := &lineScanner{s: recs[0].s, line: recs[0].line}
	first.skipSpace()
	cst := first.pos
	cw := first.word()
	count, err := strconv.ParseUint(cw, 10, 32)
	if err != nil {
		return nil, first.shift(recs[0].col).errf(cst, "bad instruction count %q", cw)
	}
	first.skipSpace()
	if !first.eof() {
		return nil, first.shift(recs[0].col).errf(first.pos, "unexpected %q after the instruction count", first.s[first.pos:])
	}
	if count != uint64(len(recs)-1) {
		r := recs[len(recs)-1]
		return nil, &SyntaxError{Line: r.line, Column: r.col + 1, Msg: fmt.Sprintf("count says %d instructions, found %d", count, len(recs)-1)}
	}
	if count > maxParsedInstructions {
		return nil, &SyntaxError{Line: recs[0].line, Column: recs[0].col + 1, Msg: fmt.Sprintf("more than %d instructions", maxParsedInstructions)}
	}
	p := make(Program, 0, count)
	for _, r := range recs[1:] {
		l := &lineScanner{s: r.s, line: r.line}
		var f [4]uint64
		limits := [4]int{16, 8, 8, 32}
		names := [4]string{"opcode", "jt", "jf", "k"}
		for j := range f {
			l.skipSpace()
			fst := l.pos
			w := l.word()
			if w == "" {
				return nil, l.shift(r.col).errf(fst, "expected the %s field", names[j])
			}
			v, err := strconv.ParseUint(w, 10, limits[j])
			if err != nil {
				return nil, l.shift(r.col).errf(fst, "bad %s %q (a decimal number of %d bits)", names[j], w, limits[j])
			}
			f[j] = v
		}
		l.skipSpace()
		if !l.eof() {
			return nil, l.shift(r.col).errf(l.pos, "unexpected %q after the instruction", l.s[l.pos:])
		}
		p = append(p, Instruction{Op: uint16(f[0]), Jt: uint8(f[1]), Jf: uint8(f[2]), K: uint32(f[3])})
	}
	return p, nil
}

// shift sets the column at which the scanned text starts and returns l.
func (l *lineScanner) shift(col int) *lineScanner {
	l.base = col
	return l
}

// ParseC parses program text in the form tcpdump -dd prints, one C
// initializer per instruction: "{ 0x28, 0, 0, 0x0000000c },". Numbers
// may be decimal or 0x hexadecimal. Blank lines are skipped. The result
// is not validated; errors are *SyntaxError values.
func ParseC(text string) (Program, error) {
	var p Program
	lines := strings.Split(text, "\n")
	for ln, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(p) >= maxParsedInstructions {
			return nil, &SyntaxError{Line: ln + 1, Column: 1, Msg: fmt.Sprintf("more than %d instructions", maxParsedInstructions)}
		}
		l := &lineScanner{s: line, line: ln + 1}
		if err := l.expect(" {"); err != nil {
			return nil, err
		}
		var f [4]uint32
		limits := [4]uint32{0xffff, 0xff, 0xff, 0xffffffff}
		names := [4]string{"opcode", "jt", "jf", "k"}
		for j := range f {
			if j > 0 {
				if err := l.expect(" ,"); err != nil {
					return nil, err
				}
			}
			l.skipSpace()
			st := l.pos
			if !l.eof() && l.s[l.pos] == '-' {
				return nil, l.errf(st, "negative %s", names[j])
			}
			v, err := l.number()
			if err != nil {
				return nil, err
			}
			if v > limits[j] {
				return nil, l.errf(st, "%s %#x out of range (max %#x)", names[j], v, limits[j])
			}
			f[j] = v
		}
		if err := l.expect(" }"); err != nil {
			return nil, err
		}
		l.skipSpace()
		if !l.eof() && l.s[l.pos] == ',' {
			l.pos++
		}
		l.skipSpace()
		if !l.eof() {
			return nil, l.errf(l.pos, "unexpected %q after the instruction", l.s[l.pos:])
		}
		p = append(p, Instruction{Op: uint16(f[0]), Jt: uint8(f[1]), Jf: uint8(f[2]), K: f[3]})
	}
	if len(p) == 0 {
		return nil, &SyntaxError{Line: len(lines), Column: 1, Msg: "no instructions"}
	}
	return p, nil
}
