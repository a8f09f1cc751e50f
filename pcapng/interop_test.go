package pcapng

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testenv"
	"github.com/snare-pcap/snare/link"
)

// epoch formats a time as tshark's frame.time_epoch and tcpdump -tt
// --nano do.
func epoch(ts time.Time) string {
	return fmt.Sprintf("%d.%09d", ts.Unix(), ts.Nanosecond())
}

// testPacket makes an Ethernet frame with an experimental EtherType and
// random content, seeded by i.
func testPacket(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	if n >= 14 {
		b[12], b[13] = 0x88, 0xb5
	}
	return b
}

type written struct {
	ci      snare.CaptureInfo
	data    []byte
	comment []string
}

// TestToolsReadOurFiles writes a file with two interfaces (µs and ns),
// comments and directions, and checks that tcpdump and tshark read the
// same packets, time stamps, bytes, comments and interface names.
func TestToolsReadOurFiles(t *testing.T) {
	testenv.Tool(t, "tcpdump")
	testenv.Tool(t, "tshark")
	for _, big := range []bool{false, true} {
		t.Run(fmt.Sprintf("bigendian=%v", big), func(t *testing.T) { toolsReadOurFile(t, big) })
	}
}

func toolsReadOurFile(t *testing.T, big bool) {
	path := filepath.Join(t.TempDir(), "ours.pcapng")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(f, WriterOptions{Hardware: "test hw", OS: "Linux", UserApplication: "snare test", Comments: []string{"section comment"}, BigEndian: big})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"eth0", "veth1"}
	if _, err := w.AddInterface(Interface{LinkType: link.Type(1), SnapLen: 65535, Name: names[0], Description: "first", TSResolution: Microsecond}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddInterface(Interface{LinkType: link.Type(1), SnapLen: 65535, Name: names[1], Filter: "tcp"}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var pkts []written
	base := time.Unix(1700000000, 0)
	for i := 0; i < 200; i++ {
		ifc := i % 2
		ts := base.Add(time.Duration(rng.Int64N(int64(time.Hour))))
		if ifc == 0 {
			ts = ts.Truncate(time.Microsecond)
		}
		n := 14 + rng.IntN(300)
		data := testPacket(rng, n)
		ci := snare.CaptureInfo{Timestamp: ts, Length: n + rng.IntN(3)*100, InterfaceIndex: ifc, Direction: snare.Direction(rng.IntN(3))}
		var comments []string
		if i%7 == 0 {
			comments = []string{fmt.Sprintf("packet %d", i)}
		}
		if i%21 == 0 {
			comments = append(comments, "second, comment")
		}
		if err := w.WritePacketWithOptions(ci, data, PacketOptions{Comments: comments}); err != nil {
			t.Fatal(err)
		}
		ci.CaptureLength = n
		pkts = append(pkts, written{ci, data, comments})
	}
	w.SetInterfaceStatistics(0, InterfaceStatistics{Received: 100, Dropped: 2})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// tcpdump: count, time stamps at ns precision, bytes.
	out := testenv.Run(t, "tcpdump", "-r", path, "-nn", "-tt", "--nano", "-xx")
	var got []written
	for _, line := range strings.Split(out, "\n") {
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "\t0x") {
			hx := strings.ReplaceAll(strings.TrimSpace(line[strings.Index(line, ":")+1:]), " ", "")
			b, err := hex.DecodeString(hx)
			if err != nil {
				t.Fatalf("tcpdump line %q: %v", line, err)
			}
			got[len(got)-1].data = append(got[len(got)-1].data, b...)
			continue
		}
		ts, _, _ := strings.Cut(line, " ")
		got = append(got, written{comment: []string{ts}})
	}
	if len(got) != len(pkts) {
		t.Fatalf("tcpdump read %d packets, want %d", len(got), len(pkts))
	}
	for i := range pkts {
		if got[i].comment[0] != epoch(pkts[i].ci.Timestamp) || !bytes.Equal(got[i].data, pkts[i].data) {
			t.Errorf("tcpdump packet %d: %s %x\nwant %s %x", i+1, got[i].comment[0], got[i].data, epoch(pkts[i].ci.Timestamp), pkts[i].data)
		}
	}

	// tshark: time stamps, lengths, comments, interfaces, direction.
	out = testenv.Run(t, "tshark", "-r", path, "-T", "fields", "-E", "separator=|", "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len",
		"-e", "frame.comment", "-e", "frame.interface_id", "-e", "frame.interface_name", "-e", "frame.packet_flags_direction")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(pkts) {
		t.Fatalf("tshark read %d packets, want %d", len(lines), len(pkts))
	}
	for i, p := range pkts {
		dir := ""
		if p.ci.Direction != snare.DirectionUnknown {
			dir = fmt.Sprintf("0x%08x", int(p.ci.Direction))
		}
		want := fmt.Sprintf("%s|%d|%d|%s|%d|%s|%s", epoch(p.ci.Timestamp), max(p.ci.Length, p.ci.CaptureLength), p.ci.CaptureLength,
			strings.Join(p.comment, ","), p.ci.InterfaceIndex, names[p.ci.InterfaceIndex], dir)
		if lines[i] != want {
			t.Errorf("tshark packet %d: %q\nwant %q", i+1, lines[i], want)
		}
	}
	info := testenv.Run(t, "capinfos", path)
	for _, s := range []string{"Capture hardware:    test hw", "Capture oper-sys:    Linux", "Capture application: snare test", "Capture comment:     section comment", "Number of interfaces in file: 2"} {
		if !strings.Contains(info, s) {
			t.Errorf("capinfos output lacks %q:\n%s", s, info)
		}
	}
}

