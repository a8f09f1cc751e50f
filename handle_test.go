package snare_test

import (
	"errors"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/link"
)

// memModule is a test capture module claiming "mem://": its sources
// deliver n synthetic packets, then block until woken (like a live
// device) or return io.EOF (eof set).
type memModule struct{}

func (memModule) Name() string       { return "mem-test" }
func (memModule) Prefixes() []string { return []string{"mem://"} }
func (memModule) Devices() ([]snare.Interface, error) {
	return []snare.Interface{
		{Name: "mem://down", Flags: 0},
		{Name: "mem://lo", Flags: snare.FlagUp | snare.FlagRunning | snare.FlagLoopback | snare.ConnectionNotApplicable},
		{Name: "mem://up", Flags: snare.FlagUp | snare.FlagRunning | snare.ConnectionConnected},
	}, nil
}
func (memModule) Create(device string) (snare.Source, error) {
	return &memSource{n: 10, eof: device == "mem://eof", wake: make(chan struct{}, 1)}, nil
}

type memSource struct {
	n, i   int
	eof    bool
	opts   snare.Options
	buf    [64]byte
	wake   chan struct{}
	closed bool
	dir    snare.Direction
}

func (s *memSource) TimestampTypes() []snare.TimestampType {
	return []snare.TimestampType{snare.TimestampHost}
}
func (s *memSource) Activate(o snare.Options) error { s.opts = o; return nil }
func (s *memSource) LinkType() link.Type            { return link.EN10MB }
func (s *memSource) LinkTypes() []link.Type         { return []link.Type{link.EN10MB} }
func (s *memSource) SetLinkType(t link.Type) error {
	if t != link.EN10MB {
		return snare.ErrNotSupported
	}
	return nil
}
func (s *memSource) SnapLen() int { return 64 }
func (s *memSource) ReadPackets(p []snare.Packet) (int, error) {
	if s.i < s.n {
		s.buf[0] = byte(s.i)
		p[0] = snare.Packet{Data: s.buf[:], Info: snare.CaptureInfo{
			Timestamp: time.Unix(1700000000, 123456789), CaptureLength: 64, Length: 100, LinkType: link.EN10MB}}
		s.i++
		return 1, nil
	}
	if s.eof {
		return 0, io.EOF
	}
	if s.opts.NonBlocking {
		return 0, snare.ErrTimeout
	}
	<-s.wake
	return 0, snare.ErrBreak
}
func (s *memSource) SetFilter(bpf.Program) (snare.FilterPlace, error) {
	return snare.FilterNone, snare.ErrNotSupported
}
func (s *memSource) LinuxSocket() bool                    { return false }
func (s *memSource) SetDirection(d snare.Direction) error { s.dir = d; return nil }
func (s *memSource) SetNonblock(nb bool) error            { s.opts.NonBlocking = nb; return nil }
func (s *memSource) Fd() int                              { return -1 }
func (s *memSource) Stats() (snare.Stats, error)          { return snare.Stats{Received: uint64(s.i)}, nil }
func (s *memSource) Inject(b []byte) (int, error)         { return len(b), nil }
func (s *memSource) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
func (s *memSource) Close() error { s.closed = true; return nil }

func init() { snare.Register(memModule{}) }

func TestRegistryDispatch(t *testing.T) {
	if _, err := snare.NewHandle("nosuch://x"); !errors.Is(err, snare.ErrNoSuchDevice) {
		t.Fatalf("unclaimed scheme: %v", err)
	}
	h, err := snare.NewHandle("mem://a")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, ok := h.Source().(*memSource); !ok {
		t.Fatalf("mem:// went to %T", h.Source())
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a module twice did not panic")
		}
	}()
	snare.Register(memModule{})
}

