//go:build linux

package afpacket

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/link"
)

// Sizes and offsets of the kernel's ring structures (linux/if_packet.h).
const (
	tpacket3HdrLen = 48 // TPACKET_ALIGN(sizeof(struct tpacket3_hdr))
	sllLen         = 16 // struct sll_header (DLT_LINUX_SLL)
	sll2Len        = 20 // struct sll2_header (DLT_LINUX_SLL2)
	vlanTagLen     = 4
	ethPAll        = 0x0003
	ethP8021Q      = 0x8100

	// block descriptor fields (struct tpacket_block_desc + tpacket_hdr_v1)
	bdStatus   = 8
	bdNumPkts  = 12
	bdFirstPkt = 16

	tpStatusKernel        = 0
	tpStatusUser          = 1 << 0
	tpStatusVLANValid     = 1 << 4
	tpStatusVLANTPIDValid = 1 << 6

	packetOutgoing = 4 // PACKET_OUTGOING

	defaultBufferSize = 2 << 20
)

// src is an AF_PACKET capture source: one socket and its TPACKET_V3 ring.
type src struct {
	device string
	any    bool

	fd      int
	file    *os.File        // fd, registered with Go's network poller
	rc      syscall.RawConn // file's raw connection: waits without a blocked thread
	woken   atomic.Bool     // Wake was called
	ring    []byte
	blkSize int
	nBlocks int
	ifindex int
	loIndex int
	hatype  uint16
	cooked  bool

	snaplen  int
	micro    bool          // truncate timestamps to microseconds
	linkType atomic.Uint32 // link.Type delivered
	types    []link.Type
	timeout  int // poll timeout in ms (-1: forever, 0: non-blocking)
	nonblock atomic.Bool
	dir      atomic.Uint32 // snare.Direction to keep

	// reader state (one reader at a time)
	cur       int     // current block
	held      bool    // cur is ours (TP_STATUS_USER) and not yet released
	remaining int     // packets left in cur
	off       int     // offset of the next packet in cur
	aux       bpf.Aux // scratch for the userland filter

	filt      atomic.Pointer[srcFilter]
	refilter  atomic.Int64 // blocks still to filter in userland after a kernel filter change
	statsMu   sync.Mutex
	stats     snare.Stats
	ifDrops0  uint64
	nl        *rtnl
	wakeMu    sync.Mutex
	closed    bool
	activated bool
}

// srcFilter is the installed filter: the machine for userland runs and
// whether the kernel runs it too.
type srcFilter struct {
	m      *bpf.Machine
	kernel bool
}

func newSource(device string) *src {
	s := &src{device: device, any: device == "any", fd: -1}
	s.dir.Store(uint32(snare.DirectionInOut))
	return s
}

func (s *src) errorf(sentinel error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if sentinel == nil {
		return fmt.Errorf("%s: %s", s.device, msg)
	}
	return fmt.Errorf("%s: %w (%s)", s.device, sentinel, msg)
}

// sysErr maps an errno from setting up the socket to a snare error.
func (s *src) sysErr(what string, err error) error {
	switch {
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		return s.errorf(snare.ErrPermission, "%s: %v", what, err)
	case errors.Is(err, unix.ENODEV), errors.Is(err, unix.ENXIO):
		return s.errorf(snare.ErrNoSuchDevice, "%s: %v", what, err)
	case errors.Is(err, unix.ENETDOWN):
		return s.errorf(snare.ErrNotUp, "%s: %v", what, err)
	}
	return s.errorf(nil, "%s: %v", what, err)
}

