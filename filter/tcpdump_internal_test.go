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
	return p, ""
}
