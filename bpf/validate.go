package bpf

import (
	"errors"
	"fmt"
)

// ErrInvalidProgram is wrapped by every error that Validate,
// ValidateUserland and NewMachine return for a program they refuse.
var ErrInvalidProgram = errors.New("bpf: invalid program")

// MaxUserlandInstructions is the longest program ValidateUserland (and so
// NewMachine) accepts, as libpcap's userland interpreter does: long enough
// for any program pcap_compile can produce.
const MaxUserlandInstructions = 3060000

// maxBackwardJumps, plus the packet's captured length, is how many
// backward unconditional jumps one run of the machine may take before it
// gives up and rejects the packet. libpcap's compiler implements
// "protochain" with backward jumps, one per IPv6 extension header (each
// at least 8 bytes), so this bound never cuts a real chain short, yet a
// looping program cannot hang the machine. (libpcap 1.10 has no bound;
// its development version stops at 64, fewer than the deepest chain in
// its own test suite.)
const maxBackwardJumps = 64

// ValidationError says which instruction of a program is invalid and why.
// Index is -1 when the program as a whole is at fault (empty, too long).
type ValidationError struct {
	Index  int         // instruction index, or -1
	Insn   Instruction // the offending instruction (zero when Index is -1)
	Reason string      // what the kernel would refuse, in words
}

// Error implements error: "bpf: instruction 3 (0x15 0 1 0x800): jump ...".
func (e *ValidationError) Error() string {
	if e.Index < 0 {
		return "bpf: invalid program: " + e.Reason
	}
	return fmt.Sprintf("bpf: invalid instruction %d {0x%x, %d, %d, 0x%x}: %s",
		e.Index, e.Insn.Op, e.Insn.Jt, e.Insn.Jf, e.Insn.K, e.Reason)
}

// Unwrap returns ErrInvalidProgram, so errors.Is(err, ErrInvalidProgram) works.
func (e *ValidationError) Unwrap() error { return ErrInvalidProgram }

// knownOp reports whether op is one of the opcodes both the Linux kernel
// (sk_chk_filter / bpf_check_classic) and libpcap's interpreter know.
func knownOp(op uint16) bool {
	switch op {
	case RET | K, RET | A,
		LD | W | ABS, LD | H | ABS, LD | B | ABS,
		LD | W | LEN, LDX | W | LEN,
		LD | W | IND, LD | H | IND, LD | B | IND,
		LDX | MSH | B, LD | IMM, LDX | IMM,
		LD | MEM, LDX | MEM, ST, STX,
		JMP | JA,
		JMP | JGT | K, JMP | JGE | K, JMP | JEQ | K, JMP | JSET | K,
		JMP | JGT | X, JMP | JGE | X, JMP | JEQ | X, JMP | JSET | X,
		ALU | ADD | X, ALU | SUB | X, ALU | MUL | X, ALU | DIV | X, ALU | MOD | X,
		ALU | AND | X, ALU | OR | X, ALU | XOR | X, ALU | LSH | X, ALU | RSH | X,
		ALU | ADD | K, ALU | SUB | K, ALU | MUL | K, ALU | DIV | K, ALU | MOD | K,
		ALU | AND | K, ALU | OR | K, ALU | XOR | K, ALU | LSH | K, ALU | RSH | K,
		ALU | NEG, MISC | TAX, MISC | TXA:
		return true
	}
	return false
}

// ancName gives the tcpdump -d name of a Linux ancillary offset
// (k - AncOffset), or "" when the offset is not a known SKF_AD_ value.
func ancName(off uint32) string {
	switch off {
	case AncProtocol:
		return "proto"
	case AncPktType:
		return "type"
	case AncIfIndex:
		return "ifidx"
	case AncNlAttr:
		return "nla"
	case AncNlAttrNest:
		return "nlan"
	case AncMark:
		return "mark"
	case AncQueue:
		return "queue"
	case AncHaType:
		return "hatype"
	case AncRxHash:
		return "rxhash"
	case AncCPU:
		return "cpu"
	case AncAluXorX:
		return "xor_x"
	case AncVlanTag:
		return "vlan_tci"
	case AncVlanTagPresent:
		return "vlanp"
	case AncPayOffset:
		return "poff"
	case AncRandom:
		return "random"
	case AncVlanTPID:
		return "vlan_tpid"
	}
	return ""
}

// ancBase is AncOffset as the unsigned K value of an absolute load.
const ancBase = uint32(0xfffff000)

// isAnc reports whether k addresses a known Linux ancillary field.
func isAnc(k uint32) bool {
	return k >= ancBase && ancName(k-ancBase) != ""
}

// checkInsn applies the per-instruction rules common to the kernel and
// libpcap. It returns "" when the instruction is fine.
func checkInsn(in Instruction) string {
	if !knownOp(in.Op) {
		return "unknown opcode"
	}
	switch in.Op {
	case LD | MEM, LDX | MEM, ST, STX:
		if in.K >= MemWords {
			return fmt.Sprintf("scratch memory index %d out of range (0-%d)", in.K, MemWords-1)
		}
	case ALU | DIV | K:
		if in.K == 0 {
			return "division by constant zero"
		}
	case ALU | MOD | K:
		if in.K == 0 {
			return "modulo by constant zero"
		}
	case ALU | LSH | K, ALU | RSH | K:
		if in.K >= 32 {
			return fmt.Sprintf("shift by %d bits (more than 31)", in.K)
		}
	}
	return ""
}

