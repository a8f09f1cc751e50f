package pcapng

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fileBuilder builds a pcapng file block by block with encoding/binary,
// independently of Writer.
type fileBuilder struct {
	o   byteOrder
	out []byte
}

func (f *fileBuilder) u16(v uint16) []byte { return f.o.AppendUint16(nil, v) }
func (f *fileBuilder) u32(v uint32) []byte { return f.o.AppendUint32(nil, v) }
func (f *fileBuilder) u64(v uint64) []byte { return f.o.AppendUint64(nil, v) }

// opt returns an option with its value padded to 4 bytes.
func (f *fileBuilder) opt(code uint16, v []byte) []byte {
	b := append(f.u16(code), f.u16(uint16(len(v)))...)
	b = append(b, v...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func (f *fileBuilder) end() []byte { return []byte{0, 0, 0, 0} }

// block appends a block made of the concatenated parts.
func (f *fileBuilder) block(typ uint32, parts ...[]byte) {
	body := bytes.Join(parts, nil)
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(12 + len(body))
	f.out = append(f.out, f.u32(typ)...)
	f.out = append(f.out, f.u32(n)...)
	f.out = append(f.out, body...)
	f.out = append(f.out, f.u32(n)...)
}

// shb starts a section in byte order f.o.
func (f *fileBuilder) shb(opts ...[]byte) {
	parts := [][]byte{f.u32(0x1A2B3C4D), f.u16(1), f.u16(0), f.u64(^uint64(0))}
	if len(opts) > 0 {
		parts = append(parts, opts...)
		parts = append(parts, f.end())
	}
	f.block(0x0A0D0D0A, parts...)
}

func (f *fileBuilder) idb(linktype uint16, snap uint32, opts ...[]byte) {
	parts := [][]byte{f.u16(linktype), f.u16(0), f.u32(snap)}
	if len(opts) > 0 {
		parts = append(parts, opts...)
		parts = append(parts, f.end())
	}
	f.block(1, parts...)
}

func (f *fileBuilder) epb(id uint32, ts uint64, wire uint32, data []byte, opts ...[]byte) {
	d := append([]byte(nil), data...)
	for len(d)%4 != 0 {
		d = append(d, 0)
	}
	parts := [][]byte{f.u32(id), f.u32(uint32(ts >> 32)), f.u32(uint32(ts)), f.u32(uint32(len(data))), f.u32(wire), d}
	if len(opts) > 0 {
		parts = append(parts, opts...)
		parts = append(parts, f.end())
	}
	f.block(6, parts...)
}

type pkt struct {
	data []byte
	ci   snare.CaptureInfo
	opts PacketOptions
}

// readAll reads every packet of b with its options.
func readAll(t *testing.T, b []byte, ro ReaderOptions) (*Reader, []pkt) {
	t.Helper()
	r, err := NewReaderOptions(bytes.NewReader(b), ro)
	if err != nil {
		t.Fatal(err)
	}
	var out []pkt
	for {
		d, ci, err := r.ReadPacketData()
		if err == io.EOF {
			return r, out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pkt{d, ci, r.PacketOptions()})
	}
}

var payload = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06, 0xaa, 0xbb, 0xcc}

type golden struct {
	name  string
	build func(f *fileBuilder)
	check func(t *testing.T, b []byte)
}

var goldens = []golden{
	{"big-endian", func(f *fileBuilder) {
		f.o = binary.BigEndian
		f.shb(f.opt(1, []byte("first")), f.opt(1, []byte("second")), f.opt(2, []byte("hw")), f.opt(3, []byte("os")), f.opt(4, []byte("app")))
		f.idb(1, 96, f.opt(1, []byte("ifc")), f.opt(2, []byte("eth0")), f.opt(3, []byte("the NIC")), f.opt(11, append([]byte{0}, "tcp port 80"...)),
			f.opt(12, []byte("Linux 6")), f.opt(13, []byte{4}), f.opt(8, f.u64(1e9)), f.opt(15, []byte("e1000")))
		f.epb(0, 1700000000123456, 60, payload, f.opt(2, f.u32(1|3<<2|4<<5|0x8000<<16)), f.opt(1, []byte("pc1")), f.opt(1, []byte("pc2")),
			f.opt(4, f.u64(42)), f.opt(3, []byte{2, 0xde, 0xad, 0xbe, 0xef}), f.opt(5, f.u64(77)), f.opt(6, f.u32(3)))
		f.epb(0, 1700000001000000, 17, payload[:5], f.opt(2, f.u32(2)))
	}, func(t *testing.T, b []byte) {
		r, p := readAll(t, b, ReaderOptions{})
		s := r.Section()
		if s.ByteOrder != binary.BigEndian || s.Major != 1 || s.Length != -1 || s.Hardware != "hw" || s.OS != "os" || s.UserApplication != "app" ||
			!reflect.DeepEqual(s.Comments, []string{"first", "second"}) || s.Offset != 0 {
			t.Errorf("section %+v", s)
		}
		want := Interface{LinkType: link.Type(1), SnapLen: 96, Name: "eth0", Description: "the NIC", OS: "Linux 6", Hardware: "e1000",
			Filter: "tcp port 80", TSResolution: Microsecond, FCSLen: 4, HasFCSLen: true, Speed: 1e9, Comments: []string{"ifc"}}
		if got, ok := r.Interface(0); !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("interface 0 %+v", got)
		}
		if _, ok := r.Interface(1); ok {
			t.Errorf("interface 1 exists")
		}
		if got := r.Interfaces(); len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Errorf("interfaces %+v\nwant %+v", got, want)
		}
		if r.LinkType() != 1 || r.SnapLen() != 96 {
			t.Errorf("LinkType %d SnapLen %d", r.LinkType(), r.SnapLen())
		}
		if len(p) != 2 {
			t.Fatalf("%d packets", len(p))
		}
		ci := snare.CaptureInfo{Timestamp: time.Unix(1700000000, 123456000), CaptureLength: 17, Length: 60, LinkType: 1, Direction: snare.DirectionIn}
		if !bytes.Equal(p[0].data, payload) || p[0].ci != ci {
			t.Errorf("packet 1 %x %+v", p[0].data, p[0].ci)
		}
		o := p[0].opts
		if !o.HasFlags || o.Flags.Direction() != snare.DirectionIn || o.Flags.ReceptionType() != 3 || o.Flags.FCSLength() != 4 || o.Flags.LinkLayerErrors() != 0x8000 {
			t.Errorf("flags %#x", o.Flags)
		}
		if !reflect.DeepEqual(o.Comments, []string{"pc1", "pc2"}) || !o.HasDropCount || o.DropCount != 42 ||
			!reflect.DeepEqual(o.Hashes, []Hash{{2, []byte{0xde, 0xad, 0xbe, 0xef}}}) || o.PacketID != 77 || !o.HasPacketID || o.Queue != 3 || !o.HasQueue {
			t.Errorf("options %+v", o)
		}
		if p[1].ci.Direction != snare.DirectionOut || p[1].ci.Timestamp != time.Unix(1700000001, 0) || len(p[1].data) != 5 || p[1].opts.HasDropCount {
			t.Errorf("packet 2 %+v %+v", p[1].ci, p[1].opts)
		}
	}},
	{"two-sections", func(f *fileBuilder) {
		f.o = binary.LittleEndian
		f.shb()
		f.idb(1, 0)
		f.idb(101, 1500, f.opt(9, []byte{9}))
		f.epb(1, 5_000000001, 20, payload[:4])
		f.epb(0, 7_000001, 17, payload)
		f.o = binary.BigEndian
		f.shb(f.opt(3, []byte("second section")))
		f.idb(113, 200, f.opt(2, []byte("any")))
		f.epb(0, 9_000002, 17, payload)
	}, func(t *testing.T, b []byte) {
		r, p := readAll(t, b, ReaderOptions{})
		want := []snare.CaptureInfo{
			{Timestamp: time.Unix(5, 1), CaptureLength: 4, Length: 20, InterfaceIndex: 1, LinkType: 12},
			{Timestamp: time.Unix(7, 1000), CaptureLength: 17, Length: 17, InterfaceIndex: 0, LinkType: 1},
			{Timestamp: time.Unix(9, 2000), CaptureLength: 17, Length: 17, InterfaceIndex: 0, LinkType: 113},
		}
		if len(p) != 3 {
			t.Fatalf("%d packets", len(p))
		}
		for i := range want {
			if p[i].ci != want[i] {
				t.Errorf("packet %d: %+v, want %+v", i+1, p[i].ci, want[i])
			}
		}
		if s := r.Section(); s.ByteOrder != binary.BigEndian || s.OS != "second section" || s.Offset == 0 {
			t.Errorf("section %+v", s)
		}
		if ifs := r.Interfaces(); len(ifs) != 1 || ifs[0].Name != "any" || r.LinkType() != 113 || r.SnapLen() != 200 {
			t.Errorf("interfaces %+v", ifs)
		}
	}},
	{"tsresol", func(f *fileBuilder) {
		f.o = binary.LittleEndian
		f.shb()
		f.idb(1, 0, f.opt(9, []byte{0x80 | 20}))     // 2^-20 s
		f.idb(1, 0, f.opt(9, []byte{12}))            // picoseconds
		f.idb(1, 0, f.opt(9, []byte{3}))             // milliseconds
		f.idb(1, 0, f.opt(9, []byte{0x80 | 63}))     // 2^-63 s
		f.epb(0, 1700000000<<20|1<<19, 17, payload)  // .5 s
		f.epb(1, 17000000_123456789012, 17, payload) // ps
		f.epb(2, 1700000000_999, 17, payload)        // ms
		f.epb(3, 1<<63|1<<62, 17, payload)           // 1.5 s
		f.epb(0, 3<<20|3, 17, payload)               // 3 s + 3/2^20 s
	}, func(t *testing.T, b []byte) {
		r, p := readAll(t, b, ReaderOptions{})
		want := []time.Time{time.Unix(1700000000, 5e8), time.Unix(17000000, 123456789), time.Unix(1700000000, 999e6), time.Unix(1, 5e8), time.Unix(3, 2861)}
		if len(p) != len(want) {
			t.Fatalf("%d packets", len(p))
		}
		for i := range want {
			if !p[i].ci.Timestamp.Equal(want[i]) {
				t.Errorf("packet %d: %v, want %v", i+1, p[i].ci.Timestamp, want[i])
			}
		}
		ifs := r.Interfaces()
		if ifs[0].TSResolution != 0x94 || !ifs[0].TSResolution.IsBinary() || ifs[1].TSResolution.UnitsPerSecond() != 1e12 {
			t.Errorf("interfaces %+v", ifs)
		}
	}},
	{"tsoffset", func(f *fileBuilder) {
		f.o = binary.LittleEndian
		f.shb()
		f.idb(1, 0, f.opt(14, f.u64(1700000000)), f.opt(9, []byte{9}))
		f.idb(1, 0, f.opt(14, f.u64(uint64(1<<64-100))))
		f.epb(0, 1_000000007, 17, payload)
		f.epb(1, 200_000001, 17, payload)
	}, func(t *testing.T, b []byte) {
		r, p := readAll(t, b, ReaderOptions{})
		if len(p) != 2 || !p[0].ci.Timestamp.Equal(time.Unix(1700000001, 7)) || !p[1].ci.Timestamp.Equal(time.Unix(100, 1000)) {
			t.Errorf("packets %+v", p)
		}
		if ifs := r.Interfaces(); ifs[0].TSOffset != 1700000000 || ifs[1].TSOffset != -100 {
			t.Errorf("interfaces %+v", ifs)
		}
	}},
	{"spb", func(f *fileBuilder) {
		f.o = binary.LittleEndian
		f.shb()
		f.idb(1, 8, f.opt(14, f.u64(10)))
		f.block(3, f.u32(20), payload[:8]) // cut to the snap length
		f.block(3, f.u32(3), payload[:3])  // shorter than the snap length
	}, func(t *testing.T, b []byte) {
		_, p := readAll(t, b, ReaderOptions{})
		want := []snare.CaptureInfo{
			{Timestamp: time.Unix(10, 0), CaptureLength: 8, Length: 20, LinkType: 1},
			{Timestamp: time.Unix(10, 0), CaptureLength: 3, Length: 3, LinkType: 1},
		}
		if len(p) != 2 {
			t.Fatalf("%d packets", len(p))
		}
		for i := range want {
			if p[i].ci != want[i] || !bytes.Equal(p[i].data, payload[:want[i].CaptureLength]) {
				t.Errorf("packet %d: %+v %x, want %+v", i+1, p[i].ci, p[i].data, want[i])
			}
		}
	}},
	{"pb", func(f *fileBuilder) {
		f.o = binary.BigEndian
		f.shb()
		f.idb(1, 0)
		f.idb(1, 0)
		f.block(2, f.u16(1), f.u16(5), f.u32(0), f.u32(1_000002), f.u32(17), f.u32(64), payload, []byte{0, 0, 0},
			f.opt(2, f.u32(2)), f.opt(1, []byte("old")), f.end())
		f.block(2, f.u16(0), f.u16(0xffff), f.u32(0), f.u32(3), f.u32(4), f.u32(4), payload[:4])
	}, func(t *testing.T, b []byte) {
		_, p := readAll(t, b, ReaderOptions{})
		if len(p) != 2 {
			t.Fatalf("%d packets", len(p))
		}
		want := snare.CaptureInfo{Timestamp: time.Unix(1, 2000), CaptureLength: 17, Length: 64, InterfaceIndex: 1, LinkType: 1, Direction: snare.DirectionOut}
		if p[0].ci != want || !bytes.Equal(p[0].data, payload) {
			t.Errorf("packet 1 %+v", p[0].ci)
		}
		if o := p[0].opts; !o.HasDropCount || o.DropCount != 5 || !reflect.DeepEqual(o.Comments, []string{"old"}) || o.Flags != 2 {
			t.Errorf("packet 1 options %+v", o)
		}
		if o := p[1].opts; o.HasDropCount || p[1].ci.Timestamp != time.Unix(0, 3000) {
			t.Errorf("packet 2 %+v %+v", p[1].ci, o)
		}
	}},
	{"nrb", func(f *fileBuilder) {
		f.o = binary.LittleEndian
		f.shb()
		f.block(4,
			f.opt(1, append([]byte{192, 0, 2, 1}, "host.example\x00alias.example\x00"...)),
			f.opt(2, append(mustAddr("2001:db8::1").AsSlice(), "v6.example\x00"...)),
			f.opt(3, []byte{1, 2, 3, 4, 5, 6, 'e', 0}), // EUI-48: skipped
			f.opt(0, nil), f.opt(2, []byte("dns")), f.end())
		f.idb(1, 0)
		f.epb(0, 0, 17, payload)
	}, func(t *testing.T, b []byte) {
		r, p := readAll(t, b, ReaderOptions{})
		want := []NameRecord{{mustAddr("192.0.2.1"), []string{"host.example", "alias.example"}}, {mustAddr("2001:db8::1"), []string{"v6.example"}}}
		if !reflect.DeepEqual(r.NameRecords(), want) || len(p) != 1 {
			t.Errorf("records %+v", r.NameRecords())
		}
	}},
	{"isb", func(f *fileBuilder) {
		f.o = binary.LittleEndian
		f.shb()
		f.idb(1, 0, f.opt(9, []byte{9}))
		f.epb(0, 1_000000000, 17, payload)
		ts := func(v uint64) []byte { return append(f.u32(uint32(v>>32)), f.u32(uint32(v))...) }
		f.block(5, f.u32(0), ts(2_000000000), f.opt(1, []byte("stats")), f.opt(2, ts(1_000000000)), f.opt(3, ts(2_000000005)),
			f.opt(4, f.u64(100)), f.opt(5, f.u64(1)), f.opt(6, f.u64(90)), f.opt(7, f.u64(2)), f.opt(8, f.u64(88)), f.end())
	}, func(t *testing.T, b []byte) {
		r, p := readAll(t, b, ReaderOptions{})
		want := InterfaceStatistics{Timestamp: time.Unix(2, 0), Fields: StatStartTime | StatEndTime | StatReceived | StatDropped | StatFilterAccepted | StatOSDropped | StatDelivered,
			StartTime: time.Unix(1, 0), EndTime: time.Unix(2, 5), Received: 100, Dropped: 1, FilterAccepted: 90, OSDropped: 2, Delivered: 88, Comments: []string{"stats"}}
		got, ok := r.Statistics(0)
		if !ok || !reflect.DeepEqual(got, want) || len(p) != 1 {
			t.Errorf("statistics %+v\nwant %+v", got, want)
		}
		if _, ok := r.Statistics(1); ok {
			t.Error("statistics for a missing interface")
		}
	}},
	{"dsb", func(f *fileBuilder) {
		f.o = binary.BigEndian
		f.shb()
		secret := []byte("CLIENT_RANDOM 00 11\n")
		f.block(10, f.u32(0x544c534b), f.u32(uint32(len(secret)-1)), secret[:len(secret)-1], []byte{0}, f.opt(1, []byte("keys")), f.end())
		f.idb(1, 0)
		f.epb(0, 0, 17, payload)
	}, func(t *testing.T, b []byte) {
		r, _ := readAll(t, b, ReaderOptions{})
		want := []DecryptionSecrets{{Type: 0x544c534b, Data: []byte("CLIENT_RANDOM 00 11"), Comments: []string{"keys"}}}
		if !reflect.DeepEqual(r.DecryptionSecrets(), want) {
			t.Errorf("secrets %+v", r.DecryptionSecrets())
		}
	}},
	{"custom", func(f *fileBuilder) {
		f.o = binary.LittleEndian
		f.shb()
		f.idb(1, 0)
		f.block(0x00000BAD, f.u32(32473), []byte("copy"))
		f.epb(0, 1, 17, payload)
		f.block(0x40000BAD, f.u32(32473), []byte("nocopy!!"))
		f.block(0x12345678, []byte("unknown block"))
		f.epb(0, 2, 17, payload)
	}, func(t *testing.T, b []byte) {
		var got []CustomBlock
		_, p := readAll(t, b, ReaderOptions{CustomBlock: func(c CustomBlock) error {
			c.Data = append([]byte(nil), c.Data...)
			got = append(got, c)
			return nil
		}})
		want := []CustomBlock{{true, 32473, []byte("copy"), 48}, {false, 32473, []byte("nocopy!!"), 120}}
		if !reflect.DeepEqual(got, want) || len(p) != 2 {
			t.Errorf("custom blocks %+v, %d packets", got, len(p))
		}
		// Skipped without a callback; an error from the callback stops.
		if _, p := readAll(t, b, ReaderOptions{}); len(p) != 2 {
			t.Errorf("%d packets without callback", len(p))
		}
		stop := errors.New("stop")
		r, _ := NewReaderOptions(bytes.NewReader(b), ReaderOptions{CustomBlock: func(CustomBlock) error { return stop }})
		r.ReadPacketData()
		if _, _, err := r.ReadPacketData(); err != stop {
			t.Errorf("callback error: got %v", err)
		}
	}},
}

