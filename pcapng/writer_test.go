package pcapng

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// TestWriterRoundTrip writes every block and option the Writer knows,
// in both byte orders, and reads them back.
func TestWriterRoundTrip(t *testing.T) {
	for _, big := range []bool{false, true} {
		var buf bytes.Buffer
		wo := WriterOptions{Hardware: "hw", OS: "os", UserApplication: "app", Comments: []string{"a", "b"}, BigEndian: big}
		w, err := NewWriter(&buf, wo)
		if err != nil {
			t.Fatal(err)
		}
		ifs := []Interface{
			{LinkType: link.Type(1), SnapLen: 1500, Name: "eth0", Description: "desc", OS: "Linux", Hardware: "nic", Filter: "port 53",
				TSResolution: Microsecond, FCSLen: 4, HasFCSLen: true, Speed: 10e9, Comments: []string{"ifc"}},
			{LinkType: link.FromLinktype(101), TSResolution: Nanosecond, TSOffset: 1000},
			{LinkType: link.Type(113), TSResolution: 0x80 | 30, TSOffset: -5},
		}
		for i, ifc := range ifs {
			if n, err := w.AddInterface(ifc); err != nil || n != i {
				t.Fatalf("AddInterface: %d %v", n, err)
			}
		}
		recs := []NameRecord{{mustAddr("10.1.2.3"), []string{"a.example", "b.example"}}, {mustAddr("2001:db8::5"), []string{"six.example"}}}
		if err := w.WriteNameRecords(recs...); err != nil {
			t.Fatal(err)
		}
		type in struct {
			ci   snare.CaptureInfo
			data []byte
			opts PacketOptions
		}
		ins := []in{
			{snare.CaptureInfo{Timestamp: time.Unix(1700000000, 123456000), Length: 100, Direction: snare.DirectionIn}, payload,
				PacketOptions{Comments: []string{"x", "yy"}, Flags: 3 << 2, HasFlags: true, DropCount: 9, HasDropCount: true,
					Hashes: []Hash{{3, bytes.Repeat([]byte{1}, 16)}}, PacketID: 1 << 40, HasPacketID: true, Queue: 2, HasQueue: true}},
			{snare.CaptureInfo{Timestamp: time.Unix(1000+1700000000, 987654321), Length: 3, InterfaceIndex: 1, Direction: snare.DirectionOut}, payload[:3], PacketOptions{}},
			{snare.CaptureInfo{Timestamp: time.Unix(1700000000, 5<<30), InterfaceIndex: 2}, nil, PacketOptions{}},
		}
		for _, p := range ins {
			if err := w.WritePacketWithOptions(p.ci, p.data, p.opts); err != nil {
				t.Fatal(err)
			}
		}
		st := InterfaceStatistics{Timestamp: time.Unix(1700000001, 0), Fields: StatDropped, StartTime: time.Unix(1700000000, 0), EndTime: time.Unix(1700000001, 0),
			Received: 10, FilterAccepted: 8, Comments: []string{"done"}}
		if err := w.SetInterfaceStatistics(0, st); err != nil {
			t.Fatal(err)
		}
		if err := w.SetInterfaceStatistics(3, st); err == nil {
			t.Error("statistics for a missing interface accepted")
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.WritePacket(ins[0].ci, nil); !errors.Is(err, ErrWriterClosed) {
			t.Errorf("write after close: %v", err)
		}

		r, p := readAll(t, buf.Bytes(), ReaderOptions{})
		s := r.Section()
		order := binary.ByteOrder(binary.LittleEndian)
		if big {
			order = binary.BigEndian
		}
		if s.ByteOrder != order || s.Hardware != "hw" || s.OS != "os" || s.UserApplication != "app" || !reflect.DeepEqual(s.Comments, wo.Comments) {
			t.Errorf("section %+v", s)
		}
		if got := r.Interfaces(); !reflect.DeepEqual(got, ifs) {
			t.Errorf("interfaces\n%+v\nwant\n%+v", got, ifs)
		}
		if !reflect.DeepEqual(r.NameRecords(), recs) {
			t.Errorf("name records %+v", r.NameRecords())
		}
		if len(p) != len(ins) {
			t.Fatalf("%d packets", len(p))
		}
		for i, want := range ins {
			want.ci.CaptureLength = len(want.data)
			want.ci.Length = max(want.ci.Length, len(want.data))
			want.ci.LinkType = ifs[want.ci.InterfaceIndex].LinkType
			if p[i].ci != want.ci || !bytes.Equal(p[i].data, want.data) {
				t.Errorf("packet %d: %+v\nwant %+v", i+1, p[i].ci, want.ci)
			}
		}
		wantOpts := ins[0].opts
		wantOpts.Flags |= 1
		if !reflect.DeepEqual(p[0].opts, wantOpts) {
			t.Errorf("options %+v\nwant %+v", p[0].opts, wantOpts)
		}
		if o := p[1].opts; !o.HasFlags || o.Flags != 2 || o.Comments != nil {
			t.Errorf("packet 2 options %+v", o)
		}
		got, ok := r.Statistics(0)
		st.Fields |= StatStartTime | StatEndTime | StatReceived | StatFilterAccepted
		if !ok || !reflect.DeepEqual(got, st) {
			t.Errorf("statistics %+v\nwant %+v", got, st)
		}
	}
}

func TestWriterErrors(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, WriterOptions{})
	ci := snare.CaptureInfo{Timestamp: time.Unix(1, 0)}
	if err := w.WritePacket(ci, nil); err == nil || !strings.Contains(err.Error(), "packet on interface 0, but 0 interfaces were added") {
		t.Errorf("packet without interface: %v", err)
	}
	if _, err := w.AddInterface(Interface{TSResolution: 20}); err == nil {
		t.Error("resolution 10^-20 accepted")
	}
	w.AddInterface(Interface{TSOffset: 100})
	if err := w.WritePacket(ci, nil); err == nil || !strings.Contains(err.Error(), "can't be written") {
		t.Errorf("time stamp before the offset: %v", err)
	}
	if err := w.WriteNameRecords(NameRecord{}); err == nil {
		t.Error("name record without address accepted")
	}
	w.Close()
	if err := w.Close(); !errors.Is(err, ErrWriterClosed) {
		t.Errorf("second close: %v", err)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriterIOError(t *testing.T) {
	w, err := NewWriter(&failWriter{n: 100}, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.AddInterface(Interface{})
	for i := 0; i < 5000 && err == nil; i++ {
		err = w.WritePacket(snare.CaptureInfo{Timestamp: time.Unix(1, 0)}, payload)
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error %v", err)
	}
	if err := w.Close(); err == nil {
		t.Error("close after a write error succeeded")
	}
}
