package snare

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/filter"
	"github.com/snare-pcap/snare/link"
)

// batchSize is how many packets the handle asks its source for at once.
// One: the handle then never holds packets the source decoded under an
// older filter, so a filter change takes effect at the very next packet
// (the source refilters what it still holds). Sources decode lazily, so
// this costs one method call per packet.
const batchSize = 1

// Pender is implemented by sources that can tell whether a packet is
// ready without waiting; Dispatch uses it to process a whole buffer.
type Pender interface {
	// Pending reports whether ReadPackets would return a packet (or an
	// error) without waiting.
	Pending() bool
}

// A Handle is an open capture device: libpcap's pcap_t. Create it with
// [NewHandle] (then set options and [Handle.Activate]) or [OpenLive], read
// packets with one of the read methods, and Close it.
//
// Option setters return ErrActivated after activation; reading before
// activation returns ErrNotActivated. BreakLoop and Close may be called
// from any goroutine, also while another goroutine is blocked reading:
// the read returns promptly with ErrBreak or ErrClosed.
type Handle struct {
	device string
	src    Source

	mu       sync.Mutex // guards the fields below
	opts     Options
	active   bool
	closing  bool
	users    int  // goroutines inside a call that uses src
	released bool // src.Close has been called

	closeErr  error // from the source's Close
	activated atomic.Bool
	closed    atomic.Bool
	breakLoop atomic.Bool
	captured  atomic.Uint64
	filt      atomic.Pointer[handleFilter]

	readMu    sync.Mutex // serializes readers; guards buf, batch, pos, n, ncaptured
	buf       []Packet
	batch     []Packet // NextBatch's buffer
	pos, n    int
	ncaptured uint64 // published to captured by publish
}

// handleFilter is the installed filter and where it runs.
type handleFilter struct {
	prog  bpf.Program
	place FilterPlace
	m     *bpf.Machine // set when place == FilterHandle
}

// NewHandle creates an inactive handle for device, like pcap_create: the
// registered module that claims the name opens it. Plain names ("eth0",
// "any") go to the afpacket module (import it for its side effect),
// "file://PATH" to the savefile module. Set options, then call Activate.
func NewHandle(device string) (*Handle, error) {
	m, err := moduleFor(device)
	if err != nil {
		return nil, err
	}
	src, err := m.Create(device)
	if err != nil {
		return nil, err
	}
	return &Handle{device: device, src: src}, nil
}

// Create is NewHandle under libpcap's name (pcap_create).
func Create(device string) (*Handle, error) { return NewHandle(device) }

// OpenLive creates and activates a handle in one call, like
// pcap_open_live: snapshot length, promiscuous mode and packet buffer
// timeout (0: wait for packets forever).
func OpenLive(device string, snaplen int, promisc bool, timeout time.Duration) (*Handle, error) {
	h, err := NewHandle(device)
	if err != nil {
		return nil, err
	}
	h.opts.SnapLen = snaplen
	h.opts.Promiscuous = promisc
	h.opts.Timeout = timeout
	if err := h.Activate(); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// Device returns the name the handle was created with.
func (h *Handle) Device() string { return h.device }

// Source returns the handle's capture source, for module-specific
// features.
func (h *Handle) Source() Source { return h.src }

// setOpt applies f to the options if the handle is not yet active.
func (h *Handle) setOpt(f func(o *Options)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return ErrClosed
	}
	if h.active {
		return fmt.Errorf("%s: %w", h.device, ErrActivated)
	}
	f(&h.opts)
	return nil
}

// SetSnapLen sets the snapshot length (pcap_set_snaplen); 0 means the
// maximum, 262144.
func (h *Handle) SetSnapLen(n int) error { return h.setOpt(func(o *Options) { o.SnapLen = n }) }

// SetPromisc sets promiscuous mode (pcap_set_promisc).
func (h *Handle) SetPromisc(on bool) error {
	return h.setOpt(func(o *Options) { o.Promiscuous = on })
}