// writePcap writes a classic pcap file (µs or ns) with the records.
func writePcap(t *testing.T, path string, linktype uint32, nano bool, pkts []written) {
	t.Helper()
	var b bytes.Buffer
	magic := uint32(0xa1b2c3d4)
	if nano {
		magic = 0xa1b23c4d
	}
	le := binary.LittleEndian
	b.Write(le.AppendUint32(nil, magic))
	b.Write(le.AppendUint16(nil, 2))
	b.Write(le.AppendUint16(nil, 4))
	b.Write(make([]byte, 8))
	b.Write(le.AppendUint32(nil, 65535))
	b.Write(le.AppendUint32(nil, linktype))
	for _, p := range pkts {
		frac := p.ci.Timestamp.Nanosecond()
		if !nano {
			frac /= 1000
		}
		b.Write(le.AppendUint32(nil, uint32(p.ci.Timestamp.Unix())))
		b.Write(le.AppendUint32(nil, uint32(frac)))
		b.Write(le.AppendUint32(nil, uint32(len(p.data))))
		b.Write(le.AppendUint32(nil, uint32(p.ci.Length)))
		b.Write(p.data)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func makePackets(seed uint64, n int, start time.Time, step time.Duration, nano bool, raw bool) []written {
	rng := rand.New(rand.NewPCG(seed, 7))
	var pkts []written
	ts := start
	for i := 0; i < n; i++ {
		ts = ts.Add(step + time.Duration(rng.IntN(1000)))
		if !nano {
			ts = ts.Truncate(time.Microsecond)
		}
		size := 20 + rng.IntN(200)
		data := testPacket(rng, size)
		if raw {
			data[0] = 0x45 // IPv4 header, so it parses as RAW
		}
		pkts = append(pkts, written{ci: snare.CaptureInfo{Timestamp: ts, CaptureLength: size, Length: size + rng.IntN(2)*50}, data: data})
	}
	return pkts
}

// readFile reads every packet and the options of a pcapng file.
func readFile(t *testing.T, path string) (*Reader, []pkt) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, b, ReaderOptions{Name: path})
}

// tsharkFields returns tshark's time, lengths, interface and comment per
// packet, in the same form as ourFields.
func tsharkFields(t *testing.T, path string) []string {
	out := testenv.Run(t, "tshark", "-r", path, "-T", "fields", "-E", "separator=|", "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len",
		"-e", "frame.interface_id", "-e", "frame.comment")
	return strings.Split(strings.TrimSpace(out), "\n")
}

