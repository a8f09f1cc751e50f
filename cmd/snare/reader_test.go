//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/pcapfile"
)

// fakeBatches is a batchSource that hands out prepared batches, calling
// before ahead of each, then ErrBreak.
type fakeBatches struct {
	batches [][]snare.Packet
	i       int
	before  func(i int)
	reader  *liveReader // the reader reading it (set by runLive)
}

func (f *fakeBatches) NextBatch() ([]snare.Packet, error) {
	if f.i == len(f.batches) {
		return nil, snare.ErrBreak
	}
	if f.before != nil {
		f.before(f.i)
	}
	f.i++
	return f.batches[f.i-1], nil
}

func (f *fakeBatches) BreakLoop() {}

// testBatches makes n batches of packets of varied sizes (empty, short,
// longer than snap) with distinct bytes and time stamps.
func testBatches(n int) [][]snare.Packet {
	var out [][]snare.Packet
	k := 0
	for b := range n {
		var batch []snare.Packet
		for range 1 + b%7 {
			size := (k * 37) % 300
			data := make([]byte, size)
			for i := range data {
				data[i] = byte(k + i)
			}
			batch = append(batch, snare.Packet{Data: data, Info: snare.CaptureInfo{
				Timestamp:     time.Unix(int64(1700000000+k), int64(k*1001)),
				CaptureLength: size,
				Length:        size + k%3,
			}})
			k++
		}
		out = append(out, batch)
	}
	return out
}

