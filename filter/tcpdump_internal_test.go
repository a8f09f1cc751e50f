package filter

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/filter/internal/filtertest"
)

// lookTcpdump returns the path of tcpdump, or skips the test: the tests
// that use it compare with the real libpcap.
func lookTcpdump(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump not installed: this test compares with the real libpcap")
	}
	return path
}

// libpcapCompile compiles expr with tcpdump -ddd for the link type named
// dlt (as -y takes it), unoptimized when opt is false. On a compile error
// it returns tcpdump's message (its stderr, first line) and a nil program.
func libpcapCompile(tcpdump, dlt, expr string, opt bool) (bpf.Program, string) {
	args := []string{"-ddd", "-y", dlt}
	if !opt {
		args = append(args, "-O")
	}
	cmd := exec.Command(tcpdump, append(args, "--", expr)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		if msg == "" {
			msg = err.Error()
		}
		return nil, msg
	}
	p, err := filtertest.ParseDecimal(string(out))
	if err != nil {
		return nil, "tcpdump -ddd output: " + err.Error()
	}
	if !opt {
		p = relationAsMaster(p)
	}
	return p, ""
}

// relationAsMaster rewrites libpcap 1.10's unoptimized code for "a = b"
// (sub x; jeq #0) as libpcap master writes it (jeq x), so that programs
// can be compared instruction for instruction.
func relationAsMaster(p bpf.Program) bpf.Program {
	var out bpf.Program
	newIndex := make([]int, len(p)+1)
	drop := make([]bool, len(p))
	for i := 0; i+1 < len(p); i++ {
		if p[i].Op == bpf.ALU|bpf.SUB|bpf.X && p[i+1].Op == bpf.JMP|bpf.JEQ|bpf.K && p[i+1].K == 0 {
			drop[i] = true
		}
	}
	for i := range p {
		newIndex[i] = len(out)
		if !drop[i] {
			out = append(out, p[i])
		}
	}
	newIndex[len(p)] = len(out)
	for i, ins := range p {
		if drop[i] {
			continue
		}
		j := newIndex[i]
		if ins.Op&0x07 == bpf.JMP && ins.Op != bpf.JMP|bpf.JA {
			out[j].Jt = uint8(newIndex[i+1+int(ins.Jt)] - j - 1)
			out[j].Jf = uint8(newIndex[i+1+int(ins.Jf)] - j - 1)
			if i > 0 && drop[i-1] {
				out[j].Op = bpf.JMP | bpf.JEQ | bpf.X
			}
		} else if ins.Op == bpf.JMP|bpf.JA {
			out[j].K = uint32(newIndex[i+1+int(ins.K)] - j - 1)
		}
	}
	return out
}
