//go:build linux

package afpacket_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testnet"
)

// TestFanout: two sockets in one PACKET_FANOUT group share the packets:
// together they see each exactly once, and (load balancing) both get
// some.
func TestFanout(t *testing.T) {
	p := testnet.New(t)
	var hs [2]*snare.Handle
	for i := range hs {
		hs[i] = open(t, p, testnet.B, p.IfB, func(h *snare.Handle) {
			h.SetTimeout(50 * time.Millisecond)
			h.SetDirection(snare.DirectionIn)
			h.SetFanout(snare.Fanout{Mode: snare.FanoutLB, Group: 4242})
		})
	}
	tx := open(t, p, testnet.A, p.IfA, nil)
	const n = 400
	for i := range n {
		if err := tx.WritePacketData(udpFrame(p, uint32(i), 100, 9)); err != nil {
			t.Fatal(err)
		}
	}
	var all []uint32
	for i, h := range hs {
		s := seqs(collect(t, h, 300*time.Millisecond, nil))
		if len(s) == 0 {
			t.Errorf("socket %d got nothing from the load-balancing group", i)
		}
		all = append(all, s...)
	}
	slices.Sort(all)
	if len(all) != n || all[0] != 0 || all[n-1] != n-1 || len(slices.Compact(all)) != n {
		t.Fatalf("the group saw %d packets, want each of %d once", len(all), n)
	}
}

// TestProtocolAndInjectOptions: SetProtocol captures one EtherType only;
// injection with the qdisc bypass still delivers.
func TestProtocolAndInjectOptions(t *testing.T) {
	p := testnet.New(t)
	rx := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) {
		h.SetTimeout(50 * time.Millisecond)
		h.SetProtocol(0x0800)
	})
	tx := open(t, p, testnet.A, p.IfA, func(h *snare.Handle) { h.SetQdiscBypass(true) })
	ipf := udpFrame(p, 1, 100, 9)
	other := udpFrame(p, 2, 100, 9)
	other[12], other[13] = 0x88, 0xb5 // local experimental EtherType
	for range 5 {
		tx.WritePacketData(other)
		tx.WritePacketData(ipf)
	}
	got := collect(t, rx, 300*time.Millisecond, nil)
	ours := 0
	for _, c := range got {
		if c.data[12] != 0x08 || c.data[13] != 0x00 {
			t.Fatalf("protocol 0x0800 capture got EtherType %x", c.data[12:14])
		}
		if s, ok := seqOf(c.data); ok && s == 1 {
			ours++
		}
	}
	if ours != 5 {
		t.Fatalf("got %d of the 5 IPv4 frames", ours)
	}
}

// TestTimestampTypes: veth has no hardware clock, so only host stamps are
// offered and asking for the adapter's fails with ErrNotSupported.
func TestTimestampTypes(t *testing.T) {
	p := testnet.New(t)
	var h *snare.Handle
	var types []snare.TimestampType
	var err error
	p.Do(t, testnet.B, func() {
		h, err = snare.NewHandle(p.IfB)
		if err != nil {
			return
		}
		types = h.TimestampTypes()
		h.SetTimestampType(snare.TimestampAdapterUnsynced)
		err = h.Activate()
	})
	if h != nil {
		defer h.Close()
	}
	if len(types) == 0 || types[0] != snare.TimestampHost {
		t.Errorf("types %v", types)
	}
	if slices.Contains(types, snare.TimestampAdapterUnsynced) {
		t.Skip("this veth reports hardware time stamps")
	}
	if !errors.Is(err, snare.ErrNotSupported) {
		t.Fatalf("adapter_unsynced on veth: %v", err)
	}
}