// SetTimeout sets the packet buffer timeout (pcap_set_timeout): how long
// a read may wait to fill a buffer before delivering what it has. 0 waits
// forever. A read that gets no packet within the timeout returns
// ErrTimeout.
func (h *Handle) SetTimeout(d time.Duration) error {
	return h.setOpt(func(o *Options) { o.Timeout = d })
}

// SetBufferSize sets the kernel buffer (ring) size in bytes
// (pcap_set_buffer_size; tcpdump -B takes KiB).
func (h *Handle) SetBufferSize(n int) error {
	return h.setOpt(func(o *Options) { o.BufferSize = n })
}

// SetImmediateMode delivers packets as soon as they arrive
// (pcap_set_immediate_mode).
func (h *Handle) SetImmediateMode(on bool) error {
	return h.setOpt(func(o *Options) { o.Immediate = on })
}

// SetTimestampType selects the timestamp source (pcap_set_tstamp_type);
// see TimestampTypes.
func (h *Handle) SetTimestampType(t TimestampType) error {
	return h.setOpt(func(o *Options) { o.TimestampType = t })
}

// SetTimestampPrecision sets the precision of delivered timestamps
// (pcap_set_tstamp_precision). The default is Microsecond, as libpcap's.
func (h *Handle) SetTimestampPrecision(p TimestampPrecision) error {
	return h.setOpt(func(o *Options) { o.TimestampPrecision = p })
}

// SetProtocol captures only one link-layer protocol, an EtherType in host
// order (pcap_set_protocol_linux); 0 means all.
func (h *Handle) SetProtocol(proto uint16) error {
	return h.setOpt(func(o *Options) { o.Protocol = proto })
}

// SetFanout joins a PACKET_FANOUT group on activation (Linux).
func (h *Handle) SetFanout(f Fanout) error { return h.setOpt(func(o *Options) { o.Fanout = f }) }

// SetQdiscBypass makes injected packets bypass the queueing discipline
// (Linux PACKET_QDISC_BYPASS).
func (h *Handle) SetQdiscBypass(on bool) error {
	return h.setOpt(func(o *Options) { o.QdiscBypass = on })
}

// TimestampPrecision returns the precision of delivered timestamps.
func (h *Handle) TimestampPrecision() TimestampPrecision {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.opts.TimestampPrecision
}

// TimestampTypes lists the timestamp types the device supports
// (pcap_list_tstamp_types); it works before activation.
func (h *Handle) TimestampTypes() []TimestampType { return h.src.TimestampTypes() }

// SetDirection keeps only packets of one direction (pcap_setdirection):
// DirectionIn, DirectionOut, or DirectionInOut. It may be called before
// or after activation.
func (h *Handle) SetDirection(d Direction) error {
	h.mu.Lock()
	if !h.active {
		defer h.mu.Unlock()
		if h.closing {
			return ErrClosed
		}
		h.opts.Direction = d
		return nil
	}
	h.mu.Unlock()
	if err := h.acquire(); err != nil {
		return err
	}
	defer h.leave()
	if err := h.src.SetDirection(d); err != nil {
		return fmt.Errorf("%s: setting direction %s: %w", h.device, d, err)
	}
	h.mu.Lock()
	h.opts.Direction = d
	h.mu.Unlock()
	return nil
}

// SetNonblock switches non-blocking mode (pcap_setnonblock), before or
// after activation. In non-blocking mode a read with no packet waiting
// returns ErrTimeout at once.
func (h *Handle) SetNonblock(on bool) error {
	h.mu.Lock()
	if !h.active {
		defer h.mu.Unlock()
		if h.closing {
			return ErrClosed
		}
		h.opts.NonBlocking = on
		return nil
	}
	h.mu.Unlock()
	if err := h.acquire(); err != nil {
		return err
	}
	defer h.leave()
	return h.src.SetNonblock(on)
}

