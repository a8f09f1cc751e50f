package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/pcapng"
	"github.com/snare-pcap/snare/savefile"
)

// twoLinkFile writes a pcapng file with the sample's packets on an
// Ethernet interface, and the IPv4 ones again, without their Ethernet
// header, on a raw-IP interface. It returns the file and how many
// packets are on the raw interface.
func twoLinkFile(t *testing.T) (string, int) {
	t.Helper()
	in, err := savefile.Open(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	name := filepath.Join(t.TempDir(), "two.pcapng")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pcapng.NewWriter(f, pcapng.WriterOptions{UserApplication: "snare test"})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := link.ByName("RAW")
	w.AddInterface(pcapng.Interface{LinkType: 1, Name: "eth0", SnapLen: 262144})
	w.AddInterface(pcapng.Interface{LinkType: raw, Name: "tun0", SnapLen: 262144})
	nraw := 0
	for {
		data, ci, err := in.ReadPacketData()
		if err != nil {
			break
		}
		ci.InterfaceIndex = 0
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
		if data[12] == 0x08 && data[13] == 0x00 {
			ci.InterfaceIndex = 1
			ci.CaptureLength -= 14
			ci.Length -= 14
			if err := w.WritePacket(ci, data[14:]); err != nil {
				t.Fatal(err)
			}
			nraw++
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return name, nraw
}

// TestSeveralLinkTypes filters a pcapng file whose interfaces have
// different link types: the expression is compiled for each, pcap
// output is refused, pcapng output keeps both interfaces.
func TestSeveralLinkTypes(t *testing.T) {
	file, nraw := twoLinkFile(t)
	eth := runSnare(t, "--count", "-r", samplePath, "udp")
	r := runSnare(t, "--count", "-r", file, "udp")
	// Every UDP packet of the sample is IPv4 or IPv6 over Ethernet; the
	// IPv4 ones appear twice.
	udp4 := runSnare(t, "--count", "-r", samplePath, "ip and udp")
	want := atoiPackets(t, eth.stdout) + atoiPackets(t, udp4.stdout)
	if got := atoiPackets(t, r.stdout); r.code != 0 || got != want {
		t.Errorf("--count udp on two link types: %q (%s), want %d", r.stdout, r.stderr, want)
	}
	out := filepath.Join(t.TempDir(), "o.pcap")
	if r := runSnare(t, "-r", file, "-w", out); r.code != 1 || !strings.Contains(r.stderr, "--pcapng") {
		t.Errorf("pcap output of two link types: %+v", r)
	}
	ng := filepath.Join(t.TempDir(), "o.pcapng")
	if r := runSnare(t, "-r", file, "--pcapng", "-w", ng); r.code != 0 {
		t.Fatalf("--pcapng: %+v", r)
	}
	back, err := savefile.OpenFile(ng)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	n, onRaw := 0, 0
	for {
		_, ci, err := back.ReadPacketData()
		if err != nil {
			break
		}
		n++
		if ci.InterfaceIndex == 1 {
			onRaw++
		}
	}
	ifs := back.PcapNG().Interfaces()
	if len(ifs) != 2 || ifs[0].Name != "eth0" || ifs[1].Name != "tun0" || onRaw != nraw || n != 36+nraw {
		t.Errorf("pcapng copy: %d packets, %d on the raw interface (want %d), interfaces %+v", n, onRaw, nraw, ifs)
	}
}

func atoiPackets(t *testing.T, s string) int {
	t.Helper()
	var n int
	var word string
	if _, err := fmt.Sscan(s, &n, &word); err != nil {
		t.Fatalf("not a count: %q", s)
	}
	return n
}
