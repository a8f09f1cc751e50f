package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// snareBin is the command built once for the tests that run it.
var snareBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "snare-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	snareBin = filepath.Join(dir, "snare")
	out, err := exec.Command("go", "build", "-o", snareBin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building snare: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of a command.
type result struct {
	stdout, stderr string
	code           int
}

func runCmd(t *testing.T, stdin []byte, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC") // both tools print local time
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %q: %v", name, args, err)
		}
		code = ee.ExitCode()
	}
	return result{so.String(), se.String(), code}
}

func runSnare(t *testing.T, args ...string) result {
	t.Helper()
	return runCmd(t, nil, snareBin, args...)
}

func needTcpdump(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump is not installed; .ci/run installs it")
	}
	return p
}

// tcpdump runs the reference tool.
func tcpdump(t *testing.T, args ...string) result {
	t.Helper()
	return runCmd(t, nil, needTcpdump(t), args...)
}

// firstLine is the first line of s.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// TestBadOptionsLikeTcpdump runs the same bad command lines through
// tcpdump and snare: both must fail with status 1 and the same first
// line of message (program name aside).
func TestBadOptionsLikeTcpdump(t *testing.T) {
	needTcpdump(t)
	cases := [][]string{
		{"-k"},
		{"--bogus"},
		{"-c"},
		{"--count=3"},
		{"-c", "0", "-r", samplePath},
		{"-c", "-1", "-r", samplePath},
		{"-C", "0", "-r", samplePath},
		{"-C", "x", "-r", samplePath},
		{"-G", "-1", "-r", samplePath},
		{"-W", "0", "-r", samplePath},
		{"-s", "x", "-r", samplePath},
		{"-s", "999999", "-r", samplePath},
		{"-B", "0", "-r", samplePath},
		{"-Q", "bad", "-r", samplePath},
		{"--time-stamp-precision=bad", "-r", samplePath},
		{"-r", "/nonexistent/file.pcap"},
		{"-r", samplePath, "-V", "/nonexistent"},
		{"-V", "/nonexistent/list"},
		{"-y", "NOSUCHTYPE", "-d", "ip"},
		{"-tttttt", "-r", samplePath},
		{"--interface"},
		{"--no-"},
		// Missing arguments.
		{"-r"}, {"-w"}, {"-V"}, {"-z"}, {"-Z"}, {"-C"}, {"-G"}, {"-W"}, {"-s"}, {"-F"},
		{"--time-stamp-precision"},
		{"--number=3", "-r", samplePath},
		// Bad numbers, as tcpdump parses each option.
		{"-C", "-1", "-r", samplePath},
		{"-C", "1.5", "-r", samplePath},
		{"-C", "1k", "-r", samplePath},
		{"-C", "0x1", "-r", samplePath},
		{"-C", "9223372036855", "-r", samplePath},
		{"-C", "99999999999999999999999", "-r", samplePath},
		{"-W", "x", "-r", samplePath},
		{"-W", "-3", "-r", samplePath},
		{"-s", "-1", "-r", samplePath},
		{"-s", "10x", "-r", samplePath},
		{"-s", "08", "-r", samplePath},
		{"--snapshot-length=x", "-r", samplePath},
		{"-c", "x", "-r", samplePath},
		{"-c", "0x10", "-r", samplePath},
		{"-c", "99999999999999999999", "-r", samplePath},
		{"-B", "x", "-r", samplePath},
		{"-B", "0x10", "-r", samplePath},
		{"--linktype=FOO", "-d", "ip"},
		{"-T", "bogus", "-r", samplePath},
		{"-T"},
		// Bad files, after the input is open.
		{"-F", "/nonexistent/filter", "-r", samplePath},
		{"-r", samplePath, "-w", "/nonexistent/dir/out.pcap"},
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			want := tcpdump(t, args...)
			got := runSnare(t, args...)
			if got.code != want.code || got.code != 1 {
				t.Errorf("exit status %d, tcpdump's %d", got.code, want.code)
			}
			// getopt's messages name argv[0] (/usr/bin/tcpdump), tcpdump's
			// own name it "tcpdump": compare the messages, what follows
			// the name, up to the usage text.
			if g, w := messages(got.stderr), messages(want.stderr); g != w {
				t.Errorf("message\n got %q\nwant %q", g, w)
			}
			if strings.Contains(want.stderr, "Usage:") != strings.Contains(got.stderr, "Usage:") {
				t.Errorf("usage printed: tcpdump %v, snare %v", strings.Contains(want.stderr, "Usage:"), strings.Contains(got.stderr, "Usage:"))
			}
		})
	}
}