// Activate opens the socket, sets up the ring and binds it.
func (s *src) Activate(o snare.Options) (err error) {
	if len(s.device) >= unix.IFNAMSIZ {
		return s.errorf(snare.ErrNoSuchDevice, "name too long")
	}
	s.snaplen = o.SnapLen
	if s.snaplen <= 0 || s.snaplen > link.DefaultMaxSnapLen {
		s.snaplen = link.DefaultMaxSnapLen
	}
	defer func() {
		if err != nil {
			s.release()
		}
	}()
	// A socket with protocol 0 receives nothing until bound, so no packet
	// arrives before the ring and options are in place.
	s.fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return s.sysErr("socket", err)
	}
	s.loIndex, _ = ifIndex(s.fd, "lo")
	if s.any {
		s.cooked = true
		s.types = []link.Type{link.LinuxSLL, link.LinuxSLL2}
		s.linkType.Store(uint32(link.LinuxSLL))
	} else {
		s.ifindex, err = ifIndex(s.fd, s.device)
		if err != nil {
			if errors.Is(err, unix.ENODEV) {
				return s.errorf(snare.ErrNoSuchDevice, "SIOCGIFINDEX: %v", err)
			}
			return s.sysErr("SIOCGIFINDEX", err)
		}
		ifr, _ := unix.NewIfreq(s.device)
		if err := unix.IoctlIfreq(s.fd, unix.SIOCGIFFLAGS, ifr); err == nil && ifr.Uint16()&unix.IFF_UP == 0 {
			return s.errorf(snare.ErrNotUp, "interface is down")
		}
		ifr, _ = unix.NewIfreq(s.device)
		if err := unix.IoctlIfreq(s.fd, unix.SIOCGIFHWADDR, ifr); err != nil {
			return s.sysErr("SIOCGIFHWADDR", err)
		}
		s.hatype = ifr.Uint16()
		lt, types, cooked := mapHatype(s.hatype)
		s.cooked, s.types = cooked, types
		s.linkType.Store(uint32(lt))
	}
	if s.cooked {
		unix.Close(s.fd)
		s.fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return s.sysErr("socket", err)
		}
	}
	if err := unix.SetsockoptInt(s.fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		return s.sysErr("PACKET_VERSION TPACKET_V3", err)
	}
	reserve := vlanTagLen
	if s.cooked {
		reserve += sll2Len
	}
	if err := unix.SetsockoptInt(s.fd, unix.SOL_PACKET, unix.PACKET_RESERVE, reserve); err != nil {
		return s.sysErr("PACKET_RESERVE", err)
	}
	if err := s.setTimestamping(o.TimestampType); err != nil {
		return err
	}
	if err := s.setupRing(o, reserve); err != nil {
		return err
	}
	if o.Promiscuous && !s.any {
		mreq := unix.PacketMreq{Ifindex: int32(s.ifindex), Type: unix.PACKET_MR_PROMISC}
		if err := unix.SetsockoptPacketMreq(s.fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
			if errors.Is(err, unix.EPERM) {
				return s.errorf(snare.ErrPromiscPermission, "PACKET_ADD_MEMBERSHIP: %v", err)
			}
			return s.sysErr("PACKET_ADD_MEMBERSHIP", err)
		}
	}
	if o.QdiscBypass {
		if err := unix.SetsockoptInt(s.fd, unix.SOL_PACKET, unix.PACKET_QDISC_BYPASS, 1); err != nil {
			return s.sysErr("PACKET_QDISC_BYPASS", err)
		}
	}
	proto := uint16(ethPAll)
	if o.Protocol != 0 {
		proto = o.Protocol
	}
	sa := &unix.SockaddrLinklayer{Protocol: htons(proto), Ifindex: s.ifindex}
	if err := unix.Bind(s.fd, sa); err != nil {
		return s.sysErr("bind", err)
	}
	if o.Fanout.Mode != snare.FanoutNone {
		if err := s.joinFanout(o.Fanout); err != nil {
			return err
		}
	}
	// Waiting goes through Go's network poller (epoll): a reader waiting
	// for a block parks its goroutine instead of blocking a thread in
	// poll(2), which keeps the runtime's monitor thread from spinning.
	// Wake interrupts the wait with a read deadline in the past.
	if err := unix.SetNonblock(s.fd, true); err != nil {
		return s.sysErr("O_NONBLOCK", err)
	}
	s.file = os.NewFile(uintptr(s.fd), "packet socket "+s.device)
	if s.rc, err = s.file.SyscallConn(); err != nil {
		return s.sysErr("SyscallConn", err)
	}
	s.dir.Store(uint32(o.Direction))
	s.nonblock.Store(o.NonBlocking)
	s.micro = o.TimestampPrecision != snare.Nanosecond
	switch {
	case o.Timeout > 0:
		s.timeout = int((o.Timeout + time.Millisecond - 1) / time.Millisecond)
	default:
		s.timeout = -1
	}
	if !s.any {
		if nl, err := openRtnl(); err == nil {
			s.nl = nl
			s.ifDrops0, _ = nl.rxDropped(s.ifindex)
		}
	}
	s.activated = true
	return nil
}

