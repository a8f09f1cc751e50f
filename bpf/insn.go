// Package bpf is the classic BPF engine: instructions, the validator that
// enforces the Linux kernel's rules, the userland machine that runs a
// program over a packet, the three text forms tcpdump prints with -d, -dd
// and -ddd (and parsers for them), and conversion to and from
// golang.org/x/net/bpf raw instructions.
package bpf

// Instruction is one classic BPF instruction, laid out as struct
// sock_filter / struct bpf_insn.
type Instruction struct {
	Op uint16 // opcode: class | size | mode, or class | op | source
	Jt uint8  // jump offset if true (conditional jumps)
	Jf uint8  // jump offset if false (conditional jumps)
	K  uint32 // generic field: constant, offset, or jump offset for JA
}

// Program is a sequence of instructions; execution starts at index 0.
type Program []Instruction

// Instruction classes (the low three bits of Op).
const (
	LD   = 0x00
	LDX  = 0x01
	ST   = 0x02
	STX  = 0x03
	ALU  = 0x04
	JMP  = 0x05
	RET  = 0x06
	MISC = 0x07
)

// Load sizes.
const (
	W = 0x00 // 32-bit word
	H = 0x08 // 16-bit half word
	B = 0x10 // byte
)

// Load modes.
const (
	IMM = 0x00
	ABS = 0x20
	IND = 0x40
	MEM = 0x60
	LEN = 0x80
	MSH = 0xa0
)

// ALU operations.
const (
	ADD = 0x00
	SUB = 0x10
	MUL = 0x20
	DIV = 0x30
	OR  = 0x40
	AND = 0x50
	LSH = 0x60
	RSH = 0x70
	NEG = 0x80
	MOD = 0x90
	XOR = 0xa0
)

// Jump operations.
const (
	JA   = 0x00
	JEQ  = 0x10
	JGT  = 0x20
	JGE  = 0x30
	JSET = 0x40
)

// Operand sources for ALU and jumps, and return value sources.
const (
	K = 0x00 // the constant in the K field
	X = 0x08 // the X register
	A = 0x10 // the A register (RET only)
)

// MISC operations.
const (
	TAX = 0x00
	TXA = 0x80
)

// MemWords is the number of 32-bit scratch memory cells (BPF_MEMWORDS).
const MemWords = 16

// MaxKernelInstructions is the most instructions the Linux kernel accepts
// in a classic BPF program (BPF_MAXINSNS).
const MaxKernelInstructions = 4096

// Linux ancillary data: absolute loads at AncOffset+n read packet
// metadata instead of packet bytes (SKF_AD_OFF + SKF_AD_*).
const (
	AncOffset         = -0x1000
	AncProtocol       = 0
	AncPktType        = 4
	AncIfIndex        = 8
	AncNlAttr         = 12
	AncNlAttrNest     = 16
	AncMark           = 20
	AncQueue          = 24
	AncHaType         = 28
	AncRxHash         = 32
	AncCPU            = 36
	AncAluXorX        = 40
	AncVlanTag        = 44
	AncVlanTagPresent = 48
	AncPayOffset      = 52
	AncRandom         = 56
	AncVlanTPID       = 60
)

// Class returns the instruction class (LD, LDX, ..., MISC).
func (i Instruction) Class() uint16 { return i.Op & 0x07 }
