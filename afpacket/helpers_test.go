//go:build linux

package afpacket_test

import (
	"encoding/binary"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	_ "github.com/snare-pcap/snare/afpacket"
	"github.com/snare-pcap/snare/internal/testnet"
)

// open creates, configures (set) and activates a handle on dev inside
// namespace ns of p. Close is registered with t.Cleanup.
func open(t *testing.T, p *testnet.Pair, ns int, dev string, set func(h *snare.Handle)) *snare.Handle {
	t.Helper()
	var h *snare.Handle
	var err error
	p.Do(t, ns, func() {
		h, err = snare.NewHandle(dev)
		if err != nil {
			return
		}
		if set != nil {
			set(h)
		}
		err = h.Activate()
	})
	if err != nil {
		t.Fatalf("open %s: %v", dev, err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// udpFrame builds an Ethernet/IPv4/UDP frame from A to B (port 9) of
// size bytes whose payload starts with seq.
func udpFrame(p *testnet.Pair, seq uint32, size int, dport uint16) []byte {
	if size < 14+20+8+4 {
		size = 14 + 20 + 8 + 4
	}
	b := make([]byte, size)
	dst, _ := net.ParseMAC(p.MACB)
	src, _ := net.ParseMAC(p.MACA)
	copy(b[0:6], dst)
	copy(b[6:12], src)
	binary.BigEndian.PutUint16(b[12:], 0x0800)
	ip := b[14:34]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(size-14))
	binary.BigEndian.PutUint16(ip[4:], uint16(seq))
	ip[8] = 64
	ip[9] = 17
	a4, b4 := p.AddrA.As4(), p.AddrB.As4()
	copy(ip[12:16], a4[:])
	copy(ip[16:20], b4[:])
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
	udp := b[34:]
	binary.BigEndian.PutUint16(udp[0:], 4000)
	binary.BigEndian.PutUint16(udp[2:], dport)
	binary.BigEndian.PutUint16(udp[4:], uint16(size-34))
	binary.BigEndian.PutUint32(udp[8:], seq)
	for i := 12; i < len(udp); i++ {
		udp[i] = byte(seq + uint32(i))
	}
	return b
}

// seqOf returns the sequence number of a frame built by udpFrame, or
// false if the frame is not one.
func seqOf(b []byte) (uint32, bool) {
	if len(b) < 46 || binary.BigEndian.Uint16(b[12:]) != 0x0800 || b[23] != 17 || binary.BigEndian.Uint16(b[34:]) != 4000 {
		return 0, false
	}
	return binary.BigEndian.Uint32(b[42:]), true
}

type captured struct {
	data []byte
	ci   snare.CaptureInfo
}

// collect reads packets from h until stop returns true for the list so
// far, or until quiet (no packet for that long after at least one read
// timeout), or the hang deadline.
func collect(t *testing.T, h *snare.Handle, quiet time.Duration, stop func([]captured) bool) []captured {
	t.Helper()
	var out []captured
	deadline := time.Now().Add(30 * time.Second) // hang detector only
	last := time.Now()
	for time.Now().Before(deadline) {
		data, ci, err := h.ReadPacketData()
		if errors.Is(err, snare.ErrTimeout) {
			if time.Since(last) > quiet {
				return out
			}
			continue
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		last = time.Now()
		out = append(out, captured{data, ci})
		if stop != nil && stop(out) {
			return out
		}
	}
	t.Fatalf("collect: still reading after 30s (%d packets)", len(out))
	return out
}