// messages is a command's stderr up to its version line (where the
// usage text starts), each line's program name ("tcpdump: ",
// "/usr/bin/tcpdump: ", "snare: ") replaced by "PROG: ".
func messages(stderr string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if strings.HasPrefix(l, "tcpdump version ") || strings.HasPrefix(l, "snare version ") {
			break
		}
		if name, rest, ok := strings.Cut(l, ": "); ok && (name == "snare" || strings.HasSuffix(name, "tcpdump")) {
			l = "PROG: " + rest
		}
		b.WriteString(l)
	}
	return b.String()
}

// TestStricterNumbersThanTcpdump checks the values tcpdump reads with
// atoi (taking "1x" as 1 and "x" as 0) and snare refuses: a typo in a
// rotation period or a count is an error, not a silent 0.
func TestStricterNumbersThanTcpdump(t *testing.T) {
	for _, c := range []struct{ args, msg string }{
		{"-G x", "snare: invalid number of seconds x"},
		{"-G 1x", "snare: invalid number of seconds 1x"},
		{"-W 1x", "snare: invalid number of output files 1x"},
		{"-c 1e3", "snare: invalid packet count 1e3"},
		{"-B 1x", "snare: invalid packet buffer size 1x"},
		{"--skip 0x10", "snare: invalid skip count 0x10"},
	} {
		r := runSnare(t, append(strings.Fields(c.args), "-r", samplePath)...)
		if r.code != 1 || firstLine(r.stderr) != c.msg {
			t.Errorf("%s: status %d, %q; want 1, %q", c.args, r.code, r.stderr, c.msg)
		}
	}
}

func TestHelp(t *testing.T) {
	r := runSnare(t, "--help")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("--help: status %d, stderr %q", r.code, r.stderr)
	}
	// Every option in the table appears in the help.
	for _, o := range optionTable {
		var spell string
		if o.short != 0 {
			spell = "-" + string(o.short)
		} else {
			spell = "--" + o.long
		}
		if !strings.Contains(r.stdout, spell) {
			t.Errorf("--help does not mention %s", spell)
		}
	}
	if h := runSnare(t, "-h"); h.stdout != r.stdout {
		t.Error("-h and --help differ")
	}
	if v := runSnare(t, "--version"); v.code != 0 || !strings.HasPrefix(v.stdout, "snare version ") {
		t.Errorf("--version: %+v", v)
	}
}

// TestCountLikeTcpdump compares --count with tcpdump's, alone and with -c.
func TestCountLikeTcpdump(t *testing.T) {
	for _, args := range [][]string{
		{"--count", "-r", samplePath},
		{"--count", "-c", "7", "-r", samplePath},
		{"-r", samplePath, "--count", "-c", "1"},
	} {
		want := tcpdump(t, args...)
		got := runSnare(t, args...)
		if got.code != 0 || got.stdout != want.stdout {
			t.Errorf("%q: got %q (status %d), tcpdump %q", args, got.stdout, got.code, want.stdout)
		}
		if got.stderr != strings.Replace(want.stderr, "tcpdump", "snare", -1) {
			t.Errorf("%q: stderr %q, tcpdump %q", args, got.stderr, want.stderr)
		}
	}
}

// printedByTcpdump is tcpdump's full-detail print of a file, used to
// compare files packet by packet.
func printedByTcpdump(t *testing.T, file string) string {
	t.Helper()
	r := tcpdump(t, "-nn", "-tt", "--nano", "-xx", "-v", "-r", file)
	if r.code != 0 {
		t.Fatalf("tcpdump -r %s: %s", file, r.stderr)
	}
	return r.stdout
}

