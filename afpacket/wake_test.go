//go:build linux

package afpacket_test

import (
	"errors"
	"flag"
	"sync"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testnet"
)

var stress = flag.Bool("snare.stress", false, "run the BreakLoop/Close test 1000 times (the default under -race)")

// hang is a hang detector, not a timing measurement.
const hang = 10 * time.Second

// TestBreakLoopAndCloseWakeReader blocks readers (ReadPacketData, Loop,
// Dispatch, the iterator, NextBatch; timeout 0 = wait forever) and then breaks or
// closes the handle from another goroutine, with and without traffic
// flowing. Every reader must return ErrBreak or ErrClosed, and nothing may
// crash (Close while a Loop callback is reading zero-copy data included).
// 1000 iterations under -race or with -snare.stress, 60 otherwise.
func TestBreakLoopAndCloseWakeReader(t *testing.T) {
	p := testnet.New(t)
	iters := 60
	if raceEnabled || *stress {
		iters = 1000
	}
	tx := open(t, p, testnet.A, p.IfA, nil)
	frame := udpFrame(p, 1, 200, 9)
	for i := range iters {
		var h *snare.Handle
		var err error
		p.Do(t, testnet.B, func() {
			h, err = snare.NewHandle(p.IfB)
			if err == nil {
				h.SetBufferSize(256 << 10)
				err = h.Activate()
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		traffic := i%2 == 1
		closeIt := i%4 >= 2
		mode := i / 4 % 5
		done := make(chan error, 1)
		started := make(chan struct{})
		go func() {
			close(started)
			switch mode {
			case 0:
				for {
					_, _, err := h.ReadPacketData()
					if err != nil {
						done <- err
						return
					}
				}
			case 1:
				done <- h.Loop(0, func(data []byte, ci snare.CaptureInfo) {
					var sum byte
					for _, b := range data { // touch the zero-copy data
						sum += b
					}
					_ = sum
				})
			case 2:
				for {
					if _, err := h.Dispatch(0, func([]byte, snare.CaptureInfo) {}); err != nil {
						done <- err
						return
					}
				}
			case 3:
				for _, err := range h.Packets() {
					if err != nil {
						done <- err
						return
					}
				}
				done <- errors.New("iterator ended without an error")
			case 4:
				for {
					pkts, err := h.NextBatch()
					if err != nil {
						done <- err
						return
					}
					var sum byte
					for _, p := range pkts { // touch the zero-copy data
						for _, b := range p.Data {
							sum += b
						}
					}
					_ = sum
				}
			}
		}()
		<-started
		var wg sync.WaitGroup
		stop := make(chan struct{})
		if traffic {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 200 { // bounded
					select {
					case <-stop:
						return
					default:
					}
					tx.WritePacketData(frame)
				}
			}()
		}
		time.Sleep(time.Duration(i%3) * time.Millisecond)
		if closeIt {
			h.Close()
		} else {
			h.BreakLoop()
		}
		select {
		case err := <-done:
			want := snare.ErrBreak
			if closeIt {
				want = snare.ErrClosed
			}
			if !errors.Is(err, want) {
				t.Fatalf("iteration %d (mode %d, close %v): reader returned %v, want %v", i, mode, closeIt, err, want)
			}
		case <-time.After(hang):
			t.Fatalf("iteration %d (mode %d, close %v): reader still blocked after %v", i, mode, closeIt, hang)
		}
		close(stop)
		wg.Wait()
		if !closeIt {
			// The handle still works after a break.
			if _, err := h.Stats(); err != nil {
				t.Fatalf("Stats after BreakLoop: %v", err)
			}
			h.Close()
		}
		if _, _, err := h.ReadPacketData(); !errors.Is(err, snare.ErrClosed) {
			t.Fatalf("read after Close: %v", err)
		}
	}
}

// TestCloseFromManyGoroutines closes and breaks one handle from several
// goroutines at once while two readers block.
func TestCloseFromManyGoroutines(t *testing.T) {
	p := testnet.New(t)
	h := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) { h.SetBufferSize(256 << 10) })
	errs := make(chan error, 2)
	for range 2 {
		go func() { _, _, err := h.ZeroCopyReadPacketData(); errs <- err }()
	}
	time.Sleep(5 * time.Millisecond)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				h.BreakLoop()
			}
			h.Close()
		}()
	}
	wg.Wait()
	for range 2 {
		select {
		case err := <-errs:
			if !errors.Is(err, snare.ErrClosed) && !errors.Is(err, snare.ErrBreak) {
				t.Fatalf("reader returned %v", err)
			}
		case <-time.After(hang):
			t.Fatal("reader still blocked")
		}
	}
}
