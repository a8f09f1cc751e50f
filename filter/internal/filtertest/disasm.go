package filtertest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/snare-pcap/snare/bpf"
)

// ancNames maps the names libpcap's bpf_image prints for Linux ancillary
// loads ("ld [type]") to their SKF_AD_ offsets.
var ancNames = map[string]uint32{
	"proto": bpf.AncProtocol, "type": bpf.AncPktType, "ifidx": bpf.AncIfIndex,
	"nla": bpf.AncNlAttr, "nlan": bpf.AncNlAttrNest, "mark": bpf.AncMark,
	"queue": bpf.AncQueue, "hatype": bpf.AncHaType, "rxhash": bpf.AncRxHash,
	"cpu": bpf.AncCPU, "vlan_tci": bpf.AncVlanTag, "vlanp": bpf.AncVlanTagPresent,
	"poff": bpf.AncPayOffset, "rand": bpf.AncRandom, "vlan_tpid": bpf.AncVlanTPID,
}

// AncK is the K field of an absolute load of ancillary field off.
func AncK(off uint32) uint32 { return ancBase + off }

// ancBase is SKF_AD_OFF as an unsigned K field.
const ancBase uint32 = 1<<32 + bpf.AncOffset

var aluOps = map[string]uint16{"add": bpf.ADD, "sub": bpf.SUB, "mul": bpf.MUL, "div": bpf.DIV,
	"or": bpf.OR, "and": bpf.AND, "lsh": bpf.LSH, "rsh": bpf.RSH, "mod": bpf.MOD, "xor": bpf.XOR}

var jmpOps = map[string]uint16{"jeq": bpf.JEQ, "jgt": bpf.JGT, "jge": bpf.JGE, "jset": bpf.JSET}

// ParseDisasm parses the text tcpdump -d prints (one "(NNN) op operand"
// line per instruction; a trailing "; comment" is ignored) into a program.
// It is the harness's own parser, independent of package bpf's.
func ParseDisasm(lines []string) (bpf.Program, error) {
	var p bpf.Program
	for _, line := range lines {
		if i := strings.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		n := len(p)
		ins, err := parseLine(line, n)
		if err != nil {
			return nil, fmt.Errorf("line %d %q: %v", n, line, err)
		}
		p = append(p, ins)
	}
	return p, nil
}

