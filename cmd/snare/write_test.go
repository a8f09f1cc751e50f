package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/pcapng"
	"github.com/snare-pcap/snare/savefile"
)

// TestPcapngOutput writes the sample as pcapng and checks that tcpdump
// and tshark read the same packets back.
func TestPcapngOutput(t *testing.T) {
	needTcpdump(t)
	want := printedByTcpdump(t, samplePath)
	out := filepath.Join(t.TempDir(), "s.pcapng")
	if r := runSnare(t, "-r", samplePath, "--pcapng", "-w", out); r.code != 0 {
		t.Fatalf("snare --pcapng: %+v", r)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 4 || string(b[:4]) != "\x0a\x0d\x0d\x0a" {
		t.Fatalf("output does not start with a pcapng section header: % x", b[:min(8, len(b))])
	}
	if got := printedByTcpdump(t, out); got != want {
		t.Errorf("tcpdump reads the pcapng copy differently:\n%s\nwant\n%s", got, want)
	}
}

// TestPcapngKeepsComments adds comments with editcap, copies the file
// through snare --pcapng, and reads the comments back with tshark.
func TestPcapngKeepsComments(t *testing.T) {
	editcap, err1 := exec.LookPath("editcap")
	tshark, err2 := exec.LookPath("tshark")
	if err1 != nil || err2 != nil {
		t.Skip("editcap and tshark are needed; .ci/run installs them")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pcapng")
	if out, err := exec.Command(editcap, "-F", "pcapng", "-a", "3:third packet", "-a", "7:seventh, with comma",
		samplePath, in).CombinedOutput(); err != nil {
		t.Fatalf("editcap: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "out.pcapng")
	if r := runSnare(t, "-r", in, "--pcapng", "-w", out); r.code != 0 {
		t.Fatalf("snare: %+v", r)
	}
	fields := func(file string) string {
		t.Helper()
		b, err := exec.Command(tshark, "-r", file, "-T", "fields", "-e", "frame.number", "-e", "frame.comment",
			"-Y", "frame.comment").Output()
		if err != nil {
			t.Fatalf("tshark -r %s: %v", file, err)
		}
		return string(b)
	}
	want, got := fields(in), fields(out)
	if !strings.Contains(want, "third packet") {
		t.Fatalf("editcap did not add the comment: %q", want)
	}
	if got != want {
		t.Errorf("comments after snare: %q, want %q", got, want)
	}
}

// TestRotationCLI runs -C/-W through the command and compares the
// files with tcpdump's for the same input.
func TestRotationCLI(t *testing.T) {
	tcpdumpPath := needTcpdump(t)
	// Make an input of a few MB by repeating the sample through -V.
	dir := t.TempDir()
	abs, _ := filepath.Abs(samplePath)
	list := filepath.Join(dir, "list")
	if err := os.WriteFile(list, []byte(strings.Repeat(abs+"\n", 800)), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.pcap")
	if r := runSnare(t, "-V", list, "-w", big); r.code != 0 {
		t.Fatalf("building the input: %+v", r)
	}
	for _, spec := range [][]string{{"-C", "1"}, {"-C", "1", "-W", "2"}, {"-C", "1", "-W", "12"}} {
		t.Run(strings.Join(spec, ""), func(t *testing.T) {
			ref, ours := t.TempDir(), t.TempDir()
			args := append([]string{"-r", big, "-w", filepath.Join(ref, "rot")}, spec...)
			if os.Geteuid() == 0 {
				args = append(args, "-Z", "root")
			}
			if out, err := exec.Command(tcpdumpPath, args...).CombinedOutput(); err != nil {
				t.Fatalf("tcpdump: %v\n%s", err, out)
			}
			r := runSnare(t, append([]string{"-r", big, "-w", filepath.Join(ours, "rot")}, spec...)...)
			if r.code != 0 {
				t.Fatalf("snare: %+v", r)
			}
			want, got := dirSummary(t, ref), dirSummary(t, ours)
			if got != want {
				t.Errorf("files:\n%s\nwant (tcpdump):\n%s", got, want)
			}
		})
	}
}

// dirSummary lists a directory's files with their sizes and packet
// counts as tcpdump --count reads them.
func dirSummary(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range ents {
		info, _ := e.Info()
		r := tcpdump(t, "--count", "-r", filepath.Join(dir, e.Name()))
		b.WriteString(e.Name() + " " + strconv.FormatInt(info.Size(), 10) + " " + strings.TrimSpace(r.stdout) + "\n")
	}
	return b.String()
}

// TestPostRotateCommand checks -z: the command runs on each file closed
// by a rotation.
func TestPostRotateCommand(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs(samplePath)
	list := filepath.Join(dir, "list")
	if err := os.WriteFile(list, []byte(strings.Repeat(abs+"\n", 700)), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "post.sh")
	logf := filepath.Join(dir, "log")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" >> "+logf+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := runSnare(t, "-V", list, "-w", filepath.Join(dir, "out"), "-C", "1", "-z", script)
	if r.code != 0 {
		t.Fatalf("snare: %+v", r)
	}
	// 700 × 3644 bytes of records ≈ 2.55 MB: files out, out1, out2;
	// the first two were rotated.
	var logged []byte
	for i := 0; i < 100; i++ { // the command is not waited for
		logged, _ = os.ReadFile(logf)
		if strings.Count(string(logged), "\n") >= 2 {
			break
		}
		exec.Command("sleep", "0.05").Run()
	}
	var got []string
	for _, f := range strings.Fields(string(logged)) {
		got = append(got, filepath.Base(f))
	}
	sort.Strings(got)
	if strings.Join(got, " ") != "out out1" {
		t.Errorf("-z ran on %q, want out and out1", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "out2")); err != nil {
		t.Errorf("no third file: %v", err)
	}
}

// TestPrintWhileWriting checks --print: packets are printed and written.
func TestPrintWhileWriting(t *testing.T) {
	out := filepath.Join(t.TempDir(), "p.pcap")
	plain := runSnare(t, "-nn", "-r", samplePath, "udp")
	r := runSnare(t, "-nn", "--print", "-w", out, "-r", samplePath, "udp")
	if r.code != 0 || r.stdout != plain.stdout || plain.stdout == "" {
		t.Errorf("--print -w printed %q, want %q", r.stdout, plain.stdout)
	}
	if n := strings.Count(plain.stdout, "\n"); runSnare(t, "--count", "-r", out).stdout != strconv.Itoa(n)+" packets\n" {
		t.Errorf("the -w file does not hold the %d printed packets", n)
	}
	if r := runSnare(t, "-nn", "-w", out, "-r", samplePath); r.stdout != "" {
		t.Errorf("-w without --print printed %q", r.stdout)
	}
}

// TestTimeRotationNames checks -G's strftime names: one file (the read
// takes far less than -G's period) named from the current time, with no
// number appended.
func TestTimeRotationNames(t *testing.T) {
	dir := t.TempDir()
	before := time.Now().UTC()
	r := runSnare(t, "-r", samplePath, "-w", filepath.Join(dir, "cap-%Y%m%d.pcap"), "-G", "3600")
	after := time.Now().UTC()
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("%d files", len(ents))
	}
	name := ents[0].Name()
	if name != "cap-"+before.Format("20060102")+".pcap" && name != "cap-"+after.Format("20060102")+".pcap" {
		t.Errorf("file %q", name)
	}
}

// TestDropPrivileges checks -Z: an unknown user fails as in tcpdump;
// a known one leaves the output file written.
func TestDropPrivileges(t *testing.T) {
	needTcpdump(t)
	want := tcpdump(t, "-r", samplePath, "-Z", "no-such-user-snare", "-w", "/dev/null")
	got := runSnare(t, "-r", samplePath, "-Z", "no-such-user-snare", "-w", "/dev/null")
	if got.code != 1 || want.code != 1 || lastLine(got.stderr) != strings.Replace(lastLine(want.stderr), "tcpdump", "snare", 1) {
		t.Errorf("-Z unknown: %+v, tcpdump %+v", got, want)
	}
	if os.Geteuid() != 0 {
		t.Skip("dropping to another user needs root")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "z.pcap")
	r := runSnare(t, "-r", samplePath, "-Z", "nobody", "-w", out)
	if r.code != 0 {
		t.Fatalf("-Z nobody: %+v", r)
	}
	if c := runSnare(t, "--count", "-r", out); c.stdout != "36 packets\n" {
		t.Errorf("file written before dropping privileges: %q", c.stdout)
	}
}

// TestPcapngKeepsInterfacesAndComments copies a pcapng file with three
// interfaces (names, descriptions, one declared after packets of the
// others), packet comments and direction flags through
// "snare -r in.pcapng --pcapng -w out.pcapng", whole and filtered, and
// reads both files with tshark: every packet must keep its interface's
// name and description, its comments and its flags.
func TestPcapngKeepsInterfacesAndComments(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark is needed; .ci/run installs it")
	}
	in := namedInterfacesFile(t)
	dir := t.TempDir()
	fields := func(file, display string) string {
		t.Helper()
		args := []string{"-r", file, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name",
			"-e", "frame.interface_description", "-e", "frame.comment", "-e", "frame.packet_flags_direction",
			"-e", "frame.len", "-e", "frame.time_epoch"}
		if display != "" {
			args = append(args, "-Y", display)
		}
		b, err := exec.Command(tshark, args...).Output()
		if err != nil {
			t.Fatalf("tshark -r %s: %v", file, err)
		}
		return string(b)
	}
	for _, c := range []struct{ filter, display string }{{"", ""}, {"udp", "udp && !icmp && !icmpv6 && !vlan"}} {
		out := filepath.Join(dir, "out"+c.filter+".pcapng")
		args := []string{"-r", in, "--pcapng", "-w", out}
		if c.filter != "" {
			args = append(args, c.filter)
		}
		if r := runSnare(t, args...); r.code != 0 {
			t.Fatalf("snare %q: %+v", args, r)
		}
		// The display filter is what the capture filter matches: UDP
		// directly over IPv4 or IPv6 (not inside ICMP errors, not tagged).
		want, got := fields(in, c.display), fields(out, "")
		for _, s := range []string{"|uplink|", "eth1|backup|", "tun0|", "first comment", "0x00000001"} {
			if c.filter == "" && !strings.Contains(want, s) {
				t.Fatalf("the input lacks %q; tshark reads:\n%s", s, want)
			}
		}
		if got != want {
			t.Errorf("filter %q: tshark reads the copy as\n%s\nwant\n%s", c.filter, got, want)
		}
	}
}

// namedInterfacesFile writes the sample's packets as pcapng over three
// interfaces: eth0 ("uplink") and eth1 ("backup") in turn, and from the
// tenth packet on every third one again on tun0 (raw IP, declared only
// then) when it is IPv4. Every fourth packet has a comment, every fifth
// a direction flag.
func namedInterfacesFile(t *testing.T) string {
	t.Helper()
	in, err := savefile.Open(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	name := filepath.Join(t.TempDir(), "named.pcapng")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := pcapng.NewWriter(f, pcapng.WriterOptions{UserApplication: "snare test"})
	if err != nil {
		t.Fatal(err)
	}
	w.AddInterface(pcapng.Interface{LinkType: 1, Name: "eth0", Description: "uplink", SnapLen: 262144, TSResolution: pcapng.Microsecond})
	w.AddInterface(pcapng.Interface{LinkType: 1, Name: "eth1", Description: "backup", SnapLen: 262144, TSResolution: pcapng.Microsecond})
	raw, _ := link.ByName("RAW")
	for i := 0; ; i++ {
		data, ci, err := in.ReadPacketData()
		if err != nil {
			break
		}
		var o pcapng.PacketOptions
		if i%4 == 0 {
			o.Comments = []string{fmt.Sprintf("comment on packet %d", i)}
			if i == 0 {
				o.Comments[0] = "first comment"
			}
		}
		if i%5 == 0 {
			o.Flags, o.HasFlags = 1, true // inbound
		}
		ci.InterfaceIndex = i % 2
		if err := w.WritePacketWithOptions(ci, data, o); err != nil {
			t.Fatal(err)
		}
		if i == 10 {
			w.AddInterface(pcapng.Interface{LinkType: raw, Name: "tun0", SnapLen: 262144, TSResolution: pcapng.Microsecond})
		}
		if i >= 10 && i%3 == 0 && data[12] == 0x08 && data[13] == 0x00 {
			ci.InterfaceIndex = 2
			ci.CaptureLength -= 14
			ci.Length -= 14
			if err := w.WritePacketWithOptions(ci, data[14:], pcapng.PacketOptions{Comments: []string{"on tun0"}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}
