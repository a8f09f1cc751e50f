package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestDumpLikeTcpdump compares -d, -dd and -ddd with tcpdump's, byte
// for byte, for programs compiled without a device (-y, -s, -O). The
// expressions are ones the compiler already emits exactly as libpcap
// does; the filter package's own tests measure the rest.
func TestDumpLikeTcpdump(t *testing.T) {
	needTcpdump(t)
	cases := [][]string{
		{"-y", "EN10MB", "ip"},
		{"-y", "EN10MB", "arp"},
		{"-y", "EN10MB", "icmp"},
		{"-y", "EN10MB", "ip6"},
		{"-y", "EN10MB", "ether host 02:00:00:00:00:01"},
		{"-y", "EN10MB", "-s", "100", "arp"},
		{"-y", "EN10MB", "-O", "tcp"},
		{"-y", "EN10MB", "-O", "udp"},
		{"-y", "EN10MB", "-O", "tcp port 80"},
		{"-y", "EN10MB", "tcp port 80"},
		{"-y", "EN10MB", "udp portrange 1000-2000"},
		{"-y", "EN10MB", "-O", "ip[0] << 1 ^ 3 > 5"},
		{"-y", "EN10MB", "-O", "pppoes and link[0xf:2] > 3"},
		{"-y", "EN10MB", "-O", "vlan 42"},
		{"-y", "EN10MB", "-O", "len > 100"},
		{"-y", "EN10MB", "-O", "icmp6"},
		{"-y", "EN10MB"},
		{"--linktype=RAW", "ip"},
		{"-y", "LINUX_SLL", "arp"},
		{"-r", samplePath, "ip"},
	}
	for _, c := range cases {
		for _, d := range []string{"-d", "-dd", "-ddd"} {
			args := append([]string{d}, c...)
			want := tcpdump(t, args...)
			got := runSnare(t, args...)
			if got.code != want.code || got.stdout != want.stdout {
				t.Errorf("%q:\n got (status %d)\n%s\nwant (status %d)\n%s", args, got.code, got.stdout, want.code, want.stdout)
			}
		}
	}
	// Without -y or -r, both assume Ethernet and say so.
	want, got := tcpdump(t, "-d", "arp"), runSnare(t, "-d", "arp")
	if got.stdout != want.stdout || got.stderr != want.stderr {
		t.Errorf("-d arp: got %q %q, want %q %q", got.stdout, got.stderr, want.stdout, want.stderr)
	}
}

