package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/snare-pcap/snare"
	_ "github.com/snare-pcap/snare/afpacket" // live capture on Linux interfaces and "any"
	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/dumper"
	"github.com/snare-pcap/snare/filter"
	"github.com/snare-pcap/snare/pcapfile"
	"github.com/snare-pcap/snare/pcapng"
)

// listInterfaces prints the devices for -D, numbered as -i accepts
// them: "1.eth0 [Up, Running, Connected]".
func listInterfaces(e *env) error {
	devs, err := snare.FindAllDevs()
	if err != nil {
		return errorf("%v", err)
	}
	if len(devs) == 0 {
		return errorf("no interfaces available for capture")
	}
	for i, d := range devs {
		line := strconv.Itoa(i+1) + "." + d.Name
		if d.Description != "" {
			line += " (" + d.Description + ")"
		}
		line += " [" + d.Flags.String() + "]"
		fmt.Fprintln(e.stdout, line)
	}
	return nil
}

// deviceName resolves -i's argument as tcpdump does: a positive number
// is an index into -D's list; without -i, the first device listed.
func deviceName(cfg *config) (string, error) {
	dev := cfg.device
	if dev == "" {
		devs, err := snare.FindAllDevs()
		if err != nil {
			return "", errorf("%v", err)
		}
		if len(devs) == 0 {
			return "", errorf("no suitable device found")
		}
		return devs[0].Name, nil
	}
	n, err := strconv.Atoi(dev)
	if err != nil {
		return dev, nil
	}
	if n <= 0 {
		return "", errorf("Invalid adapter index")
	}
	devs, err := snare.FindAllDevs()
	if err != nil {
		return "", errorf("%v", err)
	}
	for _, d := range devs {
		if d.Name == dev { // a device really named "2"
			return dev, nil
		}
	}
	if n > len(devs) {
		return "", errorf("Invalid adapter index")
	}
	return devs[n-1].Name, nil
}

// openHandle creates and activates the capture handle with cfg's
// options, as tcpdump's open_interface does.
func openHandle(cfg *config, dev string) (*snare.Handle, error) {
	h, err := snare.NewHandle(dev)
	if err != nil {
		return nil, captureError(dev, err)
	}
	set := func(err error) error {
		if err != nil {
			h.Close()
			return captureError(dev, err)
		}
		return nil
	}
	snap := cfg.snaplen
	if snap <= 0 {
		snap = maxSnaplen
	}
	if err := set(h.SetSnapLen(snap)); err != nil {
		return nil, err
	}
	if err := set(h.SetPromisc(!cfg.noPromisc)); err != nil {
		return nil, err
	}
	if err := set(h.SetTimeout(time.Second)); err != nil {
		return nil, err
	}
	if cfg.bufferKiB > 0 {
		if err := set(h.SetBufferSize(cfg.bufferKiB * 1024)); err != nil {
			return nil, err
		}
	}
	if cfg.immediate {
		if err := set(h.SetImmediateMode(true)); err != nil {
			return nil, err
		}
	}
	if cfg.tsPrecision == "nano" {
		if err := set(h.SetTimestampPrecision(snare.Nanosecond)); err != nil {
			return nil, err
		}
	}
	if cfg.tsType != "" {
		t, ok := snare.TimestampTypeByName(cfg.tsType)
		if !ok {
			h.Close()
			return nil, errorf("invalid time stamp type %s", cfg.tsType)
		}
		if err := set(h.SetTimestampType(t)); err != nil {
			return nil, err
		}
	}
	if err := set(h.Activate()); err != nil {
		return nil, err
	}
	if cfg.linkType != "" {
		t, err := linkTypeByName(cfg.linkType)
		if err != nil {
			h.Close()
			return nil, err
		}
		if err := h.SetLinkType(t); err != nil {
			h.Close()
			return nil, errorf("%s", err)
		}
	}
	if cfg.direction != "" {
		d := map[string]snare.Direction{"in": snare.DirectionIn, "out": snare.DirectionOut, "inout": snare.DirectionInOut}[cfg.direction]
		if err := h.SetDirection(d); err != nil {
			h.Close()
			return nil, errorf("%s: pcap_setdirection() failed: %v", dev, err)
		}
	}
	return h, nil
}