// mapHatype maps an ARPHRD_ type to the link type libpcap uses, the list
// it offers, and whether the socket must be cooked (SOCK_DGRAM).
func mapHatype(hatype uint16) (link.Type, []link.Type, bool) {
	switch hatype {
	case unix.ARPHRD_ETHER:
		return link.EN10MB, []link.Type{link.EN10MB, 143 /* DOCSIS */}, false
	case unix.ARPHRD_LOOPBACK:
		return link.EN10MB, []link.Type{link.EN10MB}, false
	case unix.ARPHRD_NONE:
		return link.Raw, []link.Type{link.Raw}, false
	case unix.ARPHRD_IEEE80211_RADIOTAP:
		return link.IEEE802_11Radio, []link.Type{link.IEEE802_11Radio}, false
	}
	return link.LinuxSLL, []link.Type{link.LinuxSLL, link.LinuxSLL2}, true
}

func (s *src) setupRing(o snare.Options, reserve int) error {
	page := os.Getpagesize()
	maxPkt := min(s.snaplen, 65535+18)
	frame := align16(align16(tpacket3HdrLen+20+16) + reserve + maxPkt)
	blk := page
	for blk < frame {
		blk <<= 1
	}
	bufSize := o.BufferSize
	if bufSize <= 0 {
		bufSize = defaultBufferSize
	}
	var n int
	if o.Immediate {
		// Each block is handed over after 1 ms however little it holds,
		// so sparse traffic puts each packet in a block of its own: the
		// smallest blocks, and as many as libpcap's immediate-mode ring
		// (TPACKET_V2, one frame per packet) has frames. They take more
		// memory than the buffer size, as libpcap's frames do.
		n = bufSize / frame
	} else {
		// Larger blocks mean fewer wake-ups (each costs context
		// switches, and Go's scheduler adds some): aim at eight blocks
		// per ring, at most 1 MiB each, never smaller than one
		// maximum-size frame.
		for blk < 1<<20 && blk*2*8 <= bufSize {
			blk <<= 1
		}
		n = bufSize / blk
	}
	if n < 2 {
		n = 2
	}
	tov := 0
	switch {
	case o.Immediate:
		tov = 1
	case o.Timeout > 0:
		tov = int((o.Timeout + time.Millisecond - 1) / time.Millisecond)
	}
	req := unix.TpacketReq3{
		Block_size:     uint32(blk),
		Block_nr:       uint32(n),
		Frame_size:     uint32(frame),
		Frame_nr:       uint32(blk / frame * n),
		Retire_blk_tov: uint32(tov),
	}
	for {
		err := unix.SetsockoptTpacketReq3(s.fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req)
		if err == nil {
			break
		}
		// Too big for the kernel's allocator: halve the ring, as libpcap
		// does on ENOMEM.
		if errors.Is(err, unix.ENOMEM) && req.Block_nr > 2 {
			req.Block_nr /= 2
			req.Frame_nr = uint32(blk/frame) * req.Block_nr
			continue
		}
		return s.sysErr("PACKET_RX_RING", err)
	}
	ring, err := unix.Mmap(s.fd, 0, blk*int(req.Block_nr), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_LOCKED|unix.MAP_POPULATE)
	if err != nil {
		ring, err = unix.Mmap(s.fd, 0, blk*int(req.Block_nr), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		if err != nil {
			return s.sysErr("mmap", err)
		}
	}
	s.ring, s.blkSize, s.nBlocks = ring, blk, int(req.Block_nr)
	return nil
}

func (s *src) joinFanout(f snare.Fanout) error {
	var mode int
	switch f.Mode {
	case snare.FanoutHash:
		mode = unix.PACKET_FANOUT_HASH
	case snare.FanoutLB:
		mode = unix.PACKET_FANOUT_LB
	case snare.FanoutCPU:
		mode = unix.PACKET_FANOUT_CPU
	case snare.FanoutRollover:
		mode = unix.PACKET_FANOUT_ROLLOVER
	case snare.FanoutRandom:
		mode = unix.PACKET_FANOUT_RND
	case snare.FanoutQueue:
		mode = unix.PACKET_FANOUT_QM
	default:
		return s.errorf(snare.ErrNotSupported, "fanout mode %d", f.Mode)
	}
	if f.Rollover {
		mode |= unix.PACKET_FANOUT_FLAG_ROLLOVER
	}
	if f.Defrag {
		mode |= unix.PACKET_FANOUT_FLAG_DEFRAG
	}
	if err := unix.SetsockoptInt(s.fd, unix.SOL_PACKET, unix.PACKET_FANOUT, int(f.Group)|mode<<16); err != nil {
		return s.sysErr(fmt.Sprintf("PACKET_FANOUT group %d mode %s", f.Group, f.Mode), err)
	}
	return nil
}

func align16(n int) int { return (n + 15) &^ 15 }

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func ifIndex(fd int, name string) (int, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFINDEX, ifr); err != nil {
		return 0, err
	}
	return int(ifr.Uint32()), nil
}