func ourFields(p []pkt) []string {
	var s []string
	for _, q := range p {
		s = append(s, fmt.Sprintf("%s|%d|%d|%d|%s", epoch(q.ci.Timestamp), q.ci.Length, q.ci.CaptureLength, q.ci.InterfaceIndex, strings.Join(q.opts.Comments, ",")))
	}
	return s
}

func compareFields(t *testing.T, ours, theirs []string) {
	t.Helper()
	if len(ours) != len(theirs) {
		t.Fatalf("we read %d packets, tshark %d", len(ours), len(theirs))
	}
	for i := range ours {
		if ours[i] != theirs[i] {
			t.Errorf("packet %d: we read %q, tshark %q", i+1, ours[i], theirs[i])
		}
	}
}

// TestReadEditcap converts µs and ns pcap files with editcap, adding
// comments, and checks we read what tshark reads and what was written.
func TestReadEditcap(t *testing.T) {
	testenv.Tool(t, "tshark")
	dir := t.TempDir()
	for _, nano := range []bool{false, true} {
		t.Run(fmt.Sprintf("nano=%v", nano), func(t *testing.T) {
			in := filepath.Join(dir, fmt.Sprintf("in-%v.pcap", nano))
			out := filepath.Join(dir, fmt.Sprintf("out-%v.pcapng", nano))
			pkts := makePackets(3, 50, time.Unix(1600000000, 0), time.Millisecond, nano, false)
			writePcap(t, in, 1, nano, pkts)
			testenv.Run(t, "editcap", "-F", "pcapng", "-a", "1:first comment", "-a", "7:seventh", in, out)
			r, p := readFile(t, out)
			compareFields(t, ourFields(p), tsharkFields(t, out))
			if len(p) != len(pkts) {
				t.Fatalf("%d packets", len(p))
			}
			for i := range pkts {
				if !p[i].ci.Timestamp.Equal(pkts[i].ci.Timestamp) || !bytes.Equal(p[i].data, pkts[i].data) || p[i].ci.Length != pkts[i].ci.Length || p[i].ci.LinkType != 1 {
					t.Errorf("packet %d: %+v", i+1, p[i].ci)
				}
			}
			if got := p[6].opts.Comments; len(got) != 1 || got[0] != "seventh" {
				t.Errorf("comments of packet 7: %q", got)
			}
			res := Microsecond
			if nano {
				res = Nanosecond
			}
			if ifs := r.Interfaces(); len(ifs) != 1 || ifs[0].TSResolution != res || ifs[0].SnapLen != 65535 {
				t.Errorf("interfaces %+v", ifs)
			}
			if !strings.Contains(r.Section().UserApplication, "Editcap") {
				t.Errorf("section %+v", r.Section())
			}
		})
	}
}

// TestReadMergecap merges Ethernet, raw IP and Linux cooked pcap files
// into one pcapng file with three interfaces.
func TestReadMergecap(t *testing.T) {
	testenv.Tool(t, "mergecap")
	dir := t.TempDir()
	srcs := []struct {
		linktype uint32
		want     link.Type
		pkts     []written
	}{
		{1, 1, makePackets(1, 40, time.Unix(1600000000, 0), time.Millisecond, true, false)},
		{101, link.FromLinktype(101), makePackets(2, 30, time.Unix(1600000000, 0), 1500*time.Microsecond, false, true)},
		{113, 113, makePackets(3, 20, time.Unix(1600000000, 0), 2*time.Millisecond, false, false)},
	}
	var args []string
	byKey := map[string]link.Type{}
	for i, s := range srcs {
		p := filepath.Join(dir, fmt.Sprintf("%d.pcap", i))
		writePcap(t, p, s.linktype, i == 0, s.pkts)
		args = append(args, p)
		for _, q := range s.pkts {
			byKey[epoch(q.ci.Timestamp)+string(q.data)] = s.want
		}
	}
	out := filepath.Join(dir, "merged.pcapng")
	testenv.Run(t, "mergecap", append([]string{"-F", "pcapng", "-w", out}, args...)...)
	r, p := readFile(t, out)
	compareFields(t, ourFields(p), tsharkFields(t, out))
	if len(p) != 90 {
		t.Fatalf("%d packets", len(p))
	}
	for i, q := range p {
		lt, ok := byKey[epoch(q.ci.Timestamp)+string(q.data)]
		if !ok || lt != q.ci.LinkType || r.Interfaces()[q.ci.InterfaceIndex].LinkType != lt {
			t.Errorf("packet %d (%+v) not from an input with that link type", i+1, q.ci)
		}
	}
	if n := len(r.Interfaces()); n != 3 {
		t.Errorf("%d interfaces", n)
	}
}

