package bpf

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	ret := Instruction{Op: RET | K, K: 1}
	long := make(Program, MaxKernelInstructions+1)
	for i := range long {
		long[i] = ret
	}
	tests := []struct {
		name     string
		p        Program
		kernel   string // substring of Validate's error, "" = valid
		userland string // substring of ValidateUserland's error, "" = valid
		index    int
	}{
		{"ok", Program{{Op: LD | H | ABS, K: 12}, {Op: JMP | JEQ | K, Jt: 0, Jf: 1, K: 0x800}, ret, {Op: RET | K}}, "", "", 0},
		{"empty", Program{}, "empty program", "empty program", -1},
		{"too long for the kernel", long, "more than the kernel's limit of 4096", "", -1},
		{"unknown opcode", Program{{Op: 0xff}, ret}, "unknown opcode", "unknown opcode", 0},
		{"LD|H|IMM is not an opcode", Program{{Op: LD | H | IMM}, ret}, "unknown opcode", "unknown opcode", 0},
		{"no final ret", Program{ret, {Op: LD | IMM}}, "last instruction is not a RET", "last instruction is not a RET", 1},
		{"jt out of range", Program{{Op: JMP | JEQ | K, Jt: 1}, ret}, "true branch to 2", "true branch to 2", 0},
		{"jf out of range", Program{{Op: JMP | JGT | X, Jf: 5}, ret}, "false branch to 6", "false branch to 6", 0},
		{"ja out of range", Program{{Op: JMP | JA, K: 1}, ret}, "outside the program", "outside the program", 0},
		{"ja huge", Program{{Op: JMP | JA, K: 0x7fffffff}, ret}, "outside the program", "outside the program", 0},
		{"ja backward", Program{ret, {Op: LD | IMM}, {Op: JMP | JA, K: 0xfffffffe}, ret}, "or backward", "", 2},
		{"ja to itself", Program{ret, {Op: JMP | JA, K: 0xffffffff}, ret}, "or backward", "jump to itself", 1},
		{"ja before start", Program{{Op: JMP | JA, K: 0xfffffffe}, ret}, "or backward", "jump to -1", 0},
		{"mem index", Program{{Op: ST, K: 16}, ret}, "scratch memory index 16", "scratch memory index 16", 0},
		{"ldx mem index", Program{{Op: LDX | MEM, K: 100}, ret}, "scratch memory index 100", "scratch memory index 100", 0},
		{"div by zero", Program{{Op: ALU | DIV | K}, ret}, "division by constant zero", "division by constant zero", 0},
		{"mod by zero", Program{{Op: ALU | MOD | K}, ret}, "modulo by constant zero", "modulo by constant zero", 0},
		{"shift 32", Program{{Op: ALU | LSH | K, K: 32}, ret}, "shift by 32", "shift by 32", 0},
		{"unknown ancillary", Program{{Op: LD | W | ABS, K: ancBase + 1}, ret}, "unknown ancillary offset SKF_AD_OFF+1", "", 0},
		{"ancillary past the table", Program{{Op: LD | B | ABS, K: ancBase + 64}, ret}, "unknown ancillary offset", "", 0},
		{"known ancillary", Program{{Op: LD | B | ABS, K: ancBase + AncVlanTagPresent}, ret}, "", "", 0},
		{"SKF_NET_OFF load", Program{{Op: LD | B | ABS, K: 0xfff00000 + 9}, ret}, "", "", 0},
		{"mem read before write", Program{{Op: LD | MEM, K: 3}, ret}, "M[3] may be read before it is written", "", 0},
		{"mem written on one path only", Program{
			{Op: LD | B | ABS, K: 0},
			{Op: JMP | JEQ | K, Jt: 0, Jf: 1},
			{Op: ST, K: 2},
			{Op: LDX | MEM, K: 2},
			ret,
		}, "M[2] may be read before", "", 3},
		{"mem written on both paths", Program{
			{Op: ST, K: 2},
			{Op: JMP | JEQ | K, Jt: 0, Jf: 1},
			{Op: ST, K: 5},
			{Op: LDX | MEM, K: 2},
			ret,
		}, "", "", 0},
	}
	for _, tt := range tests {
		check := func(which string, err error, want string) {
			t.Helper()
			if want == "" {
				if err != nil {
					t.Errorf("%s: %s: unexpected error %v", tt.name, which, err)
				}
				return
			}
			if err == nil {
				t.Errorf("%s: %s accepted the program", tt.name, which)
				return
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %s: error %q does not contain %q", tt.name, which, err, want)
			}
			if !errors.Is(err, ErrInvalidProgram) {
				t.Errorf("%s: %s: error is not ErrInvalidProgram", tt.name, which)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Index != tt.index {
				t.Errorf("%s: %s: error %v: want index %d", tt.name, which, err, tt.index)
			}
		}
		check("Validate", tt.p.Validate(), tt.kernel)
		check("ValidateUserland", tt.p.ValidateUserland(), tt.userland)
		if _, err := NewMachine(tt.p); (err == nil) != (tt.userland == "") {
			t.Errorf("%s: NewMachine error %v, ValidateUserland want %q", tt.name, err, tt.userland)
		}
	}
}

// TestValidateGoldenPrograms checks that every expected program of
// libpcap's test suite passes the userland rules, and the kernel rules
// unless it uses a backward jump (protochain) or a scratch cell that is
// not written on every path.
func TestValidateGoldenPrograms(t *testing.T) {
	c := loadCases(t)
	kernelOK := 0
	total := 0
	for _, a := range c.Accept {
		for _, lines := range [][]string{a.Opt, a.Unopt} {
			if lines == nil || a.Name == "bpf_image" {
				continue
			}
			p, err := ParseDisassembly(strings.Join(lines, "\n"))
			if err != nil {
				t.Fatalf("%s: %v", a.Name, err)
			}
			total++
			if err := p.ValidateUserland(); err != nil {
				t.Errorf("%s: %v", a.Name, err)
			}
			if err := p.Validate(); err == nil {
				kernelOK++
			} else if !strings.Contains(err.Error(), "backward") && !strings.Contains(err.Error(), "before it is written") && !strings.Contains(err.Error(), "limit of 4096") {
				t.Errorf("%s: kernel rules: %v", a.Name, err)
			}
		}
	}
	t.Logf("%d of %d programs pass the kernel rules", kernelOK, total)
}