// LinkType is the delivered link-layer type.
func (s *src) LinkType() link.Type {
	if t := link.Type(s.linkType.Load()); t != 0 || s.activated {
		return t
	}
	if s.any {
		return link.LinuxSLL
	}
	return link.EN10MB
}

// LinkTypes lists the types SetLinkType accepts.
func (s *src) LinkTypes() []link.Type { return append([]link.Type(nil), s.types...) }

// SetLinkType switches between the offered types (LINUX_SLL and
// LINUX_SLL2 on cooked sockets, EN10MB and DOCSIS on Ethernet).
func (s *src) SetLinkType(t link.Type) error {
	for _, x := range s.types {
		if x == t {
			s.linkType.Store(uint32(t))
			return nil
		}
	}
	return s.errorf(snare.ErrNotSupported, "%s is not one of the device's link types", t)
}

// SnapLen is the effective snapshot length.
func (s *src) SnapLen() int { return s.snaplen }

// LinuxSocket: filters are compiled for a PF_PACKET socket.
func (s *src) LinuxSocket() bool { return true }

// SetDirection keeps incoming, outgoing or both.
func (s *src) SetDirection(d snare.Direction) error {
	if d > snare.DirectionOut {
		return s.errorf(snare.ErrNotSupported, "direction %d", d)
	}
	s.dir.Store(uint32(d))
	return nil
}

// SetNonblock switches non-blocking reads.
func (s *src) SetNonblock(nb bool) error { s.nonblock.Store(nb); return nil }

// Fd returns the socket: readable when a block is ready.
func (s *src) Fd() int { return s.fd }

// Wake makes a blocked ReadPackets return ErrBreak.
func (s *src) Wake() {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	if s.closed || s.file == nil {
		return
	}
	s.woken.Store(true)
	s.file.SetReadDeadline(time.Unix(1, 0))
}

// Close unmaps the ring and closes the descriptors.
func (s *src) Close() error {
	s.wakeMu.Lock()
	s.closed = true
	s.wakeMu.Unlock()
	s.release()
	return nil
}

