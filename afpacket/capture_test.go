//go:build linux

package afpacket_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testnet"
	"github.com/snare-pcap/snare/link"
)

// TestExactlyOnce injects 1000 frames of varied sizes from A and checks
// that the capture on B's veth sees each exactly once, byte for byte,
// with equal lengths, and that the statistics agree.
func TestExactlyOnce(t *testing.T) {
	p := testnet.New(t)
	const count = 1000
	rx := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) {
		h.SetTimeout(50 * time.Millisecond)
		h.SetBufferSize(8 << 20)
		h.SetTimestampPrecision(snare.Nanosecond)
	})
	if rx.LinkType() != link.EN10MB {
		t.Fatalf("link type %v, want EN10MB", rx.LinkType())
	}
	tx := open(t, p, testnet.A, p.IfA, nil)
	sent := make([][]byte, count)
	for i := range sent {
		sent[i] = udpFrame(p, uint32(i), 60+i%1400, 9)
		if err := tx.WritePacketData(sent[i]); err != nil {
			t.Fatalf("inject %d: %v", i, err)
		}
	}
	seen := make([]int, count)
	got := collect(t, rx, 300*time.Millisecond, nil)
	n := 0
	for _, c := range got {
		seq, ok := seqOf(c.data)
		if !ok {
			continue
		}
		n++
		if seq >= count {
			t.Fatalf("bad seq %d", seq)
		}
		seen[seq]++
		if !bytes.Equal(c.data, sent[seq]) {
			t.Errorf("packet %d: bytes differ", seq)
		}
		if c.ci.CaptureLength != len(sent[seq]) || c.ci.Length != len(sent[seq]) {
			t.Errorf("packet %d: caplen %d len %d, want %d", seq, c.ci.CaptureLength, c.ci.Length, len(sent[seq]))
		}
		if c.ci.Direction != snare.DirectionIn {
			t.Errorf("packet %d: direction %v", seq, c.ci.Direction)
		}
		if c.ci.Timestamp.IsZero() || time.Since(c.ci.Timestamp) > time.Minute {
			t.Errorf("packet %d: timestamp %v", seq, c.ci.Timestamp)
		}
	}
	for i, s := range seen {
		if s != 1 {
			t.Errorf("packet %d seen %d times", i, s)
		}
	}
	st, err := rx.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Dropped != 0 || st.Received != uint64(len(got)) || st.Captured != uint64(len(got)) {
		t.Errorf("stats %+v, captured %d (of which %d ours)", st, len(got), n)
	}
}

// TestNextBatch injects 1000 frames and reads them with NextBatch: each
// exactly once, byte for byte, in order, in batches of several packets
// (at most 128), and the statistics count them.
func TestNextBatch(t *testing.T) {
	p := testnet.New(t)
	const count = 1000
	rx := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) {
		h.SetTimeout(50 * time.Millisecond)
		h.SetBufferSize(8 << 20)
		h.SetDirection(snare.DirectionIn)
	})
	tx := open(t, p, testnet.A, p.IfA, nil)
	sent := make([][]byte, count)
	for i := range sent {
		sent[i] = udpFrame(p, uint32(i), 60+i%1400, 9)
		if err := tx.WritePacketData(sent[i]); err != nil {
			t.Fatalf("inject %d: %v", i, err)
		}
	}
	next, total, most := 0, 0, 0
	deadline := time.Now().Add(30 * time.Second) // hang detector only
	for next < count && time.Now().Before(deadline) {
		pkts, err := rx.NextBatch()
		if errors.Is(err, snare.ErrTimeout) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(pkts) == 0 || len(pkts) > 128 {
			t.Fatalf("batch of %d packets", len(pkts))
		}
		most = max(most, len(pkts))
		total += len(pkts)
		for _, c := range pkts {
			seq, ok := seqOf(c.Data)
			if !ok {
				continue
			}
			if int(seq) != next {
				t.Fatalf("got packet %d, want %d", seq, next)
			}
			if !bytes.Equal(c.Data, sent[seq]) || c.Info.CaptureLength != len(sent[seq]) || c.Info.Length != len(sent[seq]) {
				t.Fatalf("packet %d: %d bytes (caplen %d, len %d), want %d", seq, len(c.Data), c.Info.CaptureLength, c.Info.Length, len(sent[seq]))
			}
			next++
		}
	}
	if next != count {
		t.Fatalf("read %d of %d packets", next, count)
	}
	if most < 2 {
		t.Errorf("every batch held one packet: no batching")
	}
	st, err := rx.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Dropped != 0 || st.Captured != uint64(total) {
		t.Errorf("stats %+v, returned %d", st, total)
	}
}

// TestDispatchAndFd: once a block is ready the Fd polls readable, and
// Dispatch hands over every packet that is ready in one call.
func TestDispatchAndFd(t *testing.T) {
	p := testnet.New(t)
	rx := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) {
		h.SetTimeout(20 * time.Millisecond)
		h.SetDirection(snare.DirectionIn)
	})
	tx := open(t, p, testnet.A, p.IfA, nil)
	for i := range 100 {
		tx.WritePacketData(udpFrame(p, uint32(i), 100, 9))
	}
	fds := []unix.PollFd{{Fd: int32(rx.Fd()), Events: unix.POLLIN}}
	if n, err := unix.Poll(fds, int(hang/time.Millisecond)); err != nil || n != 1 {
		t.Fatalf("poll on Fd: %d %v", n, err)
	}
	time.Sleep(100 * time.Millisecond) // let every block time out, in case the burst spans two
	got := 0
	n, err := rx.Dispatch(0, func(data []byte, ci snare.CaptureInfo) {
		if _, ok := seqOf(data); ok {
			got++
		}
	})
	if err != nil || n != got || got != 100 {
		t.Fatalf("Dispatch returned %d (%v), %d of ours; want all 100 in one call", n, err, got)
	}
}