// captureError words a handle error as tcpdump does.
func captureError(dev string, err error) error {
	switch {
	case errors.Is(err, snare.ErrNoSuchDevice):
		return errorf("%s: No such device exists\n(%v)", dev, err)
	case errors.Is(err, snare.ErrPromiscPermission):
		return errorf("%s: You don't have permission to capture in promiscuous mode on that device\n(%v)", dev, err)
	case errors.Is(err, snare.ErrPermission), errors.Is(err, os.ErrPermission):
		return errorf("%s: You don't have permission to perform this capture on that device\n(%v)", dev, err)
	case errors.Is(err, snare.ErrNotUp):
		return errorf("%s: That device is not up", dev)
	}
	return errorf("%v", err)
}

// listLinkTypes prints the device's data link types for -L.
func listLinkTypes(cfg *config, e *env) error {
	dev, err := deviceName(cfg)
	if err != nil {
		return err
	}
	h, err := openHandle(cfg, dev)
	if err != nil {
		return err
	}
	defer h.Close()
	types, err := h.LinkTypes()
	if err != nil {
		return errorf("%s: %v", dev, err)
	}
	fmt.Fprintf(e.stderr, "Data link types for %s (use option -y to set):\n", dev)
	for _, t := range types {
		if t.Known() {
			fmt.Fprintf(e.stderr, "  %s (%s)\n", t.Name(), t.Description())
		} else {
			fmt.Fprintf(e.stderr, "  DLT %d (printing not supported)\n", uint32(t))
		}
	}
	return nil
}

// listTimestampTypes prints the device's time stamp types for -J.
func listTimestampTypes(cfg *config, e *env) error {
	dev, err := deviceName(cfg)
	if err != nil {
		return err
	}
	h, err := snare.NewHandle(dev)
	if err != nil {
		return captureError(dev, err)
	}
	defer h.Close()
	types := h.TimestampTypes()
	if len(types) == 0 {
		fmt.Fprintf(e.stderr, "Time stamp type cannot be set for %s\n", dev)
		return nil
	}
	fmt.Fprintf(e.stderr, "Time stamp types for %s (use option -j to set):\n", dev)
	for _, t := range types {
		fmt.Fprintf(e.stderr, "  %s (%s)\n", t, t.Description())
	}
	return nil
}

