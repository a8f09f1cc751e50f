// Package testenv holds what tests need from their surroundings: the
// reference tools (tcpdump, tshark, editcap...) and the shared test
// material that CI keeps beside the repository (../shared). A test that
// lacks either is skipped with a reason, never failed.
//
// It is for tests only; it sends nothing and changes nothing.
package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tool returns the path of the program name, skipping t when it is not
// installed.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (.ci/run installs it): %v", name, err)
	}
	return p
}

// Run runs the program name (skipping t when it is not installed) and
// returns its standard output; it fails t with the standard error when
// the program fails.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(Tool(t, name), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// Shared returns the path of elem in the shared material beside the
// module root (../shared from the directory holding go.mod), whatever
// the package directory the test runs in, skipping t when it is absent.
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test's directory, so no ../shared")
		}
		dir = parent
	}
	p := filepath.Join(append([]string{filepath.Dir(dir), "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared test material not found (CI has it at ../shared beside the repository): %v", err)
	}
	return p
}
