package pcapfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pseudoPackets returns packets for link types with host-order
// pseudo-headers, with field values that show a swap.
func pseudoPackets(lt uint32) [][]byte {
	var ps [][]byte
	switch lt {
	case 113: // Linux cooked, CAN and CAN FD, and an IPv4 one left alone
		for _, proto := range []uint16{0x000c, 0x000d, 0x0800} {
			p := make([]byte, 16+16)
			binary.BigEndian.PutUint16(p[14:], proto)
			copy(p[16:], []byte{1, 2, 3, 4, 8, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9})
			ps = append(ps, p)
		}
		ps = append(ps, ps[0][:18]) // too short for the CAN ID
	case 220, 189: // usbmon: isochronous with descriptors, and bulk
		for _, tt := range []byte{0, 3} {
			p := make([]byte, 64+2*16+8)
			for i := range p {
				p[i] = byte(i)
			}
			p[9] = tt
			binary.BigEndian.PutUint32(p[60:], 2) // ndesc, big-endian
			ps = append(ps, p)
			ps = append(ps, p[:30]) // cut inside the header
		}
	case 239: // NFLOG: header then TLVs with big-endian type/length
		p := []byte{2, 0, 0, 1}
		p = append(p, 0, 8, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd) // length 8, type 1
		p = append(p, 0, 5, 0, 10, 'x', 0, 0, 0)          // length 5 (padded to 8), type 10
		ps = append(ps, p)
		ps = append(ps, []byte{2, 1, 0, 1, 0, 8, 0, 1}) // version 1: left alone
	}
	return ps
}

// A big-endian file's pseudo-headers come out as libpcap (tcpdump -xx)
// gives them on this host.
func TestPseudoHeaderSwapMatchesLibpcap(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump not installed")
	}
	if hostBigEndian {
		t.Skip("test is written for a little-endian host")
	}
	dir := t.TempDir()
	for _, lt := range []uint32{113, 189, 220, 239} {
		var recs []rec
		for i, p := range pseudoPackets(lt) {
			recs = append(recs, rec{uint32(1000 + i), 0, uint32(len(p)), uint32(len(p)), append([]byte(nil), p...)})
		}
		file := build(binary.BigEndian, MagicMicroseconds, 2, 4, 0, lt, recs)
		path := filepath.Join(dir, "be.pcap")
		if err := os.WriteFile(path, file, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tcpdump, "-r", path, "-xx", "-q", "-tt", "-nn").Output()
		if err != nil {
			t.Fatalf("tcpdump: %v", err)
		}
		var want [][]byte
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			line := sc.Text()
			if !strings.HasPrefix(line, "\t0x") {
				if strings.HasPrefix(line, "100") { // timestamp of a new packet
					want = append(want, nil)
				}
				continue
			}
			for _, h := range strings.Fields(line)[1:] {
				b, err := hex.DecodeString(h)
				if err != nil {
					break
				}
				want[len(want)-1] = append(want[len(want)-1], b...)
			}
		}
		r, err := NewReader(bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		ds, _, _ := readAll(t, r)
		if len(ds) != len(want) {
			t.Fatalf("linktype %d: %d packets, tcpdump printed %d", lt, len(ds), len(want))
		}
		changed := false
		for i := range ds {
			if !bytes.Equal(ds[i], want[i]) {
				t.Errorf("linktype %d packet %d:\n got % x\nwant % x", lt, i+1, ds[i], want[i])
			}
			if !bytes.Equal(ds[i], recs[i].data) {
				changed = true
			}
		}
		if !changed {
			t.Errorf("linktype %d: no packet was swapped; the test shows nothing", lt)
		}
		// A little-endian file of the same type is left alone.
		le := build(binary.LittleEndian, MagicMicroseconds, 2, 4, 0, lt, recs)
		r, _ = NewReader(bytes.NewReader(le))
		ds, _, _ = readAll(t, r)
		for i := range ds {
			if !bytes.Equal(ds[i], recs[i].data) {
				t.Errorf("linktype %d LE packet %d changed", lt, i+1)
			}
		}
	}
}