// capture reads from a live interface: the filter goes to the kernel,
// a reader goroutine copies packets into a bounded queue, and this
// goroutine prints or writes them, so that a slow terminal or disk
// stalls neither the socket nor the kernel's ring.
//
// A plain -w (a pcap file, no rotation, no printing) takes a shorter
// way: the reader lays each packet out as the file's record, and this
// goroutine writes whole runs of records to the file. Each packet is
// then copied once and encoded once, as tcpdump does it, and the
// output is still decoupled from the ring.
func capture(cfg *config, e *env) error {
	dev, err := deviceName(cfg)
	if err != nil {
		return err
	}
	h, err := openHandle(cfg, dev)
	if err != nil {
		return err
	}
	defer h.Close()
	prog, err := compileLive(cfg, h, dev)
	if err != nil {
		return err
	}
	if cfg.dump > 0 {
		return printProgram(cfg, e, prog)
	}
	if err := h.SetBPF(prog); err != nil {
		return errorf("%v", err)
	}
	lt := h.LinkType()
	spec := outputSpec{linkType: lt, snapLen: h.SnapLen(), nano: cfg.tsPrecision == "nano"}
	if cfg.pcapng {
		spec.ifaces = []pcapng.Interface{{LinkType: lt, SnapLen: h.SnapLen(), Name: dev, Filter: cfg.expr}}
	}
	var out consumer
	if directPcap(cfg) {
		out, err = newPcapWriter(cfg, e, spec)
	} else {
		var p *pipeline
		p, err = newPipeline(cfg, e, spec)
		if p != nil {
			p.pcapOut = false // one link type for the whole capture
			out = &recordWriter{p: p}
		}
	}
	if err != nil {
		return err
	}
	if cfg.user != "" {
		if err := dropPrivileges(cfg.user); err != nil {
			out.finish(nil)
			return err
		}
	}
	if cfg.verbose == 0 && cfg.writeFile == "" {
		fmt.Fprintf(e.stderr, "snare: verbose output suppressed, use -v[v]... for full protocol decode\n")
	} else {
		fmt.Fprintf(e.stderr, "snare: ")
	}
	fmt.Fprintf(e.stderr, "listening on %s, link-type %s (%s), snapshot length %d bytes\n", dev, lt.Name(), lt.Description(), h.SnapLen())

	q := newPacketQueue(queueBytes)
	// captured counts the packets handed to the output side. Without -c
	// a -w file counts them as the reader takes them from the handle
	// (every one is written, unless writing fails), so that the writer
	// need not walk the records to count them.
	var captured atomic.Uint64
	pw, _ := out.(*pcapWriter)
	readerCounts := pw != nil && cfg.count == 0
	fromRing := pw != nil && pw.direct != nil
	// A queue written in large runs need not wake the writer for each;
	// when the file is written straight from the ring, the queue only
	// takes over while writes are slow, and should hand the file back
	// soon.
	q.lazy = readerCounts && !pw.each && !fromRing
	if !fromRing {
		q.prefault()
	}
	var interrupted atomic.Bool

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2)
	// No signal.Stop: a signal that races with the end of the capture
	// is ignored rather than killing the process (see watchSignals).
	done := make(chan struct{})
	defer close(done)
	var flushReq, syncReq atomic.Bool // SIGUSR2, for the writer and the reader
	go func() {
		for {
			select {
			case <-done:
				return
			case s := <-sigs:
				switch s {
				case syscall.SIGUSR1:
					printStats(e, h, captured.Load(), false)
				case syscall.SIGUSR2:
					flushReq.Store(true)
					syncReq.Store(true)
					q.wake()
				default:
					interrupted.Store(true)
					h.BreakLoop()
				}
			}
		}
	}()
	if cfg.verbose > 0 && cfg.writeFile != "" && !cfg.print {
		// tcpdump -v -w: a running count on stderr every second.
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					fmt.Fprintf(e.stderr, "Got %d\r", captured.Load())
				}
			}
		}()
	}

	// The reader: from the handle into the queue, or into the file.
	rd := &liveReader{h: h, q: q, pw: pw, counts: readerCounts, captured: &captured, sync: &syncReq}
	readErr := make(chan error, 1)
	go func() { readErr <- rd.run() }()

	// The writer side: from the queue to the printer or the file.
	outErr := writeQueued(q, out, cfg.count, !readerCounts, &captured, &flushReq)
	if outErr != nil {
		h.BreakLoop()
		q.close()
	}
	rerr := <-readErr
	var we *writeError
	if errors.As(rerr, &we) && outErr == nil {
		outErr, rerr = we.err, nil
	}
	ferr := out.finish(q)
	if interrupted.Load() {
		fmt.Fprintln(e.stdout)
	}
	printStats(e, h, captured.Load(), true)
	switch {
	case errors.Is(outErr, errCountReached):
		outErr = nil
	case errors.Is(outErr, dumper.ErrFileLimit):
		fmt.Fprintf(e.stderr, "Maximum file limit reached: %d\n", cfg.fileCount)
		outErr = nil
	}
	if outErr != nil {
		return outErr
	}
	if rerr != nil && !errors.Is(rerr, snare.ErrBreak) && !errors.Is(rerr, snare.ErrClosed) {
		return errorf("%s: %v", dev, rerr)
	}
	return ferr
}

// writeQueued runs the output side of a live capture: it hands what the
// reader queues to out until the queue is closed and empty or out
// fails. limit is -c's count; count says to count the packets handed
// on into captured (the reader does not); flushReq is SIGUSR2's.
func writeQueued(q *packetQueue, out consumer, limit int64, count bool, captured *atomic.Uint64, flushReq *atomic.Bool) error {
	var err error
	var n uint64 // packets handed to the output side
	for err == nil {
		spans, ok := q.take()
		var k uint64
		k, err = out.write(q, spans, limit, n)
		n += k
		if count {
			captured.Store(n)
		}
		if err == nil {
			err = out.drained(q, flushReq.Swap(false))
		}
		if !ok {
			break
		}
	}
	return err
}

// A consumer is the output side of a live capture.
type consumer interface {
	// write outputs the records of the spans one take returned, and
	// returns how many packets it handed on; done is the count before
	// these and limit is -c's count (0: none). It returns
	// errCountReached after the limit's packet. It releases the spans
	// to q, now or later.
	write(q *packetQueue, spans []span, limit int64, done uint64) (uint64, error)
	// drained is called whenever the queue is empty; flush says
	// SIGUSR2 asked for a flush.
	drained(q *packetQueue, flush bool) error
	// finish flushes and closes the output (q is nil if capture did
	// not start).
	finish(q *packetQueue) error
}

