package savefile

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testenv"
	"github.com/snare-pcap/snare/link"
)

// tcpdumpPacket is what tcpdump -tt -nn -xx prints for a packet.
type tcpdumpPacket struct {
	ts   string // seconds.fraction as printed
	data []byte
}

func parseTcpdump(t *testing.T, out string) []tcpdumpPacket {
	var ps []tcpdumpPacket
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "\t0x") {
			if len(ps) == 0 {
				t.Fatalf("hex before a packet line: %q", line)
			}
			f := strings.Fields(line)
			for _, h := range f[1:] {
				b, err := hex.DecodeString(h)
				if err != nil {
					break // the ASCII column of -X, not printed with -xx
				}
				ps[len(ps)-1].data = append(ps[len(ps)-1].data, b...)
			}
			continue
		}
		ts, _, _ := strings.Cut(line, " ")
		ps = append(ps, tcpdumpPacket{ts: ts})
	}
	return ps
}

func epoch(ts time.Time, digits int) string {
	frac := ts.Nanosecond()
	if digits == 6 {
		frac /= 1000
	}
	return fmt.Sprintf("%d.%0*d", ts.Unix(), digits, frac)
}

// Files we write are read by tcpdump and tshark: same count, timestamps
// at full precision, same bytes.
func TestInteropWeWriteTheyRead(t *testing.T) {
	tcpdump := testenv.Tool(t, "tcpdump")
	ps := samplePackets(60)
	dir := t.TempDir()
	for _, format := range []Format{FormatPcap, FormatPcapNG} {
		for _, nano := range []bool{false, true} {
			for _, be := range []bool{false, true} {
				name := filepath.Join(dir, fmt.Sprintf("w-%v-%v-%v", format, nano, be))
				opts := CreateOptions{Format: format, LinkType: link.EN10MB, Nanosecond: nano}
				if be {
					opts.ByteOrder = bigEndian{}
				}
				w, err := Create(name, opts)
				if err != nil {
					t.Fatal(err)
				}
				writeAll(t, w, ps)
				args := []string{"-r", name, "-tt", "-nn", "-xx"}
				digits := 6
				if nano {
					args = append(args, "--nano")
					digits = 9
				}
				got := parseTcpdump(t, testenv.Run(t, tcpdump, args...))
				if len(got) != len(ps) {
					t.Fatalf("%s: tcpdump read %d packets, want %d", name, len(got), len(ps))
				}
				for i, p := range ps {
					if want := epoch(p.ci.Timestamp, digits); got[i].ts != want {
						t.Errorf("%s packet %d: tcpdump time %s, want %s", name, i+1, got[i].ts, want)
					}
					if !bytes.Equal(got[i].data, p.data) {
						t.Errorf("%s packet %d: tcpdump bytes differ", name, i+1)
					}
				}
				// tshark is slow to start: check two of the eight files.
				if tshark, err := exec.LookPath("tshark"); err == nil && nano == be {
					out := testenv.Run(t, tshark, "-r", name, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len")
					lines := strings.Split(strings.TrimSpace(out), "\n")
					if len(lines) != len(ps) {
						t.Fatalf("%s: tshark read %d packets, want %d", name, len(lines), len(ps))
					}
					for i, p := range ps {
						want := fmt.Sprintf("%s\t%d\t%d", epoch(p.ci.Timestamp, digits), p.ci.Length, len(p.data))
						if !nano {
							want = fmt.Sprintf("%s000\t%d\t%d", epoch(p.ci.Timestamp, 6), p.ci.Length, len(p.data))
						}
						if lines[i] != want {
							t.Errorf("%s packet %d: tshark says %q, want %q", name, i+1, lines[i], want)
						}
					}
				}
			}
		}
	}
}

type bigEndian struct{}

func (bigEndian) Uint16(b []byte) uint16 { return uint16(b[1]) | uint16(b[0])<<8 }
func (bigEndian) Uint32(b []byte) uint32 {
	return uint32(b[3]) | uint32(b[2])<<8 | uint32(b[1])<<16 | uint32(b[0])<<24
}
func (bigEndian) Uint64(b []byte) uint64 {
	return uint64(bigEndian{}.Uint32(b))<<32 | uint64(bigEndian{}.Uint32(b[4:]))
}
func (bigEndian) PutUint16(b []byte, v uint16) { b[0], b[1] = byte(v>>8), byte(v) }
func (bigEndian) PutUint32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
}
func (bigEndian) PutUint64(b []byte, v uint64) {
	bigEndian{}.PutUint32(b, uint32(v>>32))
	bigEndian{}.PutUint32(b[4:], uint32(v))
}
func (bigEndian) String() string { return "custom big-endian" }