// TestBadFilterLikeTcpdump checks that bad expressions fail as in
// tcpdump: status 1, and a message that carries tcpdump's.
func TestBadFilterLikeTcpdump(t *testing.T) {
	needTcpdump(t)
	for _, expr := range []string{"tcpx", "tcp and", "host nonexistent.invalid", "(tcp", "tcp port http-nonexistent",
		"port 99999", "ether host 1:2:3", "net 10.0.0.0/33", "vlan and ip6 protochain 6 and tcp[0:3] = 1", "ip[0] % 0 = 1"} {
		for _, args := range [][]string{{"-y", "EN10MB", "-d", expr}, {"-r", samplePath, expr}} {
			want := tcpdump(t, args...)
			got := runSnare(t, args...)
			if got.code != 1 || want.code != 1 {
				t.Errorf("%q: status %d, tcpdump's %d", args, got.code, want.code)
			}
			wmsg := strings.TrimPrefix(lastLine(want.stderr), "tcpdump: ")
			gmsg := lastLine(got.stderr)
			if !strings.HasPrefix(gmsg, "snare: ") || !containsWords(gmsg, wmsg) {
				t.Errorf("%q: message %q does not carry tcpdump's %q", args, gmsg, wmsg)
			}
			if got.stdout != "" {
				t.Errorf("%q: printed %q", args, got.stdout)
			}
		}
	}
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// containsWords reports whether every word of want appears in got, in
// order, ignoring case (our messages add the column, and libpcap
// master's wording next to libpcap 1.10's).
func containsWords(got, want string) bool {
	got, want = strings.ToLower(got), strings.ToLower(want)
	for _, w := range strings.Fields(want) {
		i := strings.Index(got, w)
		if i < 0 {
			return false
		}
		got = got[i+len(w):]
	}
	return true
}

var (
	corpusOnce sync.Once
	corpusPath string
	corpusErr  string
)

// corpus is a 20,000-packet capture from the shared benchmark
// generator, made once per test run.
func corpus(t *testing.T) string {
	t.Helper()
	corpusOnce.Do(func() {
		gen := filepath.Join("..", "..", "..", "shared", "bench", "gen_corpus.go")
		if _, err := os.Stat(gen); err != nil {
			corpusErr = "the shared benchmark generator (../shared/bench/gen_corpus.go) is absent"
			return
		}
		dir, err := os.MkdirTemp("", "snare-corpus")
		if err != nil {
			corpusErr = err.Error()
			return
		}
		corpusPath = filepath.Join(dir, "c20k.pcap")
		if out, err := exec.Command("go", "run", gen, "-n", "20000", "-o", corpusPath).CombinedOutput(); err != nil {
			corpusErr = "gen_corpus: " + err.Error() + ": " + string(out)
		}
	})
	if corpusErr != "" {
		t.Skip(corpusErr)
	}
	return corpusPath
}

// TestFilterCountLikeTcpdump filters files in userland and compares
// --count with tcpdump's for the same expressions.
func TestFilterCountLikeTcpdump(t *testing.T) {
	needTcpdump(t)
	exprs := []string{
		"tcp", "udp", "icmp", "arp", "ip6", "tcp port 80", "udp port 53", "port 443 or port 22",
		"tcp[tcpflags] & tcp-syn != 0", "host 198.18.0.1", "net 198.18.0.0/16", "greater 1000", "less 100",
		"tcp port 80 and not host 198.18.0.1", "ip6 and tcp", "icmp[icmptype] = icmp-echo", "vlan", "not ip",
		"portrange 1000-2000", "ether broadcast", "ip[8] = 64", "udp and src port 123",
	}
	files := []string{samplePath}
	if testing.Short() {
		t.Log("-short: the sample capture only")
	} else {
		files = append(files, corpus(t))
	}
	for _, f := range files {
		for _, e := range exprs {
			want := tcpdump(t, "--count", "-r", f, e)
			got := runSnare(t, "--count", "-r", f, e)
			if got.code != want.code || got.stdout != want.stdout {
				t.Errorf("%s %q: %q (status %d), tcpdump %q (status %d) %s", filepath.Base(f), e, got.stdout, got.code, want.stdout, want.code, got.stderr)
			}
		}
	}
}

// TestFilterFile reads the expression from a file with -F, comments
// included, and checks it gives what the same expression inline gives.
func TestFilterFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "expr")
	if err := os.WriteFile(f, []byte("# web traffic\ntcp port 80 # plain http\n  or icmp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	viaFile := runSnare(t, "-F", f, "-r", samplePath)
	inline := runSnare(t, "-r", samplePath, "tcp port 80 or icmp")
	if viaFile.code != 0 || viaFile.stdout != inline.stdout || inline.stdout == "" {
		t.Errorf("-F: %+v\ninline: %+v", viaFile, inline)
	}
	all := runSnare(t, "-r", samplePath)
	if strings.Count(inline.stdout, "\n") >= strings.Count(all.stdout, "\n") {
		t.Errorf("the filter kept every packet")
	}
	if r := runSnare(t, "-F", "/nonexistent/expr", "-r", samplePath); r.code != 1 || !strings.Contains(r.stderr, "snare: can't open /nonexistent/expr: No such file or directory") {
		t.Errorf("-F missing file: %+v", r)
	}
}

// TestFilterNetmaskLikeTcpdump checks the netmask passed to the compiler
// without a device: tcpdump passes 0 when it reads a file (-r) and when
// it dumps for -y without a device, so "ip broadcast" compiles there
// (the host part is then the whole address) instead of failing for an
// unknown netmask. The programs and counts must be tcpdump's.
func TestFilterNetmaskLikeTcpdump(t *testing.T) {
	needTcpdump(t)
	for _, e := range []string{"ip broadcast", "ip broadcast or ether broadcast", "not ip broadcast and ip"} {
		for _, args := range [][]string{
			{"-d", "-y", "EN10MB", e},
			{"-d", "-O", "-y", "EN10MB", e},
			{"-dd", "-y", "LINUX_SLL", e},
			{"-d", "-r", samplePath, e},
			{"--count", "-r", samplePath, e},
		} {
			want := tcpdump(t, args...)
			got := runSnare(t, args...)
			if want.code != 0 {
				// "ether broadcast" on LINUX_SLL: both refuse it.
				wmsg := strings.TrimPrefix(lastLine(want.stderr), "tcpdump: ")
				if got.code != want.code || !containsWords(lastLine(got.stderr), wmsg) {
					t.Errorf("%q: status %d %q, tcpdump's %d %q", args, got.code, got.stderr, want.code, wmsg)
				}
				continue
			}
			if got.code != 0 || got.stdout != want.stdout {
				t.Errorf("%q:\n got (status %d) %s%s\nwant %s", args, got.code, got.stdout, got.stderr, want.stdout)
			}
		}
	}
}