func (s *src) release() {
	if s.ring != nil {
		unix.Munmap(s.ring)
		s.ring = nil
	}
	s.wakeMu.Lock()
	if s.file != nil {
		s.file.Close() // closes fd
		s.file = nil
		s.fd = -1
	} else if s.fd >= 0 {
		unix.Close(s.fd)
		s.fd = -1
	}
	s.wakeMu.Unlock()
	if s.nl != nil {
		s.nl.close()
		s.nl = nil
	}
}

// Stats returns libpcap's cumulative counters: PACKET_STATISTICS resets on
// every read, so they are accumulated here.
func (s *src) Stats() (snare.Stats, error) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st, err := unix.GetsockoptTpacketStatsV3(s.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return snare.Stats{}, s.sysErr("PACKET_STATISTICS", err)
	}
	s.stats.Received += uint64(st.Packets)
	s.stats.Dropped += uint64(st.Drops)
	if s.nl != nil {
		if d, err := s.nl.rxDropped(s.ifindex); err == nil && d >= s.ifDrops0 {
			s.stats.IfDropped = d - s.ifDrops0
		}
	}
	return s.stats, nil
}

// Inject sends one packet out of the interface.
func (s *src) Inject(data []byte) (int, error) {
	if s.any {
		return 0, s.errorf(snare.ErrNotSupported, "sending packets isn't supported on the \"any\" device")
	}
	if s.cooked {
		return 0, s.errorf(snare.ErrNotSupported, "sending packets isn't supported in cooked mode")
	}
	sa := &unix.SockaddrLinklayer{Ifindex: s.ifindex, Protocol: htons(ethPAll)}
	if err := unix.Sendto(s.fd, data, 0, sa); err != nil {
		return 0, err
	}
	return len(data), nil
}

// block returns the descriptor word at off of block i.
func (s *src) word(i, off int) *uint32 {
	return (*uint32)(unsafe.Pointer(&s.ring[i*s.blkSize+off]))
}

// releaseBlock hands the current block back to the kernel.
func (s *src) releaseBlock() {
	atomic.StoreUint32(s.word(s.cur, bdStatus), tpStatusKernel)
	s.held = false
	s.cur++
	if s.cur == s.nBlocks {
		s.cur = 0
	}
	if s.refilter.Load() > 0 {
		s.refilter.Add(-1)
	}
}

// ReadPackets returns the packets of the next ready block (up to
// len(pkts) at a time); see snare.Source.
func (s *src) ReadPackets(pkts []snare.Packet) (int, error) {
	if s.ring == nil {
		return 0, snare.ErrClosed
	}
	var deadline time.Time
	for {
		if s.held && s.remaining == 0 {
			s.releaseBlock()
		}
		if !s.held {
			status := atomic.LoadUint32(s.word(s.cur, bdStatus))
			if status&tpStatusUser == 0 {
				if err := s.wait(&deadline); err != nil {
					return 0, err
				}
				continue
			}
			s.held = true
			s.remaining = int(*s.word(s.cur, bdNumPkts))
			s.off = int(*s.word(s.cur, bdFirstPkt))
		}
		n, err := s.fill(pkts)
		if n > 0 || err != nil {
			return n, err
		}
	}
}

// Pending reports whether a packet is ready without waiting (for
// snare.Handle.Dispatch).
func (s *src) Pending() bool {
	if s.ring == nil {
		return false
	}
	if s.held && s.remaining > 0 {
		return true
	}
	i := s.cur
	if s.held {
		i = (i + 1) % s.nBlocks
	}
	return atomic.LoadUint32(s.word(i, bdStatus))&tpStatusUser != 0
}