// Activate opens the device with the options set so far (pcap_activate).
// Errors wrap ErrNoSuchDevice, ErrPermission, ErrNotUp, ErrNotSupported...
// On failure the handle stays inactive; Close it.
func (h *Handle) Activate() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return ErrClosed
	}
	if h.active {
		return fmt.Errorf("%s: %w", h.device, ErrActivated)
	}
	if err := h.src.Activate(h.opts); err != nil {
		return err
	}
	h.active = true
	h.activated.Store(true)
	h.buf = make([]Packet, batchSize)
	return nil
}

// acquire registers a caller that uses the active source; leave
// unregisters it and, when the handle was closed meanwhile and this was
// the last user, closes the source.
func (h *Handle) acquire() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return ErrClosed
	}
	if !h.active {
		return fmt.Errorf("%s: %w", h.device, ErrNotActivated)
	}
	h.users++
	return nil
}

func (h *Handle) leave() {
	h.mu.Lock()
	h.users--
	check := h.closing && h.users == 0
	h.mu.Unlock()
	if check {
		h.releaseIfIdle()
	}
}

// enterRead takes the reader lock for a read call. Readers do not count
// as users: holding readMu is what keeps the source alive under them,
// which costs one lock per call and no more.
func (h *Handle) enterRead() error {
	h.readMu.Lock()
	if h.closed.Load() {
		h.exitRead()
		return ErrClosed
	}
	if !h.activated.Load() {
		h.readMu.Unlock()
		return fmt.Errorf("%s: %w", h.device, ErrNotActivated)
	}
	return nil
}

// exitRead drops the reader lock and, if the handle was closed while the
// reader was inside, releases the source.
func (h *Handle) exitRead() {
	h.readMu.Unlock()
	if h.closed.Load() {
		h.releaseIfIdle()
	}
}

// releaseIfIdle closes the source once the handle is closed, no reader
// holds readMu and no other call is inside. Whoever leaves last does it.
func (h *Handle) releaseIfIdle() {
	if !h.readMu.TryLock() {
		return // a reader is inside; it calls this on its way out
	}
	defer h.readMu.Unlock()
	h.mu.Lock()
	last := h.closing && h.users == 0 && !h.released
	if last {
		h.released = true
	}
	h.mu.Unlock()
	if last {
		err := h.src.Close()
		h.mu.Lock()
		h.closeErr = err
		h.mu.Unlock()
	}
}

// Close closes the handle (pcap_close). It is safe from any goroutine: a
// read blocked in another goroutine returns ErrClosed promptly, and the
// source is released when the last such call has returned. Data from
// zero-copy reads is invalid after Close. Closing twice is a no-op.
func (h *Handle) Close() error {
	h.mu.Lock()
	if h.closing {
		h.mu.Unlock()
		return nil
	}
	h.closing = true
	h.closed.Store(true)
	// Wake any reader; whoever leaves last (maybe this call) releases the
	// source.
	h.users++
	h.mu.Unlock()
	h.src.Wake()
	h.leave()
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closeErr
}

// BreakLoop makes the current or next read (Loop, Dispatch, Packets,
// ReadPacketData...) return ErrBreak (pcap_breakloop). Safe from any
// goroutine; a read blocked in the kernel is woken.
func (h *Handle) BreakLoop() {
	h.breakLoop.Store(true)
	h.mu.Lock()
	ok := h.active && !h.released
	if ok {
		h.users++
	}
	h.mu.Unlock()
	if ok {
		h.src.Wake()
		h.leave()
	}
}

// LinkType returns the link-layer header type (pcap_datalink).
func (h *Handle) LinkType() link.Type { return h.src.LinkType() }

// LinkTypes lists the link-layer types the device offers
// (pcap_list_datalinks); valid after activation.
func (h *Handle) LinkTypes() ([]link.Type, error) {
	if err := h.acquire(); err != nil {
		return nil, err
	}
	defer h.leave()
	return h.src.LinkTypes(), nil
}

// SetLinkType switches the link-layer header type (pcap_set_datalink,
// tcpdump -y); valid after activation. It does not recompile the filter.
func (h *Handle) SetLinkType(t link.Type) error {
	if err := h.acquire(); err != nil {
		return err
	}
	defer h.leave()
	if err := h.src.SetLinkType(t); err != nil {
		return fmt.Errorf("%s: link type %s: %w", h.device, t, err)
	}
	return nil
}