func TestGolden(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			f := &fileBuilder{}
			g.build(f)
			path := filepath.Join("testdata", g.name+".pcapng")
			if *update {
				if err := os.WriteFile(path, f.out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, f.out) {
				t.Fatalf("%s differs from the builder's output; run go test -run TestGolden -update", path)
			}
			g.check(t, b)
		})
	}
}

// TestSPBLengths checks libpcap's rule for Simple Packet Blocks whose
// data is longer or shorter than min(original length, snap length): the
// captured length is the smallest of the three.
func TestSPBLengths(t *testing.T) {
	f := &fileBuilder{o: binary.LittleEndian}
	f.shb()
	f.idb(1, 8)
	f.block(3, f.u32(20), payload[:12]) // snap length 8 wins
	f.block(3, f.u32(3), payload[:8])   // original length 3 wins
	f.block(3, f.u32(100), payload[:4]) // block data wins
	_, p := readAll(t, f.out, ReaderOptions{})
	want := []int{8, 3, 4}
	if len(p) != len(want) {
		t.Fatalf("%d packets", len(p))
	}
	for i, n := range want {
		if p[i].ci.CaptureLength != n || !bytes.Equal(p[i].data, payload[:n]) {
			t.Errorf("packet %d: %+v, want captured length %d", i+1, p[i].ci, n)
		}
	}
}
