package main

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
)

// TestPacketQueue pushes packets of varied sizes from one goroutine and
// takes them slowly from another: every packet arrives once, in order,
// with its bytes, and the queue never holds more batches than its limit.
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
			if !q.push(buf[:size], snare.CaptureInfo{Length: size, Timestamp: time.Unix(int64(i), 0)}) {
				t.Error("push refused before close")
				return
			}
			if i == 777 {
				buf = make([]byte, 3000)
			}
		}
		q.close()
	}()
	next := 0
	for {
		batches, ok := q.take()
		for _, b := range batches {
			for _, e := range b.ents {
				data := b.buf[e.off : e.off+e.n]
				i := int(binary.BigEndian.Uint64(data))
				if i != next || e.ci.Length != len(data) || e.ci.Timestamp.Unix() != int64(i) {
					t.Fatalf("got packet %d (len %d, ci %+v), want %d", i, len(data), e.ci, next)
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
		if next%5000 == 0 {
			time.Sleep(20 * time.Millisecond) // a slow consumer now and then
		}
		q.release(batches)
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

// TestPacketQueueCloseUnblocks checks that a producer waiting for room
// returns when the consumer closes the queue, and wake ends a take.
func TestPacketQueueCloseUnblocks(t *testing.T) {
	q := newPacketQueue(2 * batchBytes)
	done := make(chan bool)
	go func() {
		big := make([]byte, batchBytes/2+1)
		for {
			if !q.push(big, snare.CaptureInfo{}) {
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
		t.Fatal("push still blocked after close")
	}
	q2 := newPacketQueue(batchBytes)
	go func() { time.Sleep(20 * time.Millisecond); q2.wake() }()
	if b, ok := q2.take(); len(b) != 0 || !ok {
		t.Fatalf("take after wake: %d batches, ok %v", len(b), ok)
	}
}
