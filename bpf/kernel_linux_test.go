//go:build linux

package bpf

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/unix"
)

// kernelAccepts attaches p to a UDP socket with SO_ATTACH_FILTER (no
// privilege needed, nothing is sent) and reports whether the kernel took it.
func kernelAccepts(t *testing.T, fd int, p Program) bool {
	t.Helper()
	if len(p) == 0 {
		return false
	}
	f := make([]unix.SockFilter, len(p))
	for i, in := range p {
		f[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: uint16(len(f)), Filter: &f[0]})
	if err != nil && err != unix.EINVAL {
		t.Fatalf("SO_ATTACH_FILTER: %v", err)
	}
	return err == nil
}

// TestValidateMatchesKernel compares Validate with the running kernel's
// own check (sk_chk_filter) on random, filter-shaped and mutated programs.
func TestValidateMatchesKernel(t *testing.T) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no UDP socket to attach filters to: %v", err)
	}
	defer unix.Close(fd)
	r := rand.New(rand.NewPCG(13, 14))
	accepted, refused := 0, 0
	check := func(p Program) {
		want := kernelAccepts(t, fd, p)
		err := p.Validate()
		if (err == nil) != want {
			t.Fatalf("kernel accepts: %v, Validate: %v\n%s", want, err, p.Disassemble())
		}
		if want {
			accepted++
		} else {
			refused++
		}
	}
	mutate := func(p Program) Program {
		p = append(Program(nil), p...)
		i := r.IntN(len(p))
		switch r.IntN(7) {
		case 0:
			p[i].Op = uint16(r.IntN(256))
		case 1:
			p[i].K = ancBase + uint32(r.IntN(70))
			p[i].Op = LD | []uint16{W, H, B}[r.IntN(3)] | ABS
		case 2:
			p[i].Jt = uint8(r.IntN(256))
		case 3:
			p[i].K = uint32(r.IntN(40))
		case 4:
			p[i] = Instruction{Op: []uint16{LD | MEM, LDX | MEM, ST, STX}[r.IntN(4)], K: uint32(r.IntN(18))}
		case 5:
			p[i] = Instruction{Op: JMP | JA, K: uint32(r.IntN(len(p)+2)) - 1}
		default:
			p[i] = Instruction{Op: ALU | []uint16{DIV, MOD, LSH, RSH}[r.IntN(4)] | K, K: uint32(r.IntN(3)) * 16}
		}
		return p
	}
	for range 3000 {
		var p Program
		switch r.IntN(3) {
		case 0:
			p = randomProgram(r)
		case 1:
			p = patternProgram(r)
		default:
			p = make(Program, 1+r.IntN(6))
			for i := range p {
				p[i] = Instruction{Op: uint16(r.IntN(256)), Jt: uint8(r.IntN(4)), Jf: uint8(r.IntN(4)), K: uint32(r.IntN(20))}
			}
		}
		check(p)
		check(mutate(p))
	}
	long := make(Program, MaxKernelInstructions+1)
	for i := range long {
		long[i] = Instruction{Op: RET | K}
	}
	check(long)
	check(long[:MaxKernelInstructions])
	if accepted < 500 || refused < 500 {
		t.Errorf("unbalanced sample: %d accepted, %d refused", accepted, refused)
	}
	t.Logf("%d programs the kernel accepts, %d it refuses: Validate agrees on all", accepted, refused)
}

// FuzzValidateKernel compares Validate with the kernel on arbitrary
// programs (8-byte struct sock_filter records).
func FuzzValidateKernel(f *testing.F) {
	p80, _ := ParseDecimal(tcpPort80)
	f.Add(programBytes(p80))
	f.Add(programBytes(Program{{Op: LD | MEM, K: 1}, {Op: RET | A}}))
	f.Add(programBytes(Program{{Op: LD | B | ABS, K: ancBase + AncVlanTagPresent}, {Op: RET | A}}))
	f.Add(programBytes(Program{{Op: JMP | JA, K: 0xffffffff}, {Op: RET | A}}))
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		f.Skipf("no UDP socket to attach filters to: %v", err)
	}
	defer unix.Close(fd)
	f.Fuzz(func(t *testing.T, b []byte) {
		p := programFromBytes(b)
		if len(p) == 0 || len(p) > MaxKernelInstructions {
			return
		}
		want := kernelAccepts(t, fd, p)
		if err := p.Validate(); (err == nil) != want {
			t.Fatalf("kernel accepts: %v, Validate: %v\n%s", want, err, p.Disassemble())
		}
	})
}