// SnapLen returns the effective snapshot length (pcap_snapshot).
func (h *Handle) SnapLen() int { return h.src.SnapLen() }

// Fd returns a file descriptor that becomes readable when packets are
// waiting (pcap_get_selectable_fd), or -1. It stays owned by the handle.
func (h *Handle) Fd() int {
	if err := h.acquire(); err != nil {
		return -1
	}
	defer h.leave()
	return h.src.Fd()
}

// Stats returns cumulative statistics since activation (pcap_stats), with
// Captured counting the packets this handle delivered.
func (h *Handle) Stats() (Stats, error) {
	if err := h.acquire(); err != nil {
		return Stats{}, err
	}
	defer h.leave()
	s, err := h.src.Stats()
	if err != nil {
		return Stats{}, fmt.Errorf("%s: statistics: %w", h.device, err)
	}
	s.Captured = h.captured.Load()
	return s, nil
}

// WritePacketData sends a raw packet, link-layer header included
// (pcap_sendpacket).
func (h *Handle) WritePacketData(data []byte) error {
	_, err := h.Inject(data)
	return err
}

// Inject sends a raw packet and returns the number of bytes sent
// (pcap_inject).
func (h *Handle) Inject(data []byte) (int, error) {
	if err := h.acquire(); err != nil {
		return 0, err
	}
	defer h.leave()
	n, err := h.src.Inject(data)
	if err != nil {
		return n, fmt.Errorf("%s: send: %w", h.device, err)
	}
	return n, nil
}

// CompileFilter compiles a pcap-filter expression for this handle's link
// type, snapshot length, netmask and source (pcap_compile with
// optimization), without installing it.
func (h *Handle) CompileFilter(expr string) (bpf.Program, error) {
	var mask uint32
	if _, m, err := LookupNet(h.device); err == nil && m.Is4() {
		b := m.As4()
		mask = binary.BigEndian.Uint32(b[:])
	}
	prog, err := filter.Compile(expr, filter.Options{
		LinkType:    h.src.LinkType(),
		SnapLen:     h.src.SnapLen(),
		Netmask:     mask,
		Optimize:    true,
		LinuxSocket: h.src.LinuxSocket(),
	})
	if err != nil {
		return nil, fmt.Errorf("%s: filter %q: %w", h.device, expr, err)
	}
	return prog, nil
}

// SetFilter compiles expr and installs it (pcap_compile + pcap_setfilter).
// The kernel runs it when it can (see FilterPlace); otherwise packets are
// filtered in user space with the same program. Changing the filter lets
// no packet through that the new filter rejects.
func (h *Handle) SetFilter(expr string) error {
	if err := h.acquire(); err != nil {
		return err
	}
	defer h.leave()
	prog, err := h.CompileFilter(expr)
	if err != nil {
		return err
	}
	return h.setBPF(prog)
}

// SetBPF installs a compiled BPF program as the filter (pcap_setfilter).
func (h *Handle) SetBPF(prog bpf.Program) error {
	if err := h.acquire(); err != nil {
		return err
	}
	defer h.leave()
	return h.setBPF(prog)
}

func (h *Handle) setBPF(prog bpf.Program) error {
	if err := prog.ValidateUserland(); err != nil {
		return fmt.Errorf("%s: filter: %w", h.device, err)
	}
	place, err := h.src.SetFilter(prog)
	if err == nil {
		h.filt.Store(&handleFilter{prog: prog, place: place})
		return nil
	}
	if !errors.Is(err, ErrNotSupported) {
		return fmt.Errorf("%s: setting filter: %w", h.device, err)
	}
	m, err := bpf.NewMachine(prog)
	if err != nil {
		return fmt.Errorf("%s: filter: %w", h.device, err)
	}
	h.filt.Store(&handleFilter{prog: prog, place: FilterHandle, m: m})
	return nil
}