// runLive runs a liveReader on src and the output side as capture does,
// into the pcap file name (or, for "-", a pipe read back into the
// returned bytes), and returns the file's bytes and the reader.
func runLive(t *testing.T, src *fakeBatches, snap int, name string) ([]byte, *liveReader) {
	t.Helper()
	pipe := name == "-"
	var e env
	var piped chan []byte
	if pipe {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		e.stdout = w
		piped = make(chan []byte)
		go func() { b, _ := io.ReadAll(r); piped <- b }()
		defer func() { w.Close() }()
	}
	cfg := &config{writeFile: name}
	pw, err := newPcapWriter(cfg, &e, outputSpec{linkType: link.EN10MB, snapLen: snap, nano: true})
	if err != nil {
		t.Fatal(err)
	}
	if pipe != (pw.direct == nil) {
		t.Fatalf("pipe %v, direct writer %v", pipe, pw.direct != nil)
	}
	q := newPacketQueue(4 << 20)
	var captured atomic.Uint64
	rd := &liveReader{h: src, q: q, pw: pw, counts: true, captured: &captured}
	src.reader = rd
	readErr := make(chan error, 1)
	go func() { readErr <- rd.run() }()
	var flush atomic.Bool
	if err := writeQueued(q, pw, 0, false, &captured, &flush); err != nil {
		t.Fatal(err)
	}
	if err := <-readErr; !errors.Is(err, snare.ErrBreak) {
		t.Fatalf("reader: %v", err)
	}
	if err := pw.finish(q); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, b := range src.batches {
		want += len(b)
	}
	if got := captured.Load(); got != uint64(want) {
		t.Errorf("captured %d, want %d", got, want)
	}
	if pipe {
		e.stdout.(*os.File).Close()
		return <-piped, rd
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b, rd
}

// checkRecords reads file back and compares every record with the
// batches' packets, cut to snap.
func checkRecords(t *testing.T, file []byte, batches [][]snare.Packet, snap int) {
	t.Helper()
	r, err := pcapfile.NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, batch := range batches {
		for _, p := range batch {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			want := p.Data[:min(len(p.Data), snap)]
			if !bytes.Equal(data, want) || ci.Length != p.Info.Length || !ci.Timestamp.Equal(p.Info.Timestamp) {
				t.Fatalf("record %d: %d/%d bytes at %v, want %d/%d at %v", i, len(data), ci.Length, ci.Timestamp,
					len(want), p.Info.Length, p.Info.Timestamp)
			}
			i++
		}
	}
	if _, _, err := r.ReadPacketData(); err != io.EOF {
		t.Fatalf("after %d records: %v, want EOF", i, err)
	}
}

// TestReaderWritesFromRing checks a -w file written by the reader
// itself: every record in order, cut to the snap length.
func TestReaderWritesFromRing(t *testing.T) {
	// No write counts as slow here, however loaded the machine.
	defer func(d time.Duration) { slowWrite = d }(slowWrite)
	slowWrite = time.Hour
	batches := testBatches(60)
	file, rd := runLive(t, &fakeBatches{batches: batches}, 200, filepath.Join(t.TempDir(), "out.pcap"))
	checkRecords(t, file, batches, 200)
	if rd.directBatches != len(batches) || rd.queuedBatches != 0 {
		t.Errorf("%d batches written directly and %d queued, want all %d directly", rd.directBatches, rd.queuedBatches, len(batches))
	}
}

// TestReaderFallsBackToQueue makes every direct write count as slow, so
// the reader hands the file to the queue after each and takes it back
// whenever the writer has caught up: the records must stay whole and in
// order across every switch.
func TestReaderFallsBackToQueue(t *testing.T) {
	defer func(d time.Duration) { slowWrite = d }(slowWrite)
	slowWrite = 0
	batches := testBatches(90)
	src := &fakeBatches{batches: batches}
	// Before every third batch, wait until the writer has written all
	// the reader queued: the reader may take the file back.
	src.before = func(i int) {
		if i%3 != 0 {
			return
		}
		deadline := time.Now().Add(10 * time.Second)
		for src.reader.pw.written.Load() != src.reader.queued {
			if time.Now().After(deadline) {
				t.Errorf("before batch %d the writer never caught up", i)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	file, rd := runLive(t, src, 200, filepath.Join(t.TempDir(), "out.pcap"))
	checkRecords(t, file, batches, 200)
	if rd.directBatches < 2 || rd.queuedBatches < 2 {
		t.Errorf("%d batches written directly and %d queued: the test did not switch both ways", rd.directBatches, rd.queuedBatches)
	}
}

// TestReaderQueuesForPipe checks that a pipe is written through the
// queue, with the same records.
func TestReaderQueuesForPipe(t *testing.T) {
	batches := testBatches(40)
	file, rd := runLive(t, &fakeBatches{batches: batches}, 100, "-")
	checkRecords(t, file, batches, 100)
	if rd.directBatches != 0 || rd.queuedBatches != len(batches) {
		t.Errorf("%d batches written directly and %d queued, want all %d queued", rd.directBatches, rd.queuedBatches, len(batches))
	}
}

// TestReaderWriteError checks that a failed write straight from the ring
// stops the reader with an error that names the file.
func TestReaderWriteError(t *testing.T) {
	name := filepath.Join(t.TempDir(), "out.pcap")
	pw, err := newPcapWriter(&config{writeFile: name}, &env{}, outputSpec{linkType: link.EN10MB, snapLen: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer pw.finish(nil)
	// The same file, read-only: writev fails with EBADF.
	ro, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	dw := newDirectWriter(ro, false, 100, true)
	if dw == nil {
		t.Fatal("no direct writer for a regular file")
	}
	pw.direct = dw
	q := newPacketQueue(4 << 20)
	var captured atomic.Uint64
	rd := &liveReader{h: &fakeBatches{batches: testBatches(3)}, q: q, pw: pw, counts: true, captured: &captured}
	err = rd.run()
	var we *writeError
	if !errors.As(err, &we) || !strings.Contains(err.Error(), name+": ") || !errors.Is(err, syscall.EBADF) {
		t.Fatalf("reader returned %v, want a write error naming %s", err, name)
	}
	if spans, ok := q.take(); ok || len(spans) != 0 {
		t.Errorf("the queue is not closed after the write error")
	}
}

// BenchmarkDirectWrite measures writing batches of 128 packets straight
// to /dev/null (the packets here are in the cache, unlike a ring's).
func BenchmarkDirectWrite(b *testing.B) {
	for _, size := range []int{60, 200, 700, 1514} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			dw := newDirectWriter(f, false, 262144, false)
			if dw == nil {
				b.Fatal("no direct writer for /dev/null")
			}
			batch := make([]snare.Packet, 128)
			ring := make([]byte, 128*size)
			for i := range batch {
				batch[i] = snare.Packet{Data: ring[i*size : (i+1)*size], Info: snare.CaptureInfo{Timestamp: time.Unix(1, 0), CaptureLength: size, Length: size}}
			}
			b.SetBytes(int64(len(batch) * size))
			now := time.Now()
			b.ResetTimer()
			for range b.N {
				if _, err := dw.write(batch, now); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/pkt")
		})
	}
}

// TestDirectWriterStages checks when a directWriter writes: batches of
// short packets wait in its stage until a batch with a long packet, a
// full or old stage, a flush, or -U.
func TestDirectWriterStages(t *testing.T) {
	pkt := func(size int) snare.Packet {
		return snare.Packet{Data: make([]byte, size), Info: snare.CaptureInfo{Timestamp: time.Unix(5, 0), CaptureLength: size, Length: size}}
	}
	short, long := pkt(copyMax), pkt(copyMax+1)
	rec := func(p snare.Packet) int64 { return int64(pcapRecHdr + len(p.Data)) }
	for _, each := range []bool{false, true} {
		f, err := os.Create(filepath.Join(t.TempDir(), "stage"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		dw := newDirectWriter(f, false, 262144, each)
		now := time.Unix(100, 0)
		var want int64 // bytes the file must hold
		step := func(what string, pkts []snare.Packet, at time.Time, wantWrote bool) {
			t.Helper()
			wrote, err := dw.write(pkts, at)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pkts {
				if wantWrote || each {
					want += rec(p)
				}
			}
			if wrote != (wantWrote || each) {
				t.Errorf("-U %v, %s: wrote %v", each, what, wrote)
			}
		}
		size := func() int64 {
			fi, err := f.Stat()
			if err != nil {
				t.Fatal(err)
			}
			return fi.Size()
		}
		step("short packets", []snare.Packet{short, short}, now, false)
		staged := 2 * rec(short)
		if got := size(); got != want {
			t.Fatalf("-U %v: after short packets the file holds %d bytes, want %d", each, got, want)
		}
		step("a long packet", []snare.Packet{short, long}, now, true)
		if !each {
			want += staged // the earlier short packets went out with it
		}
		if got := size(); got != want {
			t.Fatalf("-U %v: after a long packet the file holds %d bytes, want %d", each, got, want)
		}
		step("short packets", []snare.Packet{short}, now, false)
		step("short packets after stageAge", []snare.Packet{short}, now.Add(stageAge), true)
		if !each {
			want += rec(short)
		}
		if got := size(); got != want {
			t.Fatalf("-U %v: after stageAge the file holds %d bytes, want %d", each, got, want)
		}
		step("short packets", []snare.Packet{short}, now, false)
		if err := dw.flush(); err != nil {
			t.Fatal(err)
		}
		if !each {
			want += rec(short)
		}
		if got := size(); got != want {
			t.Fatalf("-U %v: after flush the file holds %d bytes, want %d", each, got, want)
		}
	}
}