func readEverything(t *testing.T, path string) (*File, []packet) {
	t.Helper()
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ps []packet
	for {
		d, ci, err := f.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		ps = append(ps, packet{ci, d})
	}
	f.Close()
	return f, ps
}

// Files written by editcap, mergecap and tshark read identically.
func TestInteropTheyWriteWeRead(t *testing.T) {
	editcap := testenv.Tool(t, "editcap")
	ps := samplePackets(80)
	dir := t.TempDir()
	src := filepath.Join(dir, "src.pcapng")
	w, err := Create(src, CreateOptions{Format: FormatPcapNG, LinkType: link.EN10MB, Nanosecond: true})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, ps)

	cases := []struct {
		name    string
		args    []string
		format  Format
		nano    bool
		comment bool
	}{
		{"pcap", []string{"-F", "pcap"}, FormatPcap, false, false},
		{"nsecpcap", []string{"-F", "nsecpcap"}, FormatPcap, true, false},
		{"modpcap", []string{"-F", "modpcap"}, FormatPcap, false, false},
		{"pcapng", []string{"-F", "pcapng"}, FormatPcapNG, true, false},
		{"comments", []string{"-F", "pcapng", "-a", "1:first packet", "-a", "3:third", "--capture-comment", "from editcap"}, FormatPcapNG, true, true},
	}
	for _, c := range cases {
		out := filepath.Join(dir, c.name)
		args := append(append([]string{}, c.args...), src, out)
		testenv.Run(t, editcap, args...)
		f, got := readEverything(t, out)
		if f.Format() != c.format || f.LinkType() != link.EN10MB {
			t.Errorf("%s: format %v link %v", c.name, f.Format(), f.LinkType())
		}
		if len(got) != len(ps) {
			t.Fatalf("%s: %d packets, want %d", c.name, len(got), len(ps))
		}
		for i, p := range ps {
			want := p.ci.Timestamp
			if !c.nano {
				want = want.Truncate(time.Microsecond)
			}
			if !got[i].ci.Timestamp.Equal(want) || got[i].ci.Length != p.ci.Length || !bytes.Equal(got[i].data, p.data) {
				t.Errorf("%s packet %d: %v %d/%d, want %v %d/%d", c.name, i+1, got[i].ci.Timestamp, len(got[i].data), got[i].ci.Length, want, len(p.data), p.ci.Length)
			}
		}
		if c.comment {
			sec := f.PcapNG().Section()
			if len(sec.Comments) != 1 || sec.Comments[0] != "from editcap" {
				t.Errorf("section comments %q", sec.Comments)
			}
		}
	}

	// Decryption secrets injected by editcap, and a file rewritten by tshark.
	keys := filepath.Join(dir, "keys.txt")
	keylog := "CLIENT_RANDOM " + strings.Repeat("ab", 32) + " " + strings.Repeat("cd", 48) + "\n"
	if err := os.WriteFile(keys, []byte(keylog), 0o644); err != nil {
		t.Fatal(err)
	}
	inj := filepath.Join(dir, "inject.pcapng")
	testenv.Run(t, editcap, "--inject-secrets", "tls,"+keys, src, inj)
	f, got := readEverything(t, inj)
	secrets := f.PcapNG().DecryptionSecrets()
	if len(got) != len(ps) || len(secrets) != 1 || secrets[0].Type != 0x544c534b || string(secrets[0].Data) != keylog {
		t.Errorf("--inject-secrets: %d packets, secrets %+v", len(got), secrets)
	}
	if tshark, err := exec.LookPath("tshark"); err == nil {
		out := filepath.Join(dir, "tshark.pcap")
		testenv.Run(t, tshark, "-r", src, "-w", out, "-F", "nsecpcap")
		f, got := readEverything(t, out)
		if f.Format() != FormatPcap || !f.Nanosecond() || len(got) != len(ps) {
			t.Fatalf("tshark -F nsecpcap: format %v nano %v, %d packets", f.Format(), f.Nanosecond(), len(got))
		}
		for i, p := range ps {
			if !got[i].ci.Timestamp.Equal(p.ci.Timestamp) || !bytes.Equal(got[i].data, p.data) {
				t.Errorf("tshark packet %d differs", i+1)
			}
		}
	}

	// Packet comments through the pcapng reader.
	f, err = OpenFile(filepath.Join(dir, "comments"))
	if err != nil {
		t.Fatal(err)
	}
	var comments []string
	for {
		_, _, err := f.ZeroCopyReadPacketData()
		if err != nil {
			break
		}
		comments = append(comments, strings.Join(f.PcapNG().PacketOptions().Comments, "|"))
	}
	f.Close()
	if len(comments) != len(ps) || comments[0] != "first packet" || comments[1] != "" || comments[2] != "third" {
		t.Errorf("packet comments %q", comments[:min(4, len(comments))])
	}
}