// FilterPlace reports where the installed filter runs: FilterKernel,
// FilterSource or FilterHandle (both in user space), or FilterNone.
func (h *Handle) FilterPlace() FilterPlace {
	if f := h.filt.Load(); f != nil {
		return f.place
	}
	return FilterNone
}

// FilterInKernel reports whether the kernel runs the installed filter.
func (h *Handle) FilterInKernel() bool { return h.FilterPlace() == FilterKernel }

// next returns the next packet, zero-copy. The caller holds readMu and
// has acquired the handle.
func (h *Handle) next() (*Packet, error) {
	for {
		if h.closed.Load() {
			return nil, ErrClosed
		}
		// A plain load first: an atomic swap per packet costs more than
		// the rest of the read path.
		if h.breakLoop.Load() && h.breakLoop.Swap(false) {
			h.publish()
			return nil, ErrBreak
		}
		if h.pos < h.n {
			p := &h.buf[h.pos]
			h.pos++
			if f := h.filt.Load(); f != nil && f.m != nil {
				snap := f.m.Run(p.Data, p.Info.Length)
				if snap == 0 {
					continue
				}
				if int(snap) < len(p.Data) {
					p.Data = p.Data[:snap]
					p.Info.CaptureLength = int(snap)
				}
			}
			h.ncaptured++
			if h.ncaptured&1023 == 0 {
				h.publish()
			}
			return p, nil
		}
		n, err := h.src.ReadPackets(h.buf)
		h.pos, h.n = 0, n
		if err != nil && n == 0 {
			h.publish()
			if errors.Is(err, ErrBreak) {
				continue // woken: the loop top says why (or it was stale)
			}
			if h.closed.Load() {
				return nil, ErrClosed
			}
			return nil, err
		}
	}
}

// publish makes the reader's packet count visible to Stats. The reader
// calls it every 1024 packets and whenever it stops or waits.
func (h *Handle) publish() { h.captured.Store(h.ncaptured) }

// readOne returns the next packet, taking the reader lock.
func (h *Handle) readOne() (*Packet, error) {
	if err := h.enterRead(); err != nil {
		return nil, err
	}
	defer h.exitRead()
	return h.next()
}

// ZeroCopyReadPacketData returns the next packet without copying it
// (pcap_next_ex). The data is valid until the next read on the handle or
// Close. Errors: ErrTimeout (no packet within the timeout, or none waiting
// in non-blocking mode), ErrBreak, ErrClosed, io.EOF (end of a file).
func (h *Handle) ZeroCopyReadPacketData() ([]byte, CaptureInfo, error) {
	p, err := h.readOne()
	if err != nil {
		return nil, CaptureInfo{}, err
	}
	return p.Data, p.Info, nil
}

// ReadPacketData returns a copy of the next packet; see
// ZeroCopyReadPacketData for the errors.
func (h *Handle) ReadPacketData() ([]byte, CaptureInfo, error) {
	if err := h.enterRead(); err != nil {
		return nil, CaptureInfo{}, err
	}
	defer h.exitRead()
	p, err := h.next()
	if err != nil {
		return nil, CaptureInfo{}, err
	}
	return append([]byte(nil), p.Data...), p.Info, nil
}

// Next returns the next packet, zero-copy (the data is valid until the
// next read or Close); see ZeroCopyReadPacketData for the errors.
func (h *Handle) Next() (Packet, error) {
	p, err := h.readOne()
	if err != nil {
		return Packet{}, err
	}
	return *p, nil
}

// maxBatch is the most packets NextBatch returns at once.
const maxBatch = 128