// TestWriteCopy copies the sample with -w, to a file and to stdout, and
// checks that tcpdump reads back the same packets.
func TestWriteCopy(t *testing.T) {
	needTcpdump(t)
	want := printedByTcpdump(t, samplePath)
	dir := t.TempDir()
	out := filepath.Join(dir, "copy.pcap")
	if r := runSnare(t, "-r", samplePath, "-w", out); r.code != 0 {
		t.Fatalf("snare -w: %+v", r)
	}
	if got := printedByTcpdump(t, out); got != want {
		t.Errorf("tcpdump reads the copy differently:\n%s\nwant\n%s", got, want)
	}
	r := runSnare(t, "-r", samplePath, "-w", "-")
	if r.code != 0 {
		t.Fatalf("snare -w -: %+v", r)
	}
	out2 := filepath.Join(dir, "stdout.pcap")
	if err := os.WriteFile(out2, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := printedByTcpdump(t, out2); got != want {
		t.Errorf("tcpdump reads -w - differently")
	}
	// -c limits what is written.
	out3 := filepath.Join(dir, "c5.pcap")
	if r := runSnare(t, "-c5", "-r", samplePath, "-w", out3); r.code != 0 {
		t.Fatalf("snare -c5 -w: %+v", r)
	}
	if r := tcpdump(t, "--count", "-r", out3); r.stdout != "5 packets\n" {
		t.Errorf("-c5 -w wrote %q", r.stdout)
	}
}

// TestReadStdin reads the sample from standard input.
func TestReadStdin(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	viaFile := runSnare(t, "-r", samplePath)
	viaStdin := runCmd(t, data, snareBin, "-r", "-")
	if viaStdin.code != 0 || viaStdin.stdout != viaFile.stdout {
		t.Fatalf("-r - differs from -r FILE: %+v", viaStdin)
	}
	if !strings.HasPrefix(viaStdin.stderr, "reading from file -, link-type EN10MB (Ethernet)") {
		t.Errorf("stderr %q", viaStdin.stderr)
	}
	if n := strings.Count(viaFile.stdout, "\n"); n != 36 {
		t.Errorf("printed %d lines, want 36", n)
	}
}

// TestSkipAndCount checks --skip against -c: skipping k and taking n
// prints lines k+1..k+n of the full output.
func TestSkipAndCount(t *testing.T) {
	all := strings.SplitAfter(runSnare(t, "-r", samplePath).stdout, "\n")
	r := runSnare(t, "--skip", "4", "-c", "3", "-r", samplePath)
	if want := strings.Join(all[4:7], ""); r.stdout != want {
		t.Errorf("--skip 4 -c 3:\n%s\nwant\n%s", r.stdout, want)
	}
	r = runSnare(t, "--skip=30", "--count", "-r", samplePath)
	if r.stdout != "6 packets\n" {
		t.Errorf("--skip=30 --count: %q", r.stdout)
	}
}

// TestListOfFiles reads the sample twice through -V.
func TestListOfFiles(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "list")
	abs, _ := filepath.Abs(samplePath)
	if err := os.WriteFile(list, []byte(abs+"\n"+abs+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runSnare(t, "-V", list, "--count")
	if r.code != 0 || r.stdout != "72 packets\n" {
		t.Errorf("-V list --count: %+v", r)
	}
	if n := strings.Count(r.stderr, "reading from file"); n != 2 {
		t.Errorf("%d 'reading from file' lines, want 2", n)
	}
}

// TestTruncatedFile checks that a file cut in a record prints every
// packet before it and then fails with an error naming the record.
func TestTruncatedFile(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	// 24-byte header, then packet 1 (16+60) and packet 2 (16+60), then
	// half of packet 3.
	if err := os.WriteFile(cut, data[:24+76+76+30], 0o644); err != nil {
		t.Fatal(err)
	}
	r := runSnare(t, "-r", cut)
	if r.code != 1 {
		t.Errorf("status %d, want 1", r.code)
	}
	if n := strings.Count(r.stdout, "\n"); n != 2 {
		t.Errorf("printed %d packets, want 2", n)
	}
	if !strings.Contains(r.stderr, "record 3 at byte offset 176") || !strings.Contains(r.stderr, "cut.pcap") {
		t.Errorf("stderr %q does not name the file, record 3 and its offset", r.stderr)
	}
	// --count counts what was read before the cut, as tcpdump does,
	// and still fails.
	r = runSnare(t, "-r", cut, "--count")
	if r.code != 1 || r.stdout != "2 packets\n" {
		t.Errorf("--count: status %d, stdout %q; want 1 and \"2 packets\"", r.code, r.stdout)
	}
	// -w keeps every packet before the cut: the copy is the input up
	// to record 3.
	out := filepath.Join(t.TempDir(), "out.pcap")
	r = runSnare(t, "-r", cut, "-w", out)
	if r.code != 1 {
		t.Errorf("-w: status %d, want 1", r.code)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := data[:24+76+76]; !bytes.Equal(got, want) {
		t.Errorf("-w wrote %d bytes, want the %d bytes of the header and the two whole packets", len(got), len(want))
	}
}

// TestSeveralInputsLikeTcpdump reads two captures of different link
// types, with repeated -r and with -V, and compares everything printed
// (stdout and stderr merged, so the order of the "reading from file"
// lines counts) with tcpdump -V on the same list; then writes the two
// with -w, which tcpdump and snare both refuse at the second file.
func TestSeveralInputsLikeTcpdump(t *testing.T) {
	tcpdumpPath := needTcpdump(t)
	a, _ := filepath.Abs(samplePath)
	b, _ := filepath.Abs(filepath.Join("..", "..", "printer", "testdata", "sll.pcap"))
	dir := t.TempDir()
	list := filepath.Join(dir, "list")
	if err := os.WriteFile(list, []byte(a+"\n"+b+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	merged := func(name string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "TZ=UTC")
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(string(out), "tcpdump: ", "snare: "), code
	}
	want, wcode := merged(tcpdumpPath, "-nn", "-V", list)
	if strings.Count(want, "reading from file") != 2 || wcode != 0 {
		t.Fatalf("tcpdump -V: status %d\n%s", wcode, want)
	}
	for _, args := range [][]string{{"-nn", "-r", a, "-r", b}, {"-nn", "-V", list}} {
		if got, code := merged(snareBin, args...); got != want || code != 0 {
			t.Errorf("snare %q: status %d\n%s\nwant (tcpdump -V)\n%s", args, code, got, want)
		}
	}
	out := filepath.Join(dir, "out.pcap")
	want, wcode = merged(tcpdumpPath, "-V", list, "-w", out)
	got, code := merged(snareBin, "-r", a, "-r", b, "-w", out)
	if got != want || code != wcode || code != 1 {
		t.Errorf("-w over two link types: status %d\n%s\nwant (tcpdump, status %d)\n%s", code, got, wcode, want)
	}
	// Same link type: the -w file holds both inputs.
	if r := runSnare(t, "-r", a, "-r", a, "-w", out); r.code != 0 {
		t.Fatalf("-r twice -w: %+v", r)
	}
	if r := tcpdump(t, "--count", "-r", out); r.stdout != "72 packets\n" {
		t.Errorf("-r sample -r sample -w: %q", r.stdout)
	}
}

// TestMonitorModeLikeTcpdump checks -I: refused on a device without
// 802.11 monitor mode with tcpdump's message and status, ignored with -r.
func TestMonitorModeLikeTcpdump(t *testing.T) {
	needTcpdump(t)
	cases := [][]string{{"-I", "-i", "nosuch0", "-c", "1"}, {"--monitor-mode", "-i", "nosuch1"}}
	if os.Geteuid() == 0 {
		cases = append(cases, []string{"-I", "-i", "lo", "-c", "1"})
	}
	for _, args := range cases {
		want, got := tcpdump(t, args...), runSnare(t, args...)
		if got.code != 1 || want.code != 1 || messages(got.stderr) != messages(want.stderr) {
			t.Errorf("%q: status %d %q; tcpdump %d %q", args, got.code, got.stderr, want.code, want.stderr)
		}
	}
	plain := runSnare(t, "-nn", "-r", samplePath)
	if r := runSnare(t, "-I", "-nn", "-r", samplePath); r.code != 0 || r.stdout != plain.stdout {
		t.Errorf("-I -r: %+v", r)
	}
}