func parseLine(line string, n int) (bpf.Instruction, error) {
	var ins bpf.Instruction
	if !strings.HasPrefix(line, "(") {
		return ins, fmt.Errorf("no (NNN) prefix")
	}
	end := strings.IndexByte(line, ')')
	if end < 0 {
		return ins, fmt.Errorf("no (NNN) prefix")
	}
	idx, err := strconv.Atoi(line[1:end])
	if err != nil || idx != n {
		return ins, fmt.Errorf("instruction number %q, want %d", line[1:end], n)
	}
	f := strings.Fields(line[end+1:])
	if len(f) == 0 {
		return ins, fmt.Errorf("no opcode")
	}
	op, args := f[0], f[1:]
	arg := ""
	if len(args) > 0 {
		arg = args[0]
	}
	num := func(s string) (uint32, error) {
		v, err := strconv.ParseInt(s, 0, 64)
		if err != nil || v < -1<<31 || v > 1<<32-1 {
			return 0, fmt.Errorf("bad number %q", s)
		}
		return uint32(v), nil
	}
	// target turns an absolute instruction number into a relative offset.
	// libpcap's unoptimized protochain code jumps backwards with ja; the
	// offset then wraps around (bpf_validate refuses such programs).
	target := func(s string) (uint32, error) {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("bad jump target %q", s)
		}
		return uint32(v - n - 1), nil
	}
	ld := map[string]uint16{"ld": bpf.W, "ldh": bpf.H, "ldb": bpf.B}
	switch {
	case op == "ret":
		if arg == "" {
			ins.Op = bpf.RET | bpf.A
			return ins, nil
		}
		if arg == "x" {
			ins.Op = bpf.RET | bpf.X
			return ins, nil
		}
		ins.Op = bpf.RET | bpf.K
		ins.K, err = num(strings.TrimPrefix(arg, "#"))
		return ins, err
	case op == "ldxb":
		// 4*([k]&0xf)
		s := strings.TrimSuffix(strings.TrimPrefix(arg, "4*(["), "]&0xf)")
		ins.Op = bpf.LDX | bpf.B | bpf.MSH
		ins.K, err = num(s)
		return ins, err
	case ld[op] != 0 || op == "ld" || op == "ldx":
		size := ld[op]
		cls := uint16(bpf.LD)
		if op == "ldx" {
			cls = bpf.LDX
		}
		rest := strings.Join(args, " ")
		switch {
		case rest == "#pktlen" || rest == "len":
			ins.Op = cls | bpf.W | bpf.LEN
		case strings.HasPrefix(rest, "#"):
			ins.Op = cls | bpf.IMM
			ins.K, err = num(rest[1:])
		case strings.HasPrefix(rest, "M["):
			ins.Op = cls | bpf.MEM
			ins.K, err = num(strings.TrimSuffix(rest[2:], "]"))
		case strings.HasPrefix(rest, "[x + "):
			ins.Op = bpf.LD | size | bpf.IND
			ins.K, err = num(strings.TrimSuffix(rest[5:], "]"))
		case strings.HasPrefix(rest, "["):
			in := strings.TrimSuffix(rest[1:], "]")
			ins.Op = bpf.LD | size | bpf.ABS
			if a, ok := ancNames[in]; ok {
				ins.K = AncK(a)
			} else {
				ins.K, err = num(in)
			}
		default:
			err = fmt.Errorf("bad load operand %q", rest)
		}
		if cls == bpf.LDX && ins.Op&0xe0 != bpf.IMM && ins.Op&0xe0 != bpf.MEM && ins.Op&0xe0 != bpf.LEN {
			err = fmt.Errorf("bad ldx operand %q", rest)
		}
		return ins, err
	case op == "st" || op == "stx":
		ins.Op = bpf.ST
		if op == "stx" {
			ins.Op = bpf.STX
		}
		ins.K, err = num(strings.TrimSuffix(strings.TrimPrefix(arg, "M["), "]"))
		return ins, err
	case op == "tax":
		ins.Op = bpf.MISC | bpf.TAX
		return ins, nil
	case op == "txa":
		ins.Op = bpf.MISC | bpf.TXA
		return ins, nil
	case op == "neg":
		ins.Op = bpf.ALU | bpf.NEG
		return ins, nil
	case op == "ja":
		ins.Op = bpf.JMP | bpf.JA
		ins.K, err = target(arg)
		if err == nil && ins.K == 0xffffffff {
			err = fmt.Errorf("ja to itself")
		}
		return ins, err
	case aluOps[op] != 0 || op == "add":
		ins.Op = bpf.ALU | aluOps[op]
		if arg == "x" {
			ins.Op |= bpf.X
			return ins, nil
		}
		ins.K, err = num(strings.TrimPrefix(arg, "#"))
		return ins, err
	case jmpOps[op] != 0:
		ins.Op = bpf.JMP | jmpOps[op]
		if len(args) != 5 || args[1] != "jt" || args[3] != "jf" {
			return ins, fmt.Errorf("bad jump operands")
		}
		if arg == "x" {
			ins.Op |= bpf.X
		} else if ins.K, err = num(strings.TrimPrefix(arg, "#")); err != nil {
			return ins, err
		}
		jt, err := target(args[2])
		if err != nil {
			return ins, err
		}
		jf, err := target(args[4])
		if err != nil {
			return ins, err
		}
		if jt > 255 || jf > 255 {
			// also catches backward conditional jumps, which cBPF cannot express
			return ins, fmt.Errorf("jump offset too large")
		}
		ins.Jt, ins.Jf = uint8(jt), uint8(jf)
		return ins, nil
	}
	return ins, fmt.Errorf("unknown opcode %q", op)
}

// ParseDecimal parses tcpdump -ddd output: a count line, then "op jt jf k"
// per instruction.
func ParseDecimal(text string) (bpf.Program, error) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) == 0 {
		return nil, fmt.Errorf("empty -ddd text")
	}
	cnt, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || cnt != len(lines)-1 {
		return nil, fmt.Errorf("-ddd count line %q does not match %d instructions", lines[0], len(lines)-1)
	}
	p := make(bpf.Program, 0, cnt)
	for i, l := range lines[1:] {
		var op, jt, jf, k uint64
		if _, err := fmt.Sscanf(strings.TrimSpace(l), "%d %d %d %d", &op, &jt, &jf, &k); err != nil || op > 0xffff || jt > 255 || jf > 255 || k > 0xffffffff {
			return nil, fmt.Errorf("-ddd line %d %q: bad instruction", i+1, l)
		}
		p = append(p, bpf.Instruction{Op: uint16(op), Jt: uint8(jt), Jf: uint8(jf), K: uint32(k)})
	}
	return p, nil
}