// NextBatch returns the next packets the source has ready, at least one
// and at most 128: for a live capture, a run of the ring's current
// block. Nothing is copied: the slice and the packets' data are valid
// until the next read on the handle or Close. It waits for packets as
// ZeroCopyReadPacketData does and returns the same errors.
//
// Reading a batch costs less per packet than a call per packet: a
// capture loop that does little with each packet (writing it to a file,
// counting it) spends much of its time in the calls. The batch was
// decoded at once, so a filter, direction or link type change takes
// effect from the next call.
func (h *Handle) NextBatch() ([]Packet, error) {
	if err := h.enterRead(); err != nil {
		return nil, err
	}
	defer h.exitRead()
	if h.batch == nil {
		h.batch = make([]Packet, maxBatch)
	}
	for {
		if h.closed.Load() {
			return nil, ErrClosed
		}
		if h.breakLoop.Load() && h.breakLoop.Swap(false) {
			return nil, ErrBreak
		}
		n, err := h.src.ReadPackets(h.batch)
		if err != nil && n == 0 {
			if errors.Is(err, ErrBreak) {
				continue // woken: the loop top says why (or it was stale)
			}
			if h.closed.Load() {
				return nil, ErrClosed
			}
			return nil, err
		}
		pkts := h.batch[:n]
		if f := h.filt.Load(); f != nil && f.m != nil {
			k := 0
			for i := range pkts {
				p := &pkts[i]
				snap := f.m.Run(p.Data, p.Info.Length)
				if snap == 0 {
					continue
				}
				if int(snap) < len(p.Data) {
					p.Data = p.Data[:snap]
					p.Info.CaptureLength = int(snap)
				}
				pkts[k] = *p
				k++
			}
			pkts = pkts[:k]
		}
		if len(pkts) == 0 {
			continue
		}
		h.ncaptured += uint64(len(pkts))
		h.publish()
		return pkts, nil
	}
}

// Handler is the callback of Loop and Dispatch. data is valid only during
// the call.
type Handler func(data []byte, ci CaptureInfo)

// Loop calls fn for each packet until count packets were processed
// (count <= 0: forever), like pcap_loop. It returns nil after count
// packets or at the end of a file, ErrBreak after BreakLoop, ErrClosed
// after Close, or the read error. Timeouts do not stop it.
func (h *Handle) Loop(count int, fn Handler) error {
	if err := h.enterRead(); err != nil {
		return err
	}
	defer h.exitRead()
	defer h.publish()
	for n := 0; count <= 0 || n < count; n++ {
		p, err := h.next()
		if err != nil {
			if errors.Is(err, ErrTimeout) {
				n--
				continue
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		fn(p.Data, p.Info)
	}
	return nil
}

// Dispatch processes the packets of one buffer from the source (those
// ready without waiting), at most count (count <= 0: all of them), like
// pcap_dispatch, and returns how
// many it passed to fn. It waits (as the timeout says) only when no packet
// is buffered; a timeout returns 0 and nil, and the end of a file 0 and
// io.EOF.
func (h *Handle) Dispatch(count int, fn Handler) (int, error) {
	if err := h.enterRead(); err != nil {
		return 0, err
	}
	defer h.exitRead()
	defer h.publish()
	done := 0
	pender, _ := h.src.(Pender)
	for count <= 0 || done < count {
		if done > 0 && h.pos >= h.n && (pender == nil || !pender.Pending()) {
			break // buffer exhausted: return what we have
		}
		p, err := h.next()
		if err != nil {
			if errors.Is(err, ErrTimeout) {
				return done, nil
			}
			return done, err
		}
		fn(p.Data, p.Info)
		done++
	}
	return done, nil
}

// Packets returns an iterator over the handle's packets:
//
//	for pkt, err := range h.Packets() { ... }
//
// pkt.Data is valid only during the loop body. Timeouts are skipped; the
// iteration ends after the end of a file, or after yielding a non-nil
// error (ErrBreak, ErrClosed, a read error).
func (h *Handle) Packets() iter.Seq2[Packet, error] {
	return func(yield func(Packet, error) bool) {
		if err := h.enterRead(); err != nil {
			yield(Packet{}, err)
			return
		}
		defer h.exitRead()
		defer h.publish()
		for {
			p, err := h.next()
			if err != nil {
				if errors.Is(err, ErrTimeout) {
					continue
				}
				if !errors.Is(err, io.EOF) {
					yield(Packet{}, err)
				}
				return
			}
			if !yield(*p, nil) {
				return
			}
		}
	}
}
