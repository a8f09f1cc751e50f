package main

import (
	"encoding/binary"
	"sync"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// queueBytes bounds the packet data held between the capture goroutine
// and the output goroutine (on top of the kernel's own buffer).
const queueBytes = 64 << 20

// batchBytes is the size of one batch's buffer.
const batchBytes = 1 << 20

// publishBytes is how much the producer writes before it publishes
// without waiting for the end of a Dispatch, which bounds the delay of
// a steady stream.
const publishBytes = 256 << 10

// A packetQueue carries copies of captured packets from the goroutine
// that reads the handle (the producer) to the goroutine that prints or
// writes them (the consumer), so that slow output stalls neither the
// socket nor the kernel's ring.
//
// Each packet is copied once, as a record (a header, then the bytes),
// into large batch buffers; nothing is allocated once the
// batches exist. The producer appends records without locking and
// publishes them in bulk (publish, at the end of each Dispatch), so the
// lock is taken and the consumer woken once per run of packets, not per
// packet. The consumer takes every published record at once, also from
// the batch the producer is still filling: the two work on disjoint
// parts of it. When the consumer falls behind by queueBytes the
// producer waits (and the kernel's buffer absorbs the rest).
type packetQueue struct {
	mu     sync.Mutex
	data   sync.Cond // the consumer waits for records
	room   sync.Cond // the producer waits for a free batch
	list   []*batch  // batches not yet fully taken, oldest first; the last is cur
	cur    *batch    // the batch the producer fills
	free   []*batch
	nbatch int // batches allocated (of batchBytes)
	max    int // most batches allowed
	closed bool
	woken  bool // wake() was called
	// waiting: the consumer waits in take; full: the producer waits for
	// room.
	waiting, full bool
	spans         []span // take's result, reused
	// lazy: publish does not wake the consumer, only lazyBatches
	// finished batches (or close, or wake) do; for a consumer that
	// writes large runs anyway. Fewer wake-ups, fewer context switches
	// that compete with the reader for the CPU.
	lazy bool

	// The producer's own state, outside the lock.
	pbuf []byte // cur.buf
	pw   int    // bytes written in pbuf
	ppub int    // bytes of pbuf published
}

// A batch is a buffer of records. Under the queue's lock: pub is how far
// the producer has published, r how far the consumer has taken, done
// that the producer has moved on to another batch.
type batch struct {
	buf   []byte
	pub   int
	r     int
	done  bool
	owned bool // a regular batch (to reuse), not one sized for a huge packet
}

// A span is a run of published records handed to the consumer; last
// says its batch is finished and goes back to the queue with release.
type span struct {
	recs []byte
	b    *batch
	last bool
}

// A record, as add writes it, is a 32-byte header, then the packet's
// bytes padded to a multiple of 8: seconds (8), nanoseconds (4),
// captured length (4), wire length (4), interface index (4), link type
// (4), direction (1), 3 unused. addPcap writes pcap file records
// instead; a queue holds one kind or the other.
const recHdr = 32

func newPacketQueue(limit int) *packetQueue {
	q := &packetQueue{max: max(2, limit/batchBytes)}
	q.data.L = &q.mu
	q.room.L = &q.mu
	return q
}

// prefault makes the first batches ready and touches their pages, so
// that the producer does not pay page faults (some 256 per batch) when
// traffic starts.
func (q *packetQueue) prefault() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.nbatch < min(prefaultBatches, q.max) {
		b := &batch{buf: make([]byte, batchBytes), owned: true}
		for i := 0; i < len(b.buf); i += 4096 {
			b.buf[i] = 1
		}
		q.free = append(q.free, b)
		q.nbatch++
	}
}

// prefaultBatches is the number of batches prefault makes.
const prefaultBatches = 8

// lazyBatches is how many finished batches wake a lazy queue's
// consumer.
const lazyBatches = 4

// reserve returns room for a record of need bytes at the end of the
// producer's batch, waiting while the queue is full, or nil when the
// queue is closed. Records are visible to the consumer after publish
// (which reserve also calls once publishBytes are pending).
func (q *packetQueue) reserve(need int) []byte {
	if q.pw-q.ppub >= publishBytes {
		q.publish()
	}
	if q.pw+need > len(q.pbuf) && !q.nextBatch(need) {
		return nil
	}
	r := q.pbuf[q.pw : q.pw+need : q.pw+need]
	q.pw += need
	return r
}

// add copies a packet into the queue as a record (producer). It
// returns false when the queue has been closed.
func (q *packetQueue) add(data []byte, ci *snare.CaptureInfo) bool {
	r := q.reserve(recHdr + (len(data)+7)&^7)
	if r == nil {
		return false
	}
	le := binary.LittleEndian
	le.PutUint64(r[0:], uint64(ci.Timestamp.Unix()))
	le.PutUint32(r[8:], uint32(ci.Timestamp.Nanosecond()))
	le.PutUint32(r[12:], uint32(len(data)))
	le.PutUint32(r[16:], uint32(max(ci.Length, 0)))
	le.PutUint32(r[20:], uint32(ci.InterfaceIndex))
	le.PutUint32(r[24:], uint32(ci.LinkType))
	r[28] = byte(ci.Direction)
	copy(r[recHdr:], data)
	return true
}

// addPcap copies a packet into the queue as a little-endian pcap record
// (producer): the 16-byte record header (time stamp in micro- or
// nanoseconds, captured and wire lengths), then the bytes cut to snap.
// It returns the record's size, or 0 when the queue has been closed.
func (q *packetQueue) addPcap(data []byte, ci *snare.CaptureInfo, nano bool, snap int) int {
	data, wire := pcapCut(data, ci, snap)
	r := q.reserve(pcapRecHdr + len(data))
	if r == nil {
		return 0
	}
	putPcapRecHdr(r, ci, len(data), wire, nano)
	copy(r[pcapRecHdr:], data)
	return pcapRecHdr + len(data)
}