// wait waits for the current block through the network poller, until
// the timeout's deadline or a Wake.
func (s *src) wait(deadline *time.Time) error {
	if s.nonblock.Load() {
		return snare.ErrTimeout
	}
	var d time.Time
	if s.timeout > 0 {
		if deadline.IsZero() {
			*deadline = time.Now().Add(time.Duration(s.timeout) * time.Millisecond)
		}
		d = *deadline
	}
	// Set the deadline before looking at the wake flag: a Wake after this
	// point moves the deadline into the past, one before it is seen here.
	s.file.SetReadDeadline(d)
	if s.woken.Swap(false) {
		return snare.ErrBreak
	}
	var sockErr unix.Errno
	err := s.rc.Read(func(uintptr) bool {
		if atomic.LoadUint32(s.word(s.cur, bdStatus))&tpStatusUser != 0 {
			return true
		}
		if e := soError(s.fd); e != 0 {
			sockErr = e
			return true
		}
		return false
	})
	switch {
	case err == nil:
	case errors.Is(err, os.ErrDeadlineExceeded):
		if s.woken.Swap(false) {
			return snare.ErrBreak
		}
		if s.timeout > 0 && !time.Now().Before(*deadline) {
			return snare.ErrTimeout
		}
		return nil // a stale wake-up deadline: look again
	case errors.Is(err, os.ErrClosed):
		return snare.ErrClosed
	default:
		return s.errorf(nil, "waiting for packets: %v", err)
	}
	if sockErr == unix.ENETDOWN {
		return s.errorf(snare.ErrNotUp, "the interface went down")
	}
	if sockErr != 0 {
		return s.errorf(nil, "socket error: %v", sockErr)
	}
	return nil
}

// soError returns the socket's pending error (SO_ERROR), or 0. It makes
// a raw system call: getsockopt never blocks, and a system call made
// the ordinary way wakes the Go runtime's monitor thread from its deep
// sleep, which then polls every 20 µs for a while; at every wait for a
// block, that cost more than reading the block.
func soError(fd int) unix.Errno {
	var v int32
	l := uint32(unsafe.Sizeof(v))
	_, _, e := unix.RawSyscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.SOL_SOCKET, unix.SO_ERROR,
		uintptr(unsafe.Pointer(&v)), uintptr(unsafe.Pointer(&l)), 0)
	if e != 0 {
		return 0
	}
	return unix.Errno(v)
}