// mergecap of two files with different link types gives a pcapng with two
// interfaces; each packet keeps its interface and link type.
func TestInteropMergecap(t *testing.T) {
	mergecap := testenv.Tool(t, "mergecap")
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.pcap"), filepath.Join(dir, "b.pcap")
	t0 := time.Unix(1700000000, 0)
	wa, _ := Create(a, CreateOptions{LinkType: link.EN10MB})
	wb, _ := Create(b, CreateOptions{LinkType: link.Raw, Nanosecond: true})
	for i := 0; i < 10; i++ {
		wa.WritePacket(snare.CaptureInfo{Timestamp: t0.Add(time.Duration(2*i) * time.Millisecond)}, bytes.Repeat([]byte{0xaa}, 60))
		ip := []byte{0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, byte(i)}
		wb.WritePacket(snare.CaptureInfo{Timestamp: t0.Add(time.Duration(2*i+1)*time.Millisecond + 7)}, ip)
	}
	wa.Close()
	wb.Close()
	m := filepath.Join(dir, "m.pcapng")
	testenv.Run(t, mergecap, "-w", m, a, b)
	f, got := readEverything(t, m)
	if f.Format() != FormatPcapNG || len(f.PcapNG().Interfaces()) != 2 {
		t.Fatalf("format %v, %d interfaces", f.Format(), len(f.PcapNG().Interfaces()))
	}
	if len(got) != 20 {
		t.Fatalf("%d packets", len(got))
	}
	for i, p := range got {
		wantLT, wantIf := link.EN10MB, 0
		if i%2 == 1 {
			wantLT, wantIf = link.Raw, 1
		}
		if p.ci.LinkType != wantLT || p.ci.InterfaceIndex != wantIf {
			t.Errorf("packet %d: link %v interface %d, want %v %d", i+1, p.ci.LinkType, p.ci.InterfaceIndex, wantLT, wantIf)
		}
	}
	// The Raw interface had nanosecond resolution.
	if want := t0.Add(time.Millisecond + 7); !got[1].ci.Timestamp.Equal(want) {
		t.Errorf("packet 2 at %v, want %v", got[1].ci.Timestamp, want)
	}
}

// libpcap's own test captures (pcap and pcapng): we read as many packets
// as tcpdump does, with the same timestamps.
func TestInteropLibpcapCaptures(t *testing.T) {
	tcpdump := testenv.Tool(t, "tcpdump")
	files, _ := filepath.Glob(filepath.Join(testenv.Shared(t, "testdata", "libpcap-filter", "captures"), "*"))
	if len(files) == 0 {
		t.Fatal("no files in libpcap-filter/captures")
	}
	total := 0
	defer func() {
		if total == 0 {
			t.Error("no packets compared")
		}
	}()
	for _, p := range files {
		out, err := exec.Command(tcpdump, "-r", p, "-tt", "--nano", "-nn", "-q").Output()
		if err != nil {
			t.Errorf("tcpdump -r %s: %v", p, err)
			continue
		}
		var stamps []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if ts, _, ok := strings.Cut(line, " "); ok && strings.Contains(ts, ".") {
				if _, err := strconv.ParseFloat(ts, 64); err == nil {
					stamps = append(stamps, ts)
				}
			}
		}
		_, got := readEverything(t, p)
		if len(got) != len(stamps) {
			t.Errorf("%s: %d packets, tcpdump printed %d", p, len(got), len(stamps))
			continue
		}
		total += len(got)
		for i := range got {
			if want := epoch(got[i].ci.Timestamp, 9); stamps[i] != want {
				t.Errorf("%s packet %d: tcpdump says %s, we say %s", p, i+1, stamps[i], want)
				break
			}
		}
	}
}