// Validate checks p against the rules the Linux kernel applies to a
// classic BPF socket filter (sk_chk_filter / bpf_check_classic):
//
//   - 1 to MaxKernelInstructions (4096) instructions;
//   - known opcodes only;
//   - every jump forward and inside the program, JA included;
//   - scratch memory indexes below MemWords (16) for LD/LDX MEM, ST, STX;
//   - no division or modulo by a constant zero, no constant shift by 32 or more;
//   - absolute loads at or above AncOffset only for known SKF_AD_ offsets;
//   - no read of a scratch memory cell that is not written first on every
//     path leading to it (the kernel's check_load_and_stores);
//   - the last instruction a RET.
//
// The error is a *ValidationError naming the first offending instruction.
func (p Program) Validate() error {
	n := len(p)
	if n == 0 {
		return &ValidationError{Index: -1, Reason: "empty program"}
	}
	if n > MaxKernelInstructions {
		return &ValidationError{Index: -1, Reason: fmt.Sprintf("%d instructions, more than the kernel's limit of %d", n, MaxKernelInstructions)}
	}
	for i, in := range p {
		if r := checkInsn(in); r != "" {
			return &ValidationError{Index: i, Insn: in, Reason: r}
		}
		switch in.Op {
		case JMP | JA:
			if uint64(in.K) >= uint64(n-i-1) {
				return &ValidationError{Index: i, Insn: in, Reason: fmt.Sprintf("jump to %d is outside the program (%d instructions) or backward", int64(i)+1+int64(in.K), n)}
			}
		case LD | W | ABS, LD | H | ABS, LD | B | ABS:
			if in.K >= ancBase && !isAnc(in.K) {
				return &ValidationError{Index: i, Insn: in, Reason: fmt.Sprintf("unknown ancillary offset SKF_AD_OFF+%d", in.K-ancBase)}
			}
		}
		if in.Class() == JMP && in.Op != JMP|JA {
			if r := checkCondJump(i, in, n); r != "" {
				return &ValidationError{Index: i, Insn: in, Reason: r}
			}
		}
	}
	if last := p[n-1]; last.Class() != RET {
		return &ValidationError{Index: n - 1, Insn: last, Reason: "the last instruction is not a RET"}
	}
	return checkMemInit(p)
}

func checkCondJump(i int, in Instruction, n int) string {
	if i+1+int(in.Jt) >= n {
		return fmt.Sprintf("true branch to %d is outside the program (%d instructions)", i+1+int(in.Jt), n)
	}
	if i+1+int(in.Jf) >= n {
		return fmt.Sprintf("false branch to %d is outside the program (%d instructions)", i+1+int(in.Jf), n)
	}
	return ""
}

// checkMemInit is the kernel's check_load_and_stores: a load from a scratch
// cell must be preceded on every path by a store to it. Jumps are known to
// be forward and in range.
func checkMemInit(p Program) error {
	masks := make([]uint16, len(p))
	for i := range masks {
		masks[i] = 0xffff
	}
	var valid uint16
	for i, in := range p {
		valid &= masks[i]
		switch {
		case in.Op == ST || in.Op == STX:
			valid |= 1 << in.K
		case in.Op == LD|MEM || in.Op == LDX|MEM:
			if valid&(1<<in.K) == 0 {
				return &ValidationError{Index: i, Insn: in, Reason: fmt.Sprintf("scratch memory M[%d] may be read before it is written", in.K)}
			}
		case in.Op == JMP|JA:
			masks[i+1+int(in.K)] &= valid
			valid = 0xffff
		case in.Class() == JMP:
			masks[i+1+int(in.Jt)] &= valid
			masks[i+1+int(in.Jf)] &= valid
			valid = 0xffff
		}
	}
	return nil
}

// ValidateUserland checks p with the rules of libpcap's userland
// bpf_validate (as in its development version, 1.11), which NewMachine
// applies. It is looser than Validate: programs may hold up to
// MaxUserlandInstructions instructions, an unconditional jump may go
// backward (libpcap's compiler emits backward jumps for "protochain"; the
// machine bounds how many it takes per packet) but not to itself,
// absolute loads may use any offset (those past the packet, ancillary
// ones included, simply fail at run time in Run) and scratch memory need
// not be written before it is read (it starts as zeros). Known opcodes
// only, scratch indexes below 16, no constant division by zero or shift
// by 32 or more, conditional jumps in range and a final RET are still
// required. (libpcap 1.10's bpf_validate is looser still: it also takes
// constant shifts of 32 or more, a JA to itself, and opcodes with unused
// bits set such as 0x08; its interpreter then rejects every packet at
// such an opcode.)
func (p Program) ValidateUserland() error {
	n := len(p)
	if n == 0 {
		return &ValidationError{Index: -1, Reason: "empty program"}
	}
	if n > MaxUserlandInstructions {
		return &ValidationError{Index: -1, Reason: fmt.Sprintf("%d instructions, more than the limit of %d", n, MaxUserlandInstructions)}
	}
	for i, in := range p {
		if r := checkInsn(in); r != "" {
			return &ValidationError{Index: i, Insn: in, Reason: r}
		}
		if in.Op == JMP|JA {
			t := int64(i) + 1 + int64(int32(in.K))
			if t < 0 || t >= int64(n) {
				return &ValidationError{Index: i, Insn: in, Reason: fmt.Sprintf("jump to %d is outside the program (%d instructions)", t, n)}
			}
			if t == int64(i) {
				return &ValidationError{Index: i, Insn: in, Reason: "jump to itself (infinite loop)"}
			}
		} else if in.Class() == JMP {
			if r := checkCondJump(i, in, n); r != "" {
				return &ValidationError{Index: i, Insn: in, Reason: r}
			}
		}
	}
	if last := p[n-1]; last.Class() != RET {
		return &ValidationError{Index: n - 1, Insn: last, Reason: "the last instruction is not a RET"}
	}
	return nil
}
