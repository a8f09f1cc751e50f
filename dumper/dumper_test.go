package dumper

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/pcapfile"
	"github.com/snare-pcap/snare/pcapng"
)

// testPackets returns n deterministic Ethernet frames of 60 to 1514
// bytes, 10 µs apart.
func testPackets(n int) ([][]byte, []snare.CaptureInfo) {
	var data [][]byte
	var cis []snare.CaptureInfo
	x := uint32(12345)
	t0 := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	for i := 0; i < n; i++ {
		x = x*1664525 + 1013904223
		size := 60 + int(x>>8)%1455
		p := make([]byte, size)
		for j := range p {
			p[j] = byte(i + j)
		}
		binary.BigEndian.PutUint16(p[12:], 0x88b5) // local experimental ethertype
		data = append(data, p)
		cis = append(cis, snare.CaptureInfo{
			Timestamp: t0.Add(time.Duration(i) * 10 * time.Microsecond), CaptureLength: size, Length: size, LinkType: link.Type(1),
		})
	}
	return data, cis
}

// writeInput writes the packets as a pcap file.
func writeInput(t *testing.T, path string, data [][]byte, cis []snare.CaptureInfo) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pcapfile.NewWriter(f, pcapfile.WriterOptions{LinkType: 1, SnapLen: 65535})
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		if err := w.WritePacket(cis[i], data[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// fileDigest maps each file in dir to its size and hash.
func fileDigest(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d %x", e.Name(), len(b), sha256.Sum256(b)))
	}
	sort.Strings(out)
	return out
}

// TestSizeRotationLikeTcpdump writes the same packets with tcpdump -C/-W
// and with a Dumper, and compares the files: names, sizes and bytes.
func TestSizeRotationLikeTcpdump(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump is not installed; .ci/run installs it")
	}
	data, cis := testPackets(6000) // about 4.4 MB
	in := filepath.Join(t.TempDir(), "in.pcap")
	writeInput(t, in, data, cis)
	for _, c := range []struct {
		mb, count int
	}{{1, 0}, {1, 3}, {1, 11}, {2, 2}, {1, 1}} {
		t.Run(fmt.Sprintf("C%d_W%d", c.mb, c.count), func(t *testing.T) {
			ref, ours := t.TempDir(), t.TempDir()
			args := []string{"-r", in, "-w", filepath.Join(ref, "out"), "-C", fmt.Sprint(c.mb)}
			if c.count > 0 {
				args = append(args, "-W", fmt.Sprint(c.count))
			}
			if os.Geteuid() == 0 {
				// tcpdump drops to its own user before opening -w
				// files; stay root so it can write in the test's
				// private directory.
				args = append(args, "-Z", "root")
			}
			if out, err := exec.Command(tcpdump, args...).CombinedOutput(); err != nil {
				t.Fatalf("tcpdump %q: %v\n%s", args, err, out)
			}
			d, err := Open(Options{
				Name:      filepath.Join(ours, "out"),
				Format:    Pcap{LinkType: 1, SnapLen: 65535},
				FileSize:  int64(c.mb) * 1000000,
				FileCount: c.count,
			})
			if err != nil {
				t.Fatal(err)
			}
			for i := range data {
				if err := d.WritePacket(cis[i], data[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
			want, got := fileDigest(t, ref), fileDigest(t, ours)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("files differ from tcpdump's:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestPostRotate checks that PostRotate sees each file closed by a
// rotation, in order, and not the last one.
func TestPostRotate(t *testing.T) {
	data, cis := testPackets(3000)
	dir := t.TempDir()
	var rotated []string
	d, err := Open(Options{
		Name: filepath.Join(dir, "f"), Format: Pcap{LinkType: 1}, FileSize: 1000000,
		PostRotate: func(name string) { rotated = append(rotated, filepath.Base(name)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		if err := d.WritePacket(cis[i], data[i]); err != nil {
			t.Fatal(err)
		}
	}
	last := filepath.Base(d.FileName())
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if len(rotated) != d.Files()-1 || len(rotated) < 1 {
		t.Fatalf("rotated %q, %d files", rotated, d.Files())
	}
	for i, name := range rotated {
		want := "f"
		if i > 0 {
			want = fmt.Sprintf("f%d", i)
		}
		if name != want {
			t.Errorf("rotation %d closed %q, want %q", i, name, want)
		}
	}
	if last != fmt.Sprintf("f%d", len(rotated)) {
		t.Errorf("last file %q", last)
	}
}

// TestTimeRotation drives -G with a fake clock: a new file every 10 s,
// named by strftime, and ErrFileLimit after -W files.
func TestTimeRotation(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	data, cis := testPackets(8)
	var rotated []string
	d, err := Open(Options{
		Name: filepath.Join(dir, "cap-%H%M%S.pcap"), Format: Pcap{LinkType: 1}, RotateEvery: 10 * time.Second,
		FileCount: 3, Now: clock, PostRotate: func(n string) { rotated = append(rotated, filepath.Base(n)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	var limitAt = -1
	for i := range data {
		err := d.WritePacket(cis[i], data[i])
		if errors.Is(err, ErrFileLimit) {
			limitAt = i
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(5 * time.Second)
	}
	d.Close()
	// Packets at 0,5 s -> file 1; 10,15 -> file 2; 20,25 -> file 3; 30: limit.
	if limitAt != 6 {
		t.Errorf("limit reached at packet %d, want 6", limitAt)
	}
	want := []string{"cap-030400.pcap", "cap-030410.pcap", "cap-030420.pcap"}
	if strings.Join(rotated, " ") != strings.Join(want, " ") {
		t.Errorf("rotated %q, want %q", rotated, want)
	}
	for _, name := range want {
		r := readAll(t, filepath.Join(dir, name))
		if r != 2 {
			t.Errorf("%s holds %d packets, want 2", name, r)
		}
	}
}

// readAll counts a pcap file's packets.
func readAll(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapfile.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, _, err := r.ReadPacketData()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
}

// TestRecordSize checks the formats' size accounting against the bytes
// actually written, which size rotation depends on.
func TestRecordSize(t *testing.T) {
	data, cis := testPackets(50)
	for i := range cis {
		cis[i].Direction = snare.Direction(i % 3)
	}
	for _, f := range []Format{
		Pcap{LinkType: 1, SnapLen: 200},
		Pcap{LinkType: 1, Nanosecond: true},
		Pcapng{Section: pcapng.WriterOptions{UserApplication: "snare test", Comments: []string{"c"}},
			Interfaces: []pcapng.Interface{{LinkType: 1, Name: "eth0", SnapLen: 65535}}},
	} {
		var buf bytes.Buffer
		w, n, err := f.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for i := range data {
			if err := w.WritePacket(cis[i], data[i]); err != nil {
				t.Fatal(err)
			}
			n += f.RecordSize(cis[i], data[i])
		}
		if ng, ok := f.(Pcapng); ok {
			// Packets with options.
			opts := []pcapng.PacketOptions{
				{Comments: []string{"a", "three", "four"}},
				{Flags: 0x10, HasFlags: true, DropCount: 3, HasDropCount: true},
				{Hashes: []pcapng.Hash{{Algorithm: 2, Value: []byte{1, 2, 3, 4}}}, PacketID: 9, Queue: 1},
			}
			for i, o := range opts {
				if err := w.(*pcapng.Writer).WritePacketWithOptions(cis[i], data[i], o); err != nil {
					t.Fatal(err)
				}
				n += ng.recordSizeOptions(cis[i], data[i], &o)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if int64(buf.Len()) != n {
			t.Errorf("%T: wrote %d bytes, accounted %d", f, buf.Len(), n)
		}
	}
}

func TestNumberWidth(t *testing.T) {
	for n, want := range map[int]int{1: 0, 2: 1, 10: 1, 11: 2, 100: 2, 101: 3} {
		if got := numberWidth(n); got != want {
			t.Errorf("numberWidth(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestStrftimeLikeDate compares Strftime with date(1), which formats
// with the C library's strftime.
func TestStrftimeLikeDate(t *testing.T) {
	date, err := exec.LookPath("date")
	if err != nil {
		t.Skip("date(1) not found")
	}
	pattern := "%a %A %b %B %C %d %D %e %F %g %G %h %H %I %j %k %l %m %M %p %R %s %S %T %u %U %V %w %W %y %Y %z %Z %% %Q"
	for _, ts := range []int64{0, 951782400, 1700000000, 1735787045, 1704067199, 1230768000, 2000000000} {
		tm := time.Unix(ts, 0).UTC()
		cmd := exec.Command(date, "-u", "-d", fmt.Sprintf("@%d", ts), "+"+pattern)
		cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(string(out), "\n")
		if got := Strftime(pattern, tm); got != want {
			t.Errorf("at %d:\n got %q\nwant %q", ts, got, want)
		}
	}
}

// TestStdout writes to standard output's stand-in.
func TestStdout(t *testing.T) {
	var buf bytes.Buffer
	d, err := Open(Options{Name: "-", Stdout: &buf, Format: Pcap{LinkType: 1}})
	if err != nil {
		t.Fatal(err)
	}
	data, cis := testPackets(3)
	for i := range data {
		if err := d.WritePacket(cis[i], data[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	want := int64(24)
	for i := range data {
		want += int64(16 + len(data[i]))
	}
	if int64(buf.Len()) != want {
		t.Errorf("wrote %d bytes, want %d", buf.Len(), want)
	}
	if _, err := Open(Options{Name: "-", Format: Pcap{LinkType: 1}, FileSize: 1}); err == nil {
		t.Error("rotating standard output was accepted")
	}
}

// FuzzStrftime: any pattern expands without panic, and text without a
// '%' is kept as is.
func FuzzStrftime(f *testing.F) {
	for _, s := range []string{"cap-%Y%m%d-%H%M%S.pcap", "%", "%%%", "plain", "%Q%z%Z%s", "%e%k%l%j%U%W%V%G%g"} {
		f.Add(s, int64(1700000000))
	}
	f.Fuzz(func(t *testing.T, pattern string, sec int64) {
		tm := time.Unix(sec%(1<<40), 0).UTC()
		out := Strftime(pattern, tm)
		if !strings.Contains(pattern, "%") && out != pattern {
			t.Fatalf("Strftime(%q) = %q", pattern, out)
		}
	})
}

// TestAddInterface declares a second pcapng interface mid-file: the
// size accounting stays exact and a rotated file declares both.
func TestAddInterface(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(Options{
		Name:     filepath.Join(dir, "ng"),
		Format:   Pcapng{Interfaces: []pcapng.Interface{{LinkType: 1, Name: "eth0"}}},
		FileSize: 200000,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddInterface(pcapng.Interface{LinkType: 1, Name: "eth1", Description: "second", Comments: []string{"added late"}}); err != nil {
		t.Fatal(err)
	}
	data, cis := testPackets(400)
	for i := range data {
		cis[i].InterfaceIndex = i % 2
		if i == 10 {
			if err := d.Flush(); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(d.FileName())
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() != d.Size() {
				t.Fatalf("file has %d bytes, dumper counted %d", fi.Size(), d.Size())
			}
		}
		if err := d.WritePacket(cis[i], data[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if d.Files() < 2 {
		t.Fatalf("no rotation (%d files)", d.Files())
	}
	f, err := os.Open(d.FileName())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapng.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, _, err := r.ReadPacketData(); err != nil {
			break
		}
	}
	if ifs := r.Interfaces(); len(ifs) != 2 || ifs[1].Name != "eth1" {
		t.Errorf("rotated file declares %+v", ifs)
	}
}