// fill decodes packets from the held block into pkts.
func (s *src) fill(pkts []snare.Packet) (int, error) {
	base := s.cur * s.blkSize
	blk := s.ring[base : base+s.blkSize]
	lt := link.Type(s.linkType.Load())
	dir := snare.Direction(s.dir.Load())
	f := s.filt.Load()
	userFilter := f != nil && (!f.kernel || s.refilter.Load() > 0)
	n := 0
	for n < len(pkts) && s.remaining > 0 {
		off := s.off
		if off <= 0 || off+tpacket3HdrLen+20 > len(blk) {
			s.remaining = 0
			return n, s.errorf(nil, "corrupt ring block: packet offset %d", off)
		}
		h := (*unix.Tpacket3Hdr)(unsafe.Pointer(&blk[off]))
		s.remaining--
		s.off = off + int(h.Next_offset)
		sll := (*unix.RawSockaddrLinklayer)(unsafe.Pointer(&blk[off+tpacket3HdrLen]))
		mac := off + int(h.Mac)
		caplen := int(h.Snaplen)
		wirelen := int(h.Len)
		if mac+caplen > len(blk) {
			return n, s.errorf(nil, "corrupt ring block: packet of %d bytes at %d", caplen, mac)
		}
		// Direction, and loopback's second copy of outgoing packets.
		if sll.Pkttype == packetOutgoing {
			if int(sll.Ifindex) == s.loIndex || dir == snare.DirectionIn {
				continue
			}
		} else if dir == snare.DirectionOut {
			continue
		}
		if s.cooked {
			hl := sllLen
			if lt == link.LinuxSLL2 {
				hl = sll2Len
			}
			mac -= hl
			putCooked(blk[mac:mac+hl], sll, lt == link.LinuxSLL2)
			caplen += hl
			wirelen += hl
		}
		data := blk[mac : mac+caplen]
		vlanValid := h.Hv1.Vlan_tci != 0 || h.Status&tpStatusVLANValid != 0
		if userFilter {
			a := &s.aux
			a.Protocol = htons(sll.Protocol)
			a.PktType = sll.Pkttype
			a.IfIndex = uint32(sll.Ifindex)
			a.VLANTCI = uint16(h.Hv1.Vlan_tci)
			a.VLANPresent = vlanValid
			a.VLANTPID = ethP8021Q
			if h.Status&tpStatusVLANTPIDValid != 0 {
				a.VLANTPID = h.Hv1.Vlan_tpid
			}
			a.HaType = uint32(sll.Hatype)
			a.Hash = h.Hv1.Rxhash
			snap := f.m.RunAux(data, wirelen, a)
			if snap == 0 {
				continue
			}
			if int(snap) < caplen {
				caplen = int(snap)
				data = data[:caplen]
			}
		}
		// Reinsert the VLAN tag the driver stripped, in front of the
		// EtherType (Ethernet) or the protocol field (LINUX_SLL).
		if vlanValid {
			voff := -1
			switch lt {
			case link.EN10MB:
				voff = 12
			case link.LinuxSLL:
				voff = sllLen - 2
			}
			if voff >= 0 && caplen >= voff && mac-vlanTagLen >= off+tpacket3HdrLen+20 {
				mac -= vlanTagLen
				copy(blk[mac:mac+voff], blk[mac+vlanTagLen:])
				tpid := uint16(ethP8021Q)
				if h.Status&tpStatusVLANTPIDValid != 0 {
					tpid = h.Hv1.Vlan_tpid
				}
				tci := uint16(h.Hv1.Vlan_tci)
				blk[mac+voff] = byte(tpid >> 8)
				blk[mac+voff+1] = byte(tpid)
				blk[mac+voff+2] = byte(tci >> 8)
				blk[mac+voff+3] = byte(tci)
				caplen += vlanTagLen
				wirelen += vlanTagLen
				data = blk[mac : mac+caplen]
			}
		}
		if caplen > s.snaplen {
			caplen = s.snaplen
			data = data[:caplen]
		}
		d := snare.DirectionIn
		if sll.Pkttype == packetOutgoing {
			d = snare.DirectionOut
		}
		nsec := h.Nsec
		if s.micro {
			nsec -= nsec % 1000
		}
		// Field by field: a composite literal is built on the stack and
		// copied, and that copy stalls on store forwarding.
		p := &pkts[n]
		p.Data = data
		p.Info.Timestamp = time.Unix(int64(h.Sec), int64(nsec))
		p.Info.CaptureLength = caplen
		p.Info.Length = wirelen
		p.Info.InterfaceIndex = int(sll.Ifindex)
		p.Info.LinkType = lt
		p.Info.Direction = d
		n++
	}
	return n, nil
}

// putCooked writes a LINUX_SLL or LINUX_SLL2 header for the packet.
func putCooked(b []byte, sll *unix.RawSockaddrLinklayer, v2 bool) {
	proto := sll.Protocol // network byte order in memory
	pb := (*[2]byte)(unsafe.Pointer(&proto))
	if v2 {
		b[0], b[1] = pb[0], pb[1]
		b[2], b[3] = 0, 0
		ix := uint32(sll.Ifindex)
		b[4], b[5], b[6], b[7] = byte(ix>>24), byte(ix>>16), byte(ix>>8), byte(ix)
		b[8], b[9] = byte(sll.Hatype>>8), byte(sll.Hatype)
		b[10] = sll.Pkttype
		b[11] = sll.Halen
		copy(b[12:20], sll.Addr[:])
		return
	}
	b[0], b[1] = 0, sll.Pkttype
	b[2], b[3] = byte(sll.Hatype>>8), byte(sll.Hatype)
	b[4], b[5] = 0, sll.Halen
	copy(b[6:14], sll.Addr[:])
	b[14], b[15] = pb[0], pb[1]
}
