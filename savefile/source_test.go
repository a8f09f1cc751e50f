package savefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/savefile"
)

func writeTrace(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.pcap")
	w, err := savefile.Create(path, savefile.CreateOptions{LinkType: link.EN10MB, Nanosecond: true})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range n {
		data := make([]byte, 60)
		data[0] = byte(i % 3)
		data[1] = byte(i)
		ci := snare.CaptureInfo{Timestamp: base.Add(time.Duration(i)*time.Second + 123), CaptureLength: 60, Length: 60}
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFileSource(t *testing.T) {
	path := writeTrace(t, 30)
	h, err := snare.NewHandle("file://" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, _, err := h.ReadPacketData(); !errors.Is(err, snare.ErrNotActivated) {
		t.Fatalf("read before Activate: %v, want ErrNotActivated", err)
	}
	h.SetTimestampPrecision(snare.Nanosecond)
	if err := h.Activate(); err != nil {
		t.Fatal(err)
	}
	if err := h.SetSnapLen(10); !errors.Is(err, snare.ErrActivated) {
		t.Fatalf("option after Activate: %v, want ErrActivated", err)
	}
	if h.LinkType() != link.EN10MB {
		t.Fatalf("link type %v", h.LinkType())
	}
	// ld [0] byte; jeq #1 → accept 8 bytes, else reject.
	prog := bpf.Program{
		{Op: bpf.LD | bpf.B | bpf.ABS, K: 0},
		{Op: bpf.JMP | bpf.JEQ | bpf.K, K: 1, Jt: 0, Jf: 1},
		{Op: bpf.RET | bpf.K, K: 8},
		{Op: bpf.RET | bpf.K, K: 0},
	}
	if err := h.SetBPF(prog); err != nil {
		t.Fatal(err)
	}
	if h.FilterPlace() != snare.FilterHandle || h.FilterInKernel() {
		t.Fatalf("filter place %v, want userland in the handle", h.FilterPlace())
	}
	var got []int
	err = h.Loop(0, func(data []byte, ci snare.CaptureInfo) {
		if len(data) != 8 || ci.CaptureLength != 8 || ci.Length != 60 {
			t.Errorf("packet %d: len %d caplen %d wire %d", data[1], len(data), ci.CaptureLength, ci.Length)
		}
		if ci.Timestamp.Nanosecond() != 123 {
			t.Errorf("timestamp %v lost its nanoseconds", ci.Timestamp)
		}
		got = append(got, int(data[1]))
	})
	if err != nil {
		t.Fatalf("Loop: %v", err)
	}
	if len(got) != 10 || got[0] != 1 || got[9] != 28 {
		t.Fatalf("filtered packets %v", got)
	}
	if _, err := h.Stats(); !errors.Is(err, snare.ErrNotSupported) {
		t.Errorf("Stats on a file: %v", err)
	}
}

func TestFileSourceBreakAndIterator(t *testing.T) {
	path := writeTrace(t, 20)
	h, err := snare.NewHandle("file://" + path)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Activate(); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = h.Loop(0, func(data []byte, ci snare.CaptureInfo) {
		n++
		if n == 5 {
			h.BreakLoop()
		}
		if ci.Timestamp.Nanosecond() != 0 {
			t.Errorf("default precision is microseconds, got %v", ci.Timestamp)
		}
	})
	if !errors.Is(err, snare.ErrBreak) || n != 5 {
		t.Fatalf("Loop after BreakLoop: %v after %d packets", err, n)
	}
	for pkt, err := range h.Packets() {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if pkt.Info.CaptureLength != len(pkt.Data) {
			t.Fatal("caplen mismatch")
		}
	}
	if n != 20 {
		t.Fatalf("read %d packets in all, want 20", n)
	}
	h.Close()
	if _, _, err := h.ReadPacketData(); !errors.Is(err, snare.ErrClosed) {
		t.Fatalf("read after Close: %v", err)
	}
}

func TestFileSourceMissing(t *testing.T) {
	h, err := snare.NewHandle("file://" + filepath.Join(t.TempDir(), "nope.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Activate(); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nope.pcap") {
		t.Fatalf("Activate of a missing file: %v, want os.ErrNotExist naming the file", err)
	}
}

// A truncated file read through a Handle: Loop delivers every packet
// before the cut and then returns the reader's error, which wraps
// snare.ErrTruncated and names the file and the record.
func TestFileSourceTruncated(t *testing.T) {
	path := writeTrace(t, 10)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// 24-byte header, records of 16+60 bytes: cut inside the eighth.
	if err := os.WriteFile(path, data[:24+7*76+30], 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := snare.NewHandle("file://" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Activate(); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = h.Loop(0, func([]byte, snare.CaptureInfo) { n++ })
	if n != 7 || !errors.Is(err, snare.ErrTruncated) || !strings.Contains(err.Error(), path+": record 8 at byte offset 556:") {
		t.Fatalf("%d packets, then %v; want 7, then record 8 at byte offset 556 truncated", n, err)
	}
}

// What a file cannot do is refused with ErrNotSupported, naming the
// file; what it can is answered as libpcap answers for a savefile.
func TestFileSourceLimits(t *testing.T) {
	path := writeTrace(t, 3)
	h, err := snare.NewHandle("file://" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Activate(); err != nil {
		t.Fatal(err)
	}
	if lts, err := h.LinkTypes(); err != nil || len(lts) != 1 || lts[0] != link.EN10MB {
		t.Errorf("LinkTypes: %v %v", lts, err)
	}
	if err := h.SetLinkType(link.EN10MB); err != nil {
		t.Errorf("SetLinkType to the file's own type: %v", err)
	}
	if h.SnapLen() != 262144 || h.Fd() != -1 {
		t.Errorf("SnapLen %d, Fd %d", h.SnapLen(), h.Fd())
	}
	if err := h.SetDirection(snare.DirectionInOut); err != nil {
		t.Errorf("SetDirection(in/out): %v", err)
	}
	for name, err := range map[string]error{
		"SetLinkType":  h.SetLinkType(link.Raw),
		"SetDirection": h.SetDirection(snare.DirectionIn),
		"Inject":       h.WritePacketData(make([]byte, 60)),
	} {
		if !errors.Is(err, snare.ErrNotSupported) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want ErrNotSupported naming the file", name, err)
		}
	}
	// A direction chosen before activation is refused at activation.
	h2, err := snare.NewHandle("file://" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Close()
	h2.SetDirection(snare.DirectionOut)
	if err := h2.Activate(); !errors.Is(err, snare.ErrNotSupported) {
		t.Errorf("Activate with a direction: %v", err)
	}
}
