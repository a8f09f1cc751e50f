package main

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/snare-pcap/snare"
)

// batchSource is what a live capture's reader needs of the handle.
type batchSource interface {
	NextBatch() ([]snare.Packet, error)
	BreakLoop()
}

// slowWrite is how long a write straight from the ring may take before
// the reader hands the file to the queue: a little of what the kernel's
// buffer holds at full rate (4 MiB of 1514-byte frames at 470 kpps is
// about 6 ms).
var slowWrite = time.Millisecond

// liveReader takes packets from the handle in batches (no call per
// packet) and queues them for the output side, or, for a -w file that
// allows it (pw.direct), writes them itself straight from the ring.
//
// While it writes directly, the queue stays empty and the writer
// goroutine waits. A write that takes longer than slowWrite hands the
// file to the queue, so that a slow disk does not keep the reader from
// the ring; the reader takes the file back once the writer has written
// every byte it was given (pw.written), so records stay in order.
type liveReader struct {
	h        batchSource
	q        *packetQueue
	pw       *pcapWriter // the -w file's writer (nil: records for the pipeline)
	counts   bool        // the reader counts the captured packets
	captured *atomic.Uint64
	sync     *atomic.Bool // SIGUSR2: write what the direct writer holds

	queued int64 // bytes of records queued while the queue had the file

	// how many batches went each way (for tests)
	directBatches, queuedBatches int
}

// writeError is a failure to write the -w file, met by the reader.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }

func (e *writeError) Unwrap() error { return e.err }

// run reads until the handle fails (a break, a close), then writes what
// it holds, closes the queue and returns the handle's error.
func (r *liveReader) run() error {
	var total uint64 // packets taken from the handle
	nano, snap := false, 0
	var dw *directWriter // writes the file from the ring, while direct
	if r.pw != nil {
		nano, snap, dw = r.pw.nano, r.pw.snap, r.pw.direct
	}
	direct := dw != nil
	mustQueue := false
	// fail ends the capture on a failed write of the file.
	fail := func(err error) error {
		r.q.close()
		return &writeError{r.pw.fileErr(err)}
	}
	// flush writes what the direct writer holds.
	flush := func() error {
		if !direct {
			return nil
		}
		if err := dw.flush(); err != nil {
			return fail(err)
		}
		return nil
	}
	for {
		pkts, err := r.h.NextBatch()
		if err != nil {
			r.q.publish()
			if errors.Is(err, snare.ErrTimeout) {
				// Idle for the capture timeout: what is staged goes out.
				if err := flush(); err != nil {
					return err
				}
				continue
			}
			if err := flush(); err != nil {
				return err
			}
			r.q.close()
			return err
		}
		if r.sync != nil && r.sync.Swap(false) {
			if err := flush(); err != nil {
				return err
			}
		}
		if !direct && dw != nil && !mustQueue && r.pw.written.Load() == r.queued {
			direct = true // the writer has written all it was given
		}
		mustQueue = false
		if direct {
			start := time.Now()
			wrote, err := dw.write(pkts, start)
			if err != nil {
				return fail(err)
			}
			if wrote && time.Since(start) >= slowWrite {
				// Let the queue take the next batch at least.
				direct, mustQueue = false, true
			}
			r.directBatches++
		} else {
			ok := true
			for i := range pkts {
				p := &pkts[i]
				if r.pw != nil {
					n := r.q.addPcap(p.Data, &p.Info, nano, snap)
					r.queued += int64(n)
					ok = n > 0
				} else {
					ok = r.q.add(p.Data, &p.Info)
				}
				if !ok {
					break
				}
			}
			if !ok { // the consumer has stopped
				r.h.BreakLoop()
				continue
			}
			r.queuedBatches++
			// Publish every batch: even with another block ready the
			// next NextBatch may wait, if the block's packets are all
			// filtered out in user space. A lazy queue takes only the
			// lock; a waiting consumer is woken, but one that keeps up
			// with the reader waits only between blocks.
			r.q.publish()
		}
		total += uint64(len(pkts))
		if r.counts {
			r.captured.Store(total)
		}
	}
}