// pcapCut returns a packet's bytes as its pcap record holds them, cut
// to snap, and its length on the wire (never less than what was
// captured).
func pcapCut(data []byte, ci *snare.CaptureInfo, snap int) ([]byte, int) {
	wire := max(ci.Length, len(data))
	if len(data) > snap {
		data = data[:snap]
	}
	return data, wire
}

// putPcapRecHdr writes a little-endian pcap record header into r: the
// time stamp in micro- or nanoseconds, then the captured and wire
// lengths.
func putPcapRecHdr(r []byte, ci *snare.CaptureInfo, caplen, wire int, nano bool) {
	frac := uint32(ci.Timestamp.Nanosecond())
	if !nano {
		frac /= 1000
	}
	le := binary.LittleEndian
	le.PutUint32(r[0:], uint32(ci.Timestamp.Unix()))
	le.PutUint32(r[4:], frac)
	le.PutUint32(r[8:], uint32(caplen))
	le.PutUint32(r[12:], uint32(wire))
}

// pcapRecHdr is the size of a pcap record header.
const pcapRecHdr = 16

// nextPcapRecord returns the length of the first pcap record of recs
// (as addPcap wrote it).
func nextPcapRecord(recs []byte) int {
	return pcapRecHdr + int(binary.LittleEndian.Uint32(recs[8:12]))
}

// nextBatch finishes the current batch and starts one with room for
// need bytes, waiting while the queue is full. It returns false when
// the queue is closed.
func (q *packetQueue) nextBatch(need int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if b := q.cur; b != nil {
		b.pub, b.done = q.pw, true
		q.ppub = q.pw
		if q.waiting && (!q.lazy || len(q.list) >= lazyBatches) {
			q.data.Signal()
		}
	}
	q.cur, q.pbuf, q.pw, q.ppub = nil, nil, 0, 0
	var b *batch
	for b == nil {
		switch {
		case q.closed:
			return false
		case need > batchBytes: // a packet larger than a batch: its own buffer
			b = &batch{buf: make([]byte, need)}
		case len(q.free) > 0:
			b = q.free[len(q.free)-1]
			q.free = q.free[:len(q.free)-1]
		case q.nbatch < q.max:
			q.nbatch++
			b = &batch{buf: make([]byte, batchBytes), owned: true}
		default:
			q.full = true
			q.room.Wait()
			q.full = false
		}
	}
	b.pub, b.r, b.done = 0, 0, false
	q.list = append(q.list, b)
	q.cur, q.pbuf = b, b.buf
	return true
}

// publish makes the records added so far visible to the consumer
// (producer), waking it if it waits.
func (q *packetQueue) publish() {
	if q.pw == q.ppub {
		return
	}
	q.mu.Lock()
	q.cur.pub = q.pw
	if q.waiting && !q.lazy {
		q.data.Signal()
	}
	q.mu.Unlock()
	q.ppub = q.pw
}

// take returns every record published so far, waiting for at least one
// unless the queue is closed or woken. ok is false once the queue is
// closed and empty. Give the spans back with release when done with
// them; the slice itself is reused by the next take.
func (q *packetQueue) take() (spans []span, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	spans = q.spans[:0]
	defer func() { q.spans = spans[:0] }()
	for {
		for _, b := range q.list {
			if b.r == b.pub && !b.done {
				break // the producer's batch, nothing new in it
			}
			spans = append(spans, span{recs: b.buf[b.r:b.pub], b: b, last: b.done})
			b.r = b.pub
		}
		n := 0
		for n < len(spans) && spans[n].last {
			n++
		}
		q.list = q.list[n:]
		if len(spans) > 0 || q.closed || q.woken {
			break
		}
		q.waiting = true
		q.data.Wait()
		q.waiting = false
	}
	q.woken = false
	return spans, !(q.closed && len(spans) == 0)
}

// release gives the finished batches among spans back for reuse.
func (q *packetQueue) release(spans []span) {
	locked := false
	for _, s := range spans {
		if !s.last {
			continue
		}
		if !locked {
			q.mu.Lock()
			locked = true
		}
		if s.b.owned {
			q.free = append(q.free, s.b)
		}
	}
	if locked {
		if q.full {
			q.room.Signal()
		}
		q.mu.Unlock()
	}
}

// close ends the queue: add returns false, take returns what was
// published and then ok == false.
func (q *packetQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.data.Broadcast()
	q.room.Broadcast()
	q.mu.Unlock()
}

// wake makes a waiting take return (with no packets), so the consumer
// can act on a signal.
func (q *packetQueue) wake() {
	q.mu.Lock()
	q.woken = true
	q.data.Signal()
	q.mu.Unlock()
}

// nextRecord decodes the first record of recs: the packet's bytes (in
// recs), its metadata, and the records after it.
func nextRecord(recs []byte) (data []byte, ci snare.CaptureInfo, rest []byte) {
	le := binary.LittleEndian
	h := recs[:recHdr]
	n := int(le.Uint32(h[12:]))
	ci = snare.CaptureInfo{
		Timestamp:      time.Unix(int64(le.Uint64(h[0:])), int64(le.Uint32(h[8:]))),
		CaptureLength:  n,
		Length:         int(le.Uint32(h[16:])),
		InterfaceIndex: int(int32(le.Uint32(h[20:]))),
		LinkType:       link.Type(le.Uint32(h[24:])),
		Direction:      snare.Direction(h[28]),
	}
	data = recs[recHdr : recHdr+n]
	return data, ci, recs[recHdr+(n+7)&^7:]
}
