package main

import (
	"net/netip"
	"strings"
	"testing"
)

// TestPrintLikeTcpdump checks that the printing flags reach the printer:
// the sample prints as tcpdump prints it under each of them. (The
// printer package's tests cover the protocols themselves.)
func TestPrintLikeTcpdump(t *testing.T) {
	needTcpdump(t)
	for _, flags := range []string{
		"-nn", "-nn -e", "-nn -tt", "-nn -ttt", "-nn -tttt", "-nn -ttttt", "-nn -t", "-nn -x", "-nn -xx",
		"-nn -X", "-nn -XX", "-nn -A", "-nn -q", "-nn -#", "--number -nn", "-nn -S", "-nnq -c 4", "-nn --nano",
		"-nn -K", "-nn -AA", "-nn -T vxlan", "-nn -v -T domain", "-nn -T snmp", "-nn -vv -T vxlan",
	} {
		args := append(strings.Fields(flags), "-r", samplePath)
		want := tcpdump(t, append([]string{"-l"}, args...)...)
		got := runSnare(t, args...)
		if got.code != 0 || got.stdout != want.stdout {
			t.Errorf("%s: output differs from tcpdump's:\n%s\nwant\n%s", flags, got.stdout, want.stdout)
		}
	}
	if r := runSnare(t, "-tttttt", "-r", samplePath); r.code != 1 || !strings.Contains(r.stderr, "only -t, -tt, -ttt, -tttt and -ttttt are supported") {
		t.Errorf("-tttttt: %+v", r)
	}
	// A -T type tcpdump knows and snare does not decode is refused.
	if r := runSnare(t, "-T", "rtp", "-r", samplePath); r.code != 1 || firstLine(r.stderr) != "snare: -T rtp is not supported (snare decodes -T vxlan, domain and snmp)" {
		t.Errorf("-T rtp: %+v", r)
	}
}

// TestLengths checks snare's --lengths: caplen and len after the time.
func TestLengths(t *testing.T) {
	r := runSnare(t, "-nn", "--lengths", "-c", "1", "-r", samplePath)
	if !strings.HasPrefix(r.stdout, "12:00:00.000000 caplen 60 len 60 ARP") {
		t.Errorf("--lengths: %q", r.stdout)
	}
}

type fakeResolver map[string]string

func (f fakeResolver) LookupAddr(ip netip.Addr) (string, bool) {
	n, ok := f[ip.String()]
	return n, ok
}

// TestShortNames checks -N's resolver: the domain is cut.
func TestShortNames(t *testing.T) {
	r := shortNames{fakeResolver{"192.0.2.1": "gw.example.net", "192.0.2.2": "plain"}}
	for ip, want := range map[string]string{"192.0.2.1": "gw", "192.0.2.2": "plain", "192.0.2.3": ""} {
		got, _ := r.LookupAddr(netip.MustParseAddr(ip))
		if got != want {
			t.Errorf("%s: %q, want %q", ip, got, want)
		}
	}
}
