package main

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// queuedInfo is the metadata the tests give packet i.
func queuedInfo(i, size int) snare.CaptureInfo {
	return snare.CaptureInfo{
		Timestamp:      time.Unix(int64(1700000000+i), int64(i*7919%1000000000)),
		CaptureLength:  size,
		Length:         size + i%3,
		InterfaceIndex: i % 5,
		LinkType:       link.Type(1 + i%2*112),
		Direction:      snare.Direction(i % 3),
	}
}

// TestPacketQueue adds packets of varied sizes from one goroutine,
// publishing now and then, and takes them slowly from another: every
// packet arrives once, in order, with its bytes and metadata, and the
// queue never holds more batches than its limit.
func TestPacketQueue(t *testing.T) {
	const n = 20000
	q := newPacketQueue(4 * batchBytes)
	go func() {
		buf := make([]byte, 3000)
		for i := 0; i < n; i++ {
			size := 8 + (i*131)%2900
			if i == 777 {
				size = 3 * batchBytes / 2 // one packet larger than a batch
				buf = make([]byte, size)
			}
			binary.BigEndian.PutUint64(buf, uint64(i))
			for j := 8; j < size; j++ {
				buf[j] = byte(i + j)
			}
			ci := queuedInfo(i, size)
			if !q.add(buf[:size], &ci) {
				t.Error("add refused before close")
				return
			}
			if i%97 == 0 {
				q.publish()
			}
			if i == 777 {
				buf = make([]byte, 3000)
			}
		}
		q.publish()
		q.close()
	}()
	next := 0
	for {
		spans, ok := q.take()
		for _, s := range spans {
			for recs := s.recs; len(recs) > 0; {
				var data []byte
				var ci snare.CaptureInfo
				data, ci, recs = nextRecord(recs)
				i := int(binary.BigEndian.Uint64(data))
				if want := queuedInfo(next, len(data)); i != next || ci != want {
					t.Fatalf("got packet %d (len %d, ci %+v), want %d (%+v)", i, len(data), ci, next, want)
				}
				want := make([]byte, len(data)-8)
				for j := range want {
					want[j] = byte(i + j + 8)
				}
				if !bytes.Equal(data[8:], want) {
					t.Fatalf("packet %d corrupted", i)
				}
				next++
			}
		}
		if next%5000 < 100 {
			time.Sleep(20 * time.Millisecond) // a slow consumer now and then
		}
		q.release(spans)
		q.mu.Lock()
		if q.nbatch > q.max {
			t.Fatalf("%d batches allocated, limit %d", q.nbatch, q.max)
		}
		q.mu.Unlock()
		if !ok {
			break
		}
	}
	if next != n {
		t.Fatalf("received %d packets, want %d", next, n)
	}
}

// TestPacketQueuePublish checks that published packets of a batch the
// producer is still filling reach a waiting consumer, and unpublished
// ones do not.
func TestPacketQueuePublish(t *testing.T) {
	q := newPacketQueue(4 * batchBytes)
	count := func(spans []span) int {
		n := 0
		for _, s := range spans {
			for recs := s.recs; len(recs) > 0; n++ {
				_, _, recs = nextRecord(recs)
			}
		}
		return n
	}
	q.add([]byte("one"), &snare.CaptureInfo{})
	q.add([]byte("two"), &snare.CaptureInfo{})
	q.wake()
	if spans, ok := q.take(); !ok || count(spans) != 0 {
		t.Fatalf("unpublished packets taken: %d (ok %v)", count(spans), ok)
	}
	got := make(chan int)
	go func() {
		spans, _ := q.take() // waits: nothing published yet
		n := count(spans)
		q.release(spans)
		got <- n
	}()
	time.Sleep(20 * time.Millisecond)
	q.publish()
	select {
	case n := <-got:
		if n != 2 {
			t.Fatalf("took %d packets, want 2", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("publish did not wake the consumer")
	}
	q.add([]byte("three"), &snare.CaptureInfo{})
	q.publish()
	spans, _ := q.take()
	if n := count(spans); n != 1 {
		t.Fatalf("took %d packets after the first two, want 1", n)
	}
}

// TestPacketQueueCloseUnblocks checks that a producer waiting for room
// returns when the consumer closes the queue, and wake ends a take.
func TestPacketQueueCloseUnblocks(t *testing.T) {
	q := newPacketQueue(2 * batchBytes)
	done := make(chan bool)
	go func() {
		big := make([]byte, batchBytes/2+1)
		for {
			if !q.add(big, &snare.CaptureInfo{}) {
				done <- true
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	q.close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("add still blocked after close")
	}
	q2 := newPacketQueue(batchBytes)
	go func() { time.Sleep(20 * time.Millisecond); q2.wake() }()
	if b, ok := q2.take(); len(b) != 0 || !ok {
		t.Fatalf("take after wake: %d spans, ok %v", len(b), ok)
	}
}

// TestPacketQueueLazy checks that a lazy queue wakes its waiting
// consumer only once lazyBatches batches are finished, and that what
// it takes then is at least those batches' packets.
func TestPacketQueueLazy(t *testing.T) {
	q := newPacketQueue(16 * batchBytes)
	q.lazy = true
	got := make(chan int, 1)
	go func() {
		spans, _ := q.take()
		n := 0
		for _, s := range spans {
			for recs := s.recs; len(recs) > 0; n++ {
				_, _, recs = nextRecord(recs)
			}
		}
		q.release(spans)
		got <- n
	}()
	for { // the consumer must be waiting before anything is published
		q.mu.Lock()
		w := q.waiting
		q.mu.Unlock()
		if w {
			break
		}
		time.Sleep(time.Millisecond)
	}
	pkt := make([]byte, 1000)
	per := batchBytes / (recHdr + len(pkt)) // packets per batch
	n := 0
	for b := 0; b < lazyBatches-1; b++ {
		for range per {
			q.add(pkt, &snare.CaptureInfo{})
			n++
		}
		q.publish()
	}
	select {
	case k := <-got:
		t.Fatalf("the consumer woke with %d packets before %d batches were finished", k, lazyBatches)
	case <-time.After(50 * time.Millisecond):
	}
	for range 2 * per {
		q.add(pkt, &snare.CaptureInfo{})
		n++
	}
	q.publish()
	select {
	case k := <-got:
		if k < lazyBatches*per || k > n {
			t.Fatalf("took %d packets, want the %d of the finished batches or more, at most %d", k, lazyBatches*per, n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("finished batches did not wake the consumer")
	}
}
