package main

import (
	"sync"

	"github.com/snare-pcap/snare"
)

// queueBytes bounds the packet data held between the capture goroutine
// and the output goroutine (on top of the kernel's own buffer).
const queueBytes = 64 << 20

// batchBytes is the size of one batch's packet buffer.
const batchBytes = 1 << 20

// A packetQueue carries copies of captured packets from the goroutine
// that reads the handle to the goroutine that prints or writes them.
// Packets are copied into large batches, so a packet costs one copy and
// no allocation once the batches exist; the consumer takes every batch
// ready at once. When the consumer falls behind by queueBytes the
// producer waits (and the kernel's buffer absorbs the rest).
type packetQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	ready   []*batch // filled, waiting for the consumer
	cur     *batch   // being filled; also handed over when the consumer is idle
	free    []*batch
	nbatch  int // batches allocated
	max     int // most batches allowed
	closed  bool
	waiting bool // the consumer is waiting for packets
	woken   bool // wake() was called
}

// batch is a run of packets copied into one buffer.
type batch struct {
	buf  []byte
	ents []entry
}

// entry is one packet of a batch: its metadata and where its bytes are.
type entry struct {
	ci     snare.CaptureInfo
	off, n int
}

func newPacketQueue(limit int) *packetQueue {
	q := &packetQueue{max: max(2, limit/batchBytes)}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// getBatch returns an empty batch, waiting while the queue is full. It
// returns nil when the queue is closed. q.mu is held.
func (q *packetQueue) getBatch() *batch {
	for !q.closed {
		if n := len(q.free); n > 0 {
			b := q.free[n-1]
			q.free = q.free[:n-1]
			return b
		}
		if q.nbatch < q.max {
			q.nbatch++
			return &batch{buf: make([]byte, 0, batchBytes), ents: make([]entry, 0, 1024)}
		}
		q.cond.Wait()
	}
	return nil
}

// push copies a packet into the queue. It returns false when the queue
// has been closed by the consumer.
func (q *packetQueue) push(data []byte, ci snare.CaptureInfo) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cur != nil && len(q.cur.buf)+len(data) > cap(q.cur.buf) && len(q.cur.ents) > 0 {
		q.ready = append(q.ready, q.cur)
		q.cur = nil
	}
	if q.cur == nil {
		q.cur = q.getBatch()
		if q.cur == nil {
			return false
		}
	}
	b := q.cur
	off := len(b.buf)
	b.buf = append(b.buf, data...) // grows past batchBytes only for a packet larger than a batch
	b.ents = append(b.ents, entry{ci: ci, off: off, n: len(data)})
	if q.waiting {
		q.cond.Broadcast()
	}
	return true
}

// take returns every packet queued so far, waiting for at least one.
// ok is false once the queue is closed and empty.
func (q *packetQueue) take() (batches []*batch, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.ready) == 0 && q.cur == nil && !q.closed && !q.woken {
		q.waiting = true
		q.cond.Wait()
		q.waiting = false
	}
	q.woken = false
	batches = q.ready
	q.ready = nil
	if q.cur != nil {
		batches = append(batches, q.cur)
		q.cur = nil
	}
	return batches, !(q.closed && len(batches) == 0)
}

// release gives batches back for reuse.
func (q *packetQueue) release(batches []*batch) {
	if len(batches) == 0 {
		return
	}
	q.mu.Lock()
	for _, b := range batches {
		b.buf, b.ents = b.buf[:0], b.ents[:0]
		if cap(b.buf) > batchBytes { // an outsized packet's buffer
			b.buf = make([]byte, 0, batchBytes)
		}
		q.free = append(q.free, b)
	}
	q.cond.Broadcast()
	q.mu.Unlock()
}

// close ends the queue: push returns false, take returns what is left
// and then ok == false.
func (q *packetQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

// wake makes a waiting take return (with no packets), so the consumer
// can act on a signal.
func (q *packetQueue) wake() {
	q.mu.Lock()
	q.woken = true
	q.cond.Broadcast()
	q.mu.Unlock()
}