// recordWriter prints or writes records (packetQueue.add) through the
// pipeline, as an offline capture does.
type recordWriter struct {
	p         *pipeline
	lastFlush time.Time
	timer     *time.Timer // wakes the queue for a deferred flush
	armed     bool
}

// printFlushGap is the least time between two flushes of printed lines
// when the queue drains: lines come out at once when traffic is light,
// and at most this late when it is heavy, without a write (and a wake-up
// of the Go runtime's monitor thread) for every run of packets.
const printFlushGap = 20 * time.Millisecond

func (w *recordWriter) write(q *packetQueue, spans []span, _ int64, _ uint64) (uint64, error) {
	defer q.release(spans)
	var n uint64
	for _, sp := range spans {
		for recs := sp.recs; len(recs) > 0; {
			var data []byte
			var ci snare.CaptureInfo
			data, ci, recs = nextRecord(recs)
			n++
			if err := w.p.handle(data, ci); err != nil { // -c is the pipeline's
				return n, err
			}
		}
	}
	return n, nil
}

func (w *recordWriter) drained(q *packetQueue, flush bool) error {
	if w.p.pr != nil {
		now := time.Now()
		if wait := printFlushGap - now.Sub(w.lastFlush); wait > 0 {
			if !w.armed {
				w.armed = true
				if w.timer == nil {
					w.timer = time.AfterFunc(wait, q.wake)
				} else {
					w.timer.Reset(wait)
				}
			}
		} else {
			w.armed = false
			w.lastFlush = now
			if err := w.p.pr.Flush(); err != nil {
				return err
			}
		}
	}
	if flush && w.p.sink != nil {
		return w.p.sink.Flush()
	}
	return nil
}

func (w *recordWriter) finish(*packetQueue) error {
	if w.timer != nil {
		w.timer.Stop()
	}
	return w.p.finish()
}

// directPcap reports whether a live capture's -w file can be written
// from pcap records the reader lays out (packetQueue.addPcap): a pcap
// file, without rotation, printing, --skip or --count.
func directPcap(cfg *config) bool {
	return cfg.writeFile != "" && !cfg.pcapng && !cfg.print && !cfg.countOnly && cfg.skip == 0 &&
		cfg.fileSize == 0 && cfg.rotateSeconds == 0 && cfg.fileCount == 0
}

// pcapWriter writes runs of pcap records straight to the -w file from
// the queue's batches. The dumper opens the file and writes its header,
// as for any pcap output (same names, "-", permissions and messages).
// Records are held in the queue until a file buffer's worth
// (pcapfile.WriterBufferSize) is pending, as the dumper would buffer
// them: few large writes, and few system calls (each of which also
// wakes the Go runtime's monitor thread when the program was idle).
// -U writes every run at once, SIGUSR2 what is pending.
type pcapWriter struct {
	d       *dumper.Dumper
	w       io.Writer // the file, after the header
	name    string
	nano    bool
	snap    int
	each    bool   // -U
	held    []span // records not yet written
	pending int    // their bytes
	// direct writes the file straight from the capture ring, for the
	// reader (nil: not this file, or -c). While the queue has the file
	// instead, every take is written at once, and written (bytes of
	// records) tells the reader when it has all been.
	direct  *directWriter
	written atomic.Int64
}

// rawPcap is dumper.Pcap that also hands the file to a pcapWriter.
type rawPcap struct {
	dumper.Pcap
	w *pcapWriter
}

// NewWriter implements dumper.Format: the header goes out at once, and
// the records follow it on w.
func (f rawPcap) NewWriter(w io.Writer) (dumper.Writer, int64, error) {
	pw, n, err := f.Pcap.NewWriter(w)
	if err != nil {
		return nil, 0, err
	}
	if err := pw.Flush(); err != nil {
		return nil, 0, err
	}
	f.w.w = w
	f.w.direct = newDirectWriter(w, f.w.nano, f.w.snap, f.w.each)
	return pw, n, nil
}

func newPcapWriter(cfg *config, e *env, spec outputSpec) (*pcapWriter, error) {
	pw := &pcapWriter{name: cfg.writeFile, nano: spec.nano, snap: spec.snapLen, each: cfg.packetBuffered}
	if pw.snap <= 0 {
		pw.snap = spec.linkType.MaxSnapLen()
	}
	d, err := dumper.Open(dumper.Options{
		Name:   cfg.writeFile,
		Format: rawPcap{Pcap: dumper.Pcap{LinkType: spec.linkType, SnapLen: spec.snapLen, Nanosecond: spec.nano}, w: pw},
		Stdout: e.stdout,
	})
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, errorf("%s: %s", pe.Path, errText(err))
		}
		return nil, err
	}
	pw.d = d
	if cfg.count > 0 {
		// -c is counted by the writer as it walks the records: the
		// reader writing the file itself would go past it.
		pw.direct = nil
	}
	return pw, nil
}

