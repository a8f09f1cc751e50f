//go:build linux

package afpacket_test

import (
	"errors"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testnet"
)

// TestTimeout: with a timeout and no traffic a read returns ErrTimeout;
// a single packet (far from filling a ring block) is still delivered,
// because the block is handed over when the timeout expires.
func TestTimeout(t *testing.T) {
	p := testnet.New(t)
	rx := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) { h.SetTimeout(100 * time.Millisecond) })
	errc := make(chan error, 1)
	go func() { _, _, err := rx.ReadPacketData(); errc <- err }()
	select {
	case err := <-errc:
		if !errors.Is(err, snare.ErrTimeout) {
			t.Fatalf("read with no traffic: %v, want ErrTimeout", err)
		}
	case <-time.After(hang):
		rx.Close()
		t.Fatal("read with a 100 ms timeout did not return")
	}
	tx := open(t, p, testnet.A, p.IfA, nil)
	if err := tx.WritePacketData(udpFrame(p, 7, 100, 9)); err != nil {
		t.Fatal(err)
	}
	got := collect(t, rx, 500*time.Millisecond, func(c []captured) bool { return len(c) > 0 })
	if len(got) == 0 {
		t.Fatal("the single packet was not delivered")
	}
	if seq, ok := seqOf(got[0].data); !ok || seq != 7 {
		t.Fatalf("got %x", got[0].data)
	}
}

// TestImmediateMode: with immediate mode and no timeout (wait forever),
// a single packet is delivered on its own.
func TestImmediateMode(t *testing.T) {
	p := testnet.New(t)
	rx := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) {
		h.SetImmediateMode(true)
		h.SetTimeout(0)
		h.SetDirection(snare.DirectionIn) // not B's ICMP port unreachables
	})
	tx := open(t, p, testnet.A, p.IfA, nil)
	for i := range 3 {
		res := make(chan []byte, 1)
		go func() {
			data, _, err := rx.ReadPacketData()
			if err != nil {
				t.Error(err)
			}
			res <- data
		}()
		if err := tx.WritePacketData(udpFrame(p, uint32(i), 80, 9)); err != nil {
			t.Fatal(err)
		}
		select {
		case data := <-res:
			if seq, ok := seqOf(data); !ok || seq != uint32(i) {
				t.Fatalf("packet %d: got %x", i, data)
			}
		case <-time.After(hang):
			rx.Close()
			t.Fatalf("packet %d not delivered in immediate mode", i)
		}
	}
}

// TestNonblock: a non-blocking read with nothing waiting returns
// ErrTimeout at once.
func TestNonblock(t *testing.T) {
	p := testnet.New(t)
	rx := open(t, p, testnet.B, p.IfB, nil)
	if err := rx.SetNonblock(true); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { _, _, err := rx.ReadPacketData(); errc <- err }()
	select {
	case err := <-errc:
		if !errors.Is(err, snare.ErrTimeout) {
			t.Fatalf("non-blocking read: %v", err)
		}
	case <-time.After(hang):
		rx.Close()
		t.Fatal("non-blocking read blocked")
	}
}

// TestImmediateModeHoldsSparsePackets: in immediate mode each packet of
// sparse traffic is handed over in a ring block of its own, so the ring
// must have as many blocks as libpcap's immediate-mode ring has frames
// (the 2 MiB default buffer over the largest packet: 31). Thirty packets
// sent far apart while nobody reads must all be kept.
func TestImmediateModeHoldsSparsePackets(t *testing.T) {
	p := testnet.New(t)
	rx := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) {
		h.SetImmediateMode(true)
		h.SetTimeout(100 * time.Millisecond)
	})
	// Only A's frames: not B's ICMP port unreachables, which would take
	// blocks of their own.
	prog, err := rx.CompileFilter("udp and inbound")
	if err != nil {
		t.Fatal(err)
	}
	if err := rx.SetBPF(prog); err != nil {
		t.Fatal(err)
	}
	tx := open(t, p, testnet.A, p.IfA, nil)
	const n = 30
	for i := range n {
		if err := tx.WritePacketData(udpFrame(p, uint32(i), 80, 9)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // past the 1 ms block timeout
	}
	got := collect(t, rx, 300*time.Millisecond, func(c []captured) bool { return len(c) == n })
	st, err := rx.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n || st.Dropped != 0 {
		t.Fatalf("captured %d of %d sparse packets, %d dropped by the kernel", len(got), n, st.Dropped)
	}
	for i, c := range got {
		if seq, ok := seqOf(c.data); !ok || seq != uint32(i) {
			t.Fatalf("packet %d: got %x", i, c.data)
		}
	}
}
