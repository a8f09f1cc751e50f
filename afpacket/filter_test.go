//go:build linux

package afpacket_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/internal/testnet"
)

// mixedTraffic injects n frames from A: UDP to ports 7, 8, 9 and 53, of
// varied sizes, returning them by sequence number.
func mixedTraffic(t *testing.T, p *testnet.Pair, tx *snare.Handle, n int) [][]byte {
	t.Helper()
	ports := []uint16{7, 8, 9, 53}
	sent := make([][]byte, n)
	for i := range sent {
		sent[i] = udpFrame(p, uint32(i), 60+(i*37)%1200, ports[i%len(ports)])
		if err := tx.WritePacketData(sent[i]); err != nil {
			t.Fatal(err)
		}
	}
	return sent
}

func seqs(c []captured) []uint32 {
	var out []uint32
	for _, x := range c {
		if s, ok := seqOf(x.data); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// TestKernelFilterMatchesUserland captures the same traffic with kernel
// filters and without a filter, and checks that each kernel filter passed
// exactly the packets the userland machine accepts from the unfiltered
// capture, with the same captured lengths.
func TestKernelFilterMatchesUserland(t *testing.T) {
	p := testnet.New(t)
	exprs := []string{
		"udp port 7",
		"udp and greater 600",
		"udp dst port 53 or less 100",
		"ip[8] = 64 and not udp port 9",
		"udp[8:4] & 1 = 1",
		"inbound and udp port 8",
		"outbound",
		"vlan",
		"tcp",
	}
	all := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) { h.SetTimeout(50 * time.Millisecond) })
	rxs := make([]*snare.Handle, len(exprs))
	progs := make([]*bpf.Machine, len(exprs))
	for i, e := range exprs {
		rxs[i] = open(t, p, testnet.B, p.IfB, func(h *snare.Handle) {
			h.SetTimeout(50 * time.Millisecond)
			h.SetSnapLen(200)
		})
		prog, err := rxs[i].CompileFilter(e)
		if err != nil {
			t.Fatalf("%q: %v", e, err)
		}
		if err := rxs[i].SetBPF(prog); err != nil {
			t.Fatalf("%q: %v", e, err)
		}
		if !rxs[i].FilterInKernel() {
			t.Errorf("%q: filter not in the kernel (%v)", e, rxs[i].FilterPlace())
		}
		if progs[i], err = bpf.NewMachine(prog); err != nil {
			t.Fatal(err)
		}
	}
	tx := open(t, p, testnet.A, p.IfA, nil)
	mixedTraffic(t, p, tx, 400)
	unfiltered := collect(t, all, 300*time.Millisecond, nil)
	if len(seqs(unfiltered)) != 400 {
		t.Fatalf("unfiltered capture has %d of 400 packets", len(seqs(unfiltered)))
	}
	for i, e := range exprs {
		var want []captured
		for _, c := range unfiltered {
			aux := bpf.Aux{Protocol: uint16(c.data[12])<<8 | uint16(c.data[13]), IfIndex: uint32(c.ci.InterfaceIndex)}
			if c.ci.Direction == snare.DirectionOut {
				aux.PktType = 4 // PACKET_OUTGOING
			}
			if snap := progs[i].RunAux(c.data, c.ci.Length, &aux); snap > 0 {
				want = append(want, c)
			}
		}
		got := collect(t, rxs[i], 300*time.Millisecond, nil)
		if len(got) != len(want) || !slices.Equal(seqs(got), seqs(want)) {
			t.Errorf("%q: kernel passed %d packets %v..., userland machine %d", e, len(got), head(seqs(got)), len(want))
			continue
		}
		for j := range got {
			if got[j].ci.CaptureLength != min(200, want[j].ci.CaptureLength) {
				t.Errorf("%q: packet %d caplen %d", e, j, got[j].ci.CaptureLength)
				break
			}
		}
	}
}

func head(s []uint32) []uint32 { return s[:min(len(s), 8)] }

// TestUserlandFallback: a program the kernel refuses (longer than
// BPF_MAXINSNS) runs in userland with the same result.
func TestUserlandFallback(t *testing.T) {
	p := testnet.New(t)
	rx := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) { h.SetTimeout(50 * time.Millisecond) })
	// 5000 loads, then: ether type IPv4, UDP, dst port 7 → accept.
	var prog bpf.Program
	for range 5000 {
		prog = append(prog, bpf.Instruction{Op: bpf.LD | bpf.H | bpf.ABS, K: 12})
	}
	prog = append(prog,
		bpf.Instruction{Op: bpf.JMP | bpf.JEQ | bpf.K, K: 0x0800, Jf: 5},
		bpf.Instruction{Op: bpf.LD | bpf.B | bpf.ABS, K: 23},
		bpf.Instruction{Op: bpf.JMP | bpf.JEQ | bpf.K, K: 17, Jf: 3},
		bpf.Instruction{Op: bpf.LD | bpf.H | bpf.ABS, K: 36},
		bpf.Instruction{Op: bpf.JMP | bpf.JEQ | bpf.K, K: 7, Jf: 1},
		bpf.Instruction{Op: bpf.RET | bpf.K, K: 262144},
		bpf.Instruction{Op: bpf.RET | bpf.K, K: 0},
	)
	if err := rx.SetBPF(prog); err != nil {
		t.Fatal(err)
	}
	if rx.FilterInKernel() || rx.FilterPlace() != snare.FilterSource {
		t.Fatalf("filter place %v, want userland in the source", rx.FilterPlace())
	}
	tx := open(t, p, testnet.A, p.IfA, nil)
	mixedTraffic(t, p, tx, 200)
	got := seqs(collect(t, rx, 300*time.Millisecond, nil))
	if len(got) != 50 {
		t.Fatalf("userland filter passed %d packets, want the 50 to port 7", len(got))
	}
	for _, s := range got {
		if s%4 != 0 {
			t.Fatalf("packet %d is not to port 7", s)
		}
	}
}

// TestFilterChangeLeaksNothing swaps the filter between "udp port 7" and
// "udp port 8" while traffic to both ports flows, and checks that every
// packet read after a SetFilter call returned matches that filter (also
// for the first filter, set while unfiltered packets were already in the
// ring).
func TestFilterChangeLeaksNothing(t *testing.T) {
	p := testnet.New(t)
	rx := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) {
		h.SetTimeout(20 * time.Millisecond)
		h.SetBufferSize(4 << 20)
	})
	tx := open(t, p, testnet.A, p.IfA, nil)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20000 { // bounded
			select {
			case <-stop:
				return
			default:
			}
			tx.WritePacketData(udpFrame(p, uint32(i), 64, uint16(7+i%2)))
			if i%64 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	time.Sleep(20 * time.Millisecond) // let unfiltered packets into the ring
	deadline := time.Now().Add(hang)
	total := 0
	for round := range 12 {
		port := uint16(7 + round%2)
		if err := rx.SetFilter(fmt.Sprintf("udp port %d", port)); err != nil {
			t.Fatal(err)
		}
		for n := 0; n < 100 && time.Now().Before(deadline); {
			data, _, err := rx.ZeroCopyReadPacketData()
			if err != nil {
				continue // timeouts
			}
			n++
			total++
			if len(data) < 38 || uint16(data[36])<<8|uint16(data[37]) != port {
				t.Fatalf("round %d: filter udp port %d delivered %x", round, port, data[:min(len(data), 40)])
			}
		}
	}
	if total != 1200 {
		t.Fatalf("read %d packets, want 1200", total)
	}
}