func (w *pcapWriter) write(q *packetQueue, spans []span, limit int64, done uint64) (uint64, error) {
	var n uint64
	var stop error
	for _, sp := range spans {
		if limit == 0 {
			// The reader counts the packets when there is no -c:
			// the records need not be walked (reading each header
			// the reader wrote on another processor cost a quarter
			// of the capture's CPU time).
			w.pending += len(sp.recs)
		} else if stop == nil {
			end := 0
			for end < len(sp.recs) {
				end += nextPcapRecord(sp.recs[end:])
				n++
				if limit > 0 && done+n >= uint64(limit) {
					stop = errCountReached
					break
				}
			}
			sp.recs = sp.recs[:end]
			w.pending += end
		} else {
			sp.recs = nil
		}
		w.held = append(w.held, sp)
	}
	if stop != nil || w.each || w.direct != nil || w.pending >= pcapfile.WriterBufferSize {
		if err := w.flush(q); err != nil {
			return n, err
		}
	}
	return n, stop
}

// flush writes the held records and releases their batches.
func (w *pcapWriter) flush(q *packetQueue) error {
	var err error
	for _, sp := range w.held {
		if len(sp.recs) > 0 && err == nil {
			if _, e := w.w.Write(sp.recs); e != nil {
				err = w.fileErr(e)
			} else {
				w.written.Add(int64(len(sp.recs)))
			}
		}
	}
	q.release(w.held)
	clear(w.held)
	w.held, w.pending = w.held[:0], 0
	return err
}

// fileErr names the file in an error writing it.
func (w *pcapWriter) fileErr(err error) error { return fmt.Errorf("%s: %w", w.name, err) }

func (w *pcapWriter) drained(q *packetQueue, flush bool) error {
	if flush {
		return w.flush(q)
	}
	return nil
}

func (w *pcapWriter) finish(q *packetQueue) error {
	var err error
	if len(w.held) > 0 {
		err = w.flush(q)
	}
	return errors.Join(err, w.d.Close())
}

// compileLive compiles cfg's expression for the handle as tcpdump does
// for a live capture: the device's netmask, its link type and snap
// length, the Linux socket's ancillary loads, optimized unless -O.
func compileLive(cfg *config, h *snare.Handle, dev string) (bpf.Program, error) {
	var mask uint32
	if _, m, err := snare.LookupNet(dev); err == nil && m.Is4() {
		b := m.As4()
		mask = binary.BigEndian.Uint32(b[:])
	}
	prog, err := filter.Compile(cfg.expr, filter.Options{
		LinkType:    h.LinkType(),
		SnapLen:     h.SnapLen(),
		Netmask:     mask,
		Optimize:    !cfg.noOptimize,
		LinuxSocket: h.Source().LinuxSocket(),
	})
	if err != nil {
		return nil, filterError(err)
	}
	return prog, nil
}

// printStats prints tcpdump's statistics: on exit three lines, on
// SIGUSR1 one line with the program name.
func printStats(e *env, h *snare.Handle, captured uint64, final bool) {
	st, err := h.Stats()
	if err != nil {
		fmt.Fprintf(e.stderr, "snare: pcap_stats: %v\n", err)
		return
	}
	sep := ", "
	if final {
		sep = "\n"
	} else {
		fmt.Fprint(e.stderr, "snare: ")
	}
	fmt.Fprintf(e.stderr, "%d packet%s captured%s", captured, plural(int64(captured)), sep)
	fmt.Fprintf(e.stderr, "%d packet%s received by filter%s", st.Received, plural(int64(st.Received)), sep)
	fmt.Fprintf(e.stderr, "%d packet%s dropped by kernel", st.Dropped, plural(int64(st.Dropped)))
	if st.IfDropped != 0 {
		fmt.Fprintf(e.stderr, "%s%d packet%s dropped by interface", sep, st.IfDropped, plural(int64(st.IfDropped)))
	}
	fmt.Fprintln(e.stderr)
}