// TestReadTshark reads a file tshark wrote, and a round trip of our
// file through tshark.
func TestReadTshark(t *testing.T) {
	testenv.Tool(t, "tshark")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pcap")
	pkts := makePackets(9, 30, time.Unix(1500000000, 0), time.Second, true, false)
	writePcap(t, in, 1, true, pkts)
	out := filepath.Join(dir, "tshark.pcapng")
	testenv.Run(t, "tshark", "-r", in, "-F", "pcapng", "-w", out)
	_, p := readFile(t, out)
	compareFields(t, ourFields(p), tsharkFields(t, out))
	for i := range pkts {
		if !bytes.Equal(p[i].data, pkts[i].data) || !p[i].ci.Timestamp.Equal(pkts[i].ci.Timestamp) {
			t.Errorf("packet %d differs", i+1)
		}
	}
}

// TestReadBenchCorpus reads $PCAPNG_BENCH_FILE (the bench corpus
// converted to pcapng, see BenchmarkCorpus) and compares the packet
// count with capinfos.
func TestReadBenchCorpus(t *testing.T) {
	path := os.Getenv("PCAPNG_BENCH_FILE")
	if path == "" {
		t.Skip("set PCAPNG_BENCH_FILE to a big pcapng file (see BenchmarkCorpus) to read it")
	}
	testenv.Tool(t, "capinfos")
	info := testenv.Run(t, "capinfos", "-c", "-T", "-r", path)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, _, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	fields := strings.Split(strings.TrimSpace(info), "\t")
	if want, _ := strconv.Atoi(fields[len(fields)-1]); n != want {
		t.Errorf("read %d packets, capinfos says %d", n, want)
	}
}

// TestTsharkReadsNameRecords checks that tshark resolves addresses with
// the names of a Name Resolution Block we wrote, and sees our ISB.
func TestTsharkReadsNameRecords(t *testing.T) {
	testenv.Tool(t, "tshark")
	var buf bytes.Buffer
	w, err := NewWriter(&buf, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.AddInterface(Interface{LinkType: link.FromLinktype(101)})
	if err := w.WriteNameRecords(NameRecord{Addr: mustAddr("198.18.1.2"), Names: []string{"src.example"}},
		NameRecord{Addr: mustAddr("2001:db8::7"), Names: []string{"six.example"}}); err != nil {
		t.Fatal(err)
	}
	pkt := []byte{0x45, 0, 0, 20, 0, 0, 0, 0, 64, 253, 0, 0, 198, 18, 1, 2, 198, 18, 1, 3}
	w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(1, 0), Length: 20}, pkt)
	w.SetInterfaceStatistics(0, InterfaceStatistics{Timestamp: time.Unix(2, 0), Received: 7})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "nrb.pcapng")
	os.WriteFile(path, buf.Bytes(), 0o644)
	if out := testenv.Run(t, "tshark", "-r", path, "-N", "n", "-T", "fields", "-e", "ip.src_host", "-e", "ip.dst_host"); out != "src.example\t198.18.1.3\n" {
		t.Errorf("tshark resolved %q", out)
	}
	if out := testenv.Run(t, "capinfos", "-I", path); !strings.Contains(out, "Number of stat entries = 1") {
		t.Errorf("capinfos does not see the statistics block:\n%s", out)
	}
}