func TestLifeCycle(t *testing.T) {
	h, err := snare.NewHandle("mem://a")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.ZeroCopyReadPacketData(); !errors.Is(err, snare.ErrNotActivated) {
		t.Errorf("read before activation: %v", err)
	}
	if err := h.SetLinkType(link.EN10MB); !errors.Is(err, snare.ErrNotActivated) {
		t.Errorf("SetLinkType before activation: %v", err)
	}
	h.SetSnapLen(100)
	h.SetPromisc(true)
	h.SetTimeout(time.Second)
	h.SetBufferSize(1 << 20)
	h.SetImmediateMode(true)
	h.SetTimestampPrecision(snare.Nanosecond)
	h.SetDirection(snare.DirectionIn)
	h.SetProtocol(0x0800)
	h.SetFanout(snare.Fanout{Mode: snare.FanoutHash, Group: 7})
	if err := h.Activate(); err != nil {
		t.Fatal(err)
	}
	o := h.Source().(*memSource).opts
	want := snare.Options{SnapLen: 100, Promiscuous: true, Timeout: time.Second, BufferSize: 1 << 20, Immediate: true,
		TimestampPrecision: snare.Nanosecond, Direction: snare.DirectionIn, Protocol: 0x0800,
		Fanout: snare.Fanout{Mode: snare.FanoutHash, Group: 7}}
	if o != want {
		t.Errorf("options %+v, want %+v", o, want)
	}
	for name, err := range map[string]error{
		"SetSnapLen": h.SetSnapLen(1), "SetPromisc": h.SetPromisc(false), "SetTimeout": h.SetTimeout(0),
		"SetBufferSize": h.SetBufferSize(1), "SetImmediateMode": h.SetImmediateMode(false),
		"SetTimestampType": h.SetTimestampType(snare.TimestampHost), "Activate": h.Activate(),
	} {
		if !errors.Is(err, snare.ErrActivated) {
			t.Errorf("%s after activation: %v", name, err)
		}
	}
	if err := h.SetDirection(snare.DirectionOut); err != nil || h.Source().(*memSource).dir != snare.DirectionOut {
		t.Errorf("SetDirection after activation: %v", err)
	}
	data, ci, err := h.ReadPacketData()
	if err != nil || data[0] != 0 || ci.CaptureLength != 64 || ci.Length != 100 {
		t.Fatalf("first packet: %v %v %+v", err, data, ci)
	}
	p, err := h.Next()
	if err != nil || p.Data[0] != 1 {
		t.Fatalf("Next: %v", err)
	}
	n, err := h.Dispatch(3, func([]byte, snare.CaptureInfo) {})
	if err != nil || n != 1 {
		t.Fatalf("Dispatch: %d %v (one packet per buffer from this source)", n, err)
	}
	got := 0
	if err := h.Loop(4, func([]byte, snare.CaptureInfo) { got++ }); err != nil || got != 4 {
		t.Fatalf("Loop(4): %v, %d packets", err, got)
	}
	st, err := h.Stats()
	if err != nil || st.Captured != 7 || st.Received != 7 {
		t.Fatalf("stats %+v %v", st, err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if !h.Source().(*memSource).closed {
		t.Fatal("source not closed")
	}
	if _, err := h.Stats(); !errors.Is(err, snare.ErrClosed) {
		t.Errorf("Stats after Close: %v", err)
	}
}

func TestUserlandFilterAndEOF(t *testing.T) {
	h, err := snare.NewHandle("mem://eof")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Activate(); err != nil {
		t.Fatal(err)
	}
	// accept packets whose first byte is odd, 10 bytes of them
	err = h.SetBPF(bpf.Program{
		{Op: bpf.LD | bpf.B | bpf.ABS, K: 0},
		{Op: bpf.JMP | bpf.JSET | bpf.K, K: 1, Jt: 0, Jf: 1},
		{Op: bpf.RET | bpf.K, K: 10},
		{Op: bpf.RET | bpf.K, K: 0},
	})
	if err != nil {
		t.Fatal(err)
	}
	if h.FilterPlace() != snare.FilterHandle {
		t.Fatalf("place %v", h.FilterPlace())
	}
	var got []byte
	for p, err := range h.Packets() {
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Data) != 10 || p.Info.CaptureLength != 10 || p.Info.Length != 100 {
			t.Fatalf("packet %d: %d bytes, caplen %d", p.Data[0], len(p.Data), p.Info.CaptureLength)
		}
		got = append(got, p.Data[0])
	}
	if !slices.Equal(got, []byte{1, 3, 5, 7, 9}) {
		t.Fatalf("filtered %v", got)
	}
	if err := h.SetBPF(bpf.Program{{Op: bpf.LD | bpf.MEM, K: 99}}); err == nil {
		t.Fatal("an invalid program was accepted")
	}
}

// TestNextBatchUserlandFilter reads the same source with NextBatch: the
// handle's userland filter drops and cuts packets in the batches, the
// end of the file is io.EOF, and Captured counts what was returned.
func TestNextBatchUserlandFilter(t *testing.T) {
	h, err := snare.NewHandle("mem://eof")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, err := h.NextBatch(); !errors.Is(err, snare.ErrNotActivated) {
		t.Fatalf("NextBatch before Activate: %v", err)
	}
	if err := h.Activate(); err != nil {
		t.Fatal(err)
	}
	err = h.SetBPF(bpf.Program{ // first byte odd: 10 bytes
		{Op: bpf.LD | bpf.B | bpf.ABS, K: 0},
		{Op: bpf.JMP | bpf.JSET | bpf.K, K: 1, Jt: 0, Jf: 1},
		{Op: bpf.RET | bpf.K, K: 10},
		{Op: bpf.RET | bpf.K, K: 0},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	for {
		pkts, err := h.NextBatch()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(pkts) == 0 {
			t.Fatal("empty batch")
		}
		for _, p := range pkts {
			if len(p.Data) != 10 || p.Info.CaptureLength != 10 || p.Info.Length != 100 {
				t.Fatalf("packet %d: %d bytes, caplen %d", p.Data[0], len(p.Data), p.Info.CaptureLength)
			}
			got = append(got, p.Data[0])
		}
	}
	if !slices.Equal(got, []byte{1, 3, 5, 7, 9}) {
		t.Fatalf("filtered %v", got)
	}
	if st, err := h.Stats(); err != nil || st.Captured != 5 {
		t.Fatalf("stats %+v, %v; want 5 captured", st, err)
	}
}

// TestBreakAndCloseWhileBlocked: readers blocked in the source return
// ErrBreak / ErrClosed.
func TestBreakAndCloseWhileBlocked(t *testing.T) {
	for _, closeIt := range []bool{false, true} {
		h, _ := snare.NewHandle("mem://a")
		h.Activate()
		h.Loop(10, func([]byte, snare.CaptureInfo) {})
		errc := make(chan error, 1)
		go func() { errc <- h.Loop(0, func([]byte, snare.CaptureInfo) {}) }()
		time.Sleep(time.Millisecond)
		if closeIt {
			h.Close()
		} else {
			h.BreakLoop()
		}
		select {
		case err := <-errc:
			if closeIt && !errors.Is(err, snare.ErrClosed) || !closeIt && !errors.Is(err, snare.ErrBreak) {
				t.Fatalf("close=%v: %v", closeIt, err)
			}
		case <-time.After(10 * time.Second): // hang detector
			t.Fatal("reader did not return")
		}
		h.Close()
	}
	// Non-blocking: ErrTimeout at once; Loop keeps going until broken.
	h, _ := snare.NewHandle("mem://a")
	defer h.Close()
	h.SetNonblock(true)
	h.Activate()
	h.Loop(10, func([]byte, snare.CaptureInfo) {})
	if _, _, err := h.ReadPacketData(); !errors.Is(err, snare.ErrTimeout) {
		t.Fatalf("non-blocking read: %v", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); time.Sleep(time.Millisecond); h.BreakLoop() }()
	if err := h.Loop(0, func([]byte, snare.CaptureInfo) {}); !errors.Is(err, snare.ErrBreak) {
		t.Fatalf("Loop: %v", err)
	}
	wg.Wait()
}

func TestSortInterfaces(t *testing.T) {
	devs := []snare.Interface{
		{Name: "lo", Flags: snare.FlagUp | snare.FlagRunning | snare.FlagLoopback | snare.ConnectionNotApplicable},
		{Name: "down0", Flags: snare.ConnectionDisconnected},
		{Name: "any", Flags: snare.FlagUp | snare.FlagRunning | snare.ConnectionNotApplicable},
		{Name: "nflog"},
		{Name: "eth1", Flags: snare.FlagUp | snare.FlagRunning | snare.ConnectionDisconnected},
		{Name: "eth0", Flags: snare.FlagUp | snare.FlagRunning | snare.ConnectionConnected},
		{Name: "wlan0", Flags: snare.FlagUp | snare.FlagRunning | snare.FlagWireless | snare.ConnectionDisconnected},
	}
	snare.SortInterfaces(devs)
	var names []string
	for _, d := range devs {
		names = append(names, d.Name)
	}
	// libpcap 1.10.3 order (cf. tcpdump -D): up+running first, then "any",
	// then disconnected, loopback, and devices that are down.
	want := []string{"eth0", "wlan0", "any", "lo", "eth1", "nflog", "down0"}
	if !slices.Equal(names, want) {
		t.Fatalf("order %v, want %v", names, want)
	}
	for f, s := range map[snare.InterfaceFlags]string{
		snare.FlagUp | snare.FlagRunning | snare.FlagLoopback: "Up, Running, Loopback",
		0:                            "none",
		snare.ConnectionDisconnected: "none, Disconnected",
		snare.FlagWireless | snare.ConnectionConnected:                   "Wireless, Associated",
		snare.FlagUp | snare.FlagRunning | snare.ConnectionConnected:     "Up, Running, Connected",
		snare.FlagUp | snare.FlagRunning | snare.ConnectionNotApplicable: "Up, Running",
	} {
		if f.String() != s {
			t.Errorf("%#x: %q, want %q", uint32(f), f.String(), s)
		}
	}
}

func TestFindAllDevsMerges(t *testing.T) {
	devs, err := snare.FindAllDevs()
	if err != nil {
		t.Fatal(err)
	}
	var mem []string
	for _, d := range devs {
		if len(d.Name) > 6 && d.Name[:6] == "mem://" {
			mem = append(mem, d.Name)
		}
	}
	if !slices.Equal(mem, []string{"mem://up", "mem://lo", "mem://down"}) {
		t.Fatalf("mem devices in order %v", mem)
	}
}

func TestTimestampTypeNames(t *testing.T) {
	for i := snare.TimestampHost; i <= snare.TimestampHostHighPrecUnsynced; i++ {
		got, ok := snare.TimestampTypeByName(i.String())
		if !ok || got != i {
			t.Errorf("%v round trip: %v %v", i, got, ok)
		}
	}
	if _, ok := snare.TimestampTypeByName("sundial"); ok {
		t.Error("unknown name accepted")
	}
	if m, ok := snare.FanoutModeByName("rollover"); !ok || m != snare.FanoutRollover {
		t.Error("fanout mode by name")
	}
}
