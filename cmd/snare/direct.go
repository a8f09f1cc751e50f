//go:build linux

package main

import (
	"io"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/snare-pcap/snare"
)

// directWriter writes pcap records to a file straight from the capture
// ring with writev(2): record headers from a buffer of its own, and each
// packet's bytes where the kernel put them. A live -w thus copies a
// packet once (into the page cache), not twice (into the queue, then the
// page cache), and for /dev/null not at all.
//
// Short packets (copyMax bytes or less) are copied next to their
// headers instead, and a run of batches of nothing but short packets is
// held (staged) and written in one call once stageBytes are pending,
// stageAge after the first, at a flush, or with the next batch that has
// a long packet: a system call per batch cost more than the copies
// for 60-byte frames. A batch with a long packet is written before
// write returns, since the ring's bytes are only valid until the next
// read.
//
// It writes from the reading goroutine, so a write that blocks holds
// up the reader: it is used only for files whose writes do not wait for
// a reader (regular files, and character devices that are not
// terminals), and the capture falls back to the queue when a write
// is slow (see liveReader).
type directWriter struct {
	rc   syscall.RawConn
	nano bool
	snap int
	// null: the file is the null device, whose writes return at once
	// and touch no byte (see writeOnce).
	null bool
	// each: write every batch at once (-U)
	each bool

	stage []byte       // record headers, and the short packets' bytes
	since time.Time    // when the stage's first record was added
	iov   []unix.Iovec // what one write call writes
	todo  []unix.Iovec // what writeOnce has left to write
	n     uintptr      // writeOnce's result
	errno syscall.Errno
	once  func(fd uintptr) bool // writeOnce, bound once (no allocation per write)
}

// copyMax is the longest packet write copies next to its record header
// rather than pointing the kernel at it in the ring.
const copyMax = 128

// stageBytes and stageAge bound what a directWriter holds: records are
// written once this many bytes are pending, or this long after the
// first of them (at the next batch, or the capture timeout's wake-up).
const (
	stageBytes = 256 << 10
	stageAge   = time.Second
)

// newDirectWriter returns a directWriter for w, or nil when w is not a
// file that may be written from the ring.
func newDirectWriter(w io.Writer, nano bool, snap int, each bool) *directWriter {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return nil
	}
	mode := fi.Mode()
	null := false
	switch {
	case mode.IsRegular():
	case mode&os.ModeCharDevice != 0:
		if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
			return nil // a terminal
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			null = unix.Major(uint64(st.Rdev)) == 1 && unix.Minor(uint64(st.Rdev)) == 3
		}
	default:
		return nil // a pipe, a socket: writes may wait for a reader
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	d := &directWriter{rc: rc, nano: nano, snap: snap, null: null, each: each}
	d.once = d.writeOnce
	return d
}

// write adds pkts as pcap records, and writes what is staged and pkts
// when a packet is long, the stage is full or old (now is the time),
// or with -U. It returns whether it wrote.
func (d *directWriter) write(pkts []snare.Packet, now time.Time) (bool, error) {
	// The stage must not grow while iovecs point into it.
	if need := len(pkts) * (pcapRecHdr + copyMax); cap(d.stage)-len(d.stage) < need {
		if err := d.flush(); err != nil {
			return true, err
		}
		if cap(d.stage) < stageBytes+need {
			d.stage = make([]byte, 0, stageBytes+need)
		}
	}
	if len(d.stage) == 0 {
		d.since = now
	}
	stage, iov := d.stage, d.iov[:0]
	run := 0 // start of the staged records not yet in iov
	for i := range pkts {
		p := &pkts[i]
		data, wire := pcapCut(p.Data, &p.Info, d.snap)
		off := len(stage)
		stage = stage[:off+pcapRecHdr]
		putPcapRecHdr(stage[off:], &p.Info, len(data), wire, d.nano)
		if len(data) <= copyMax {
			stage = append(stage, data...)
			continue
		}
		iov = appendIovec(iov, stage[run:])
		iov = appendIovec(iov, data)
		run = len(stage)
	}
	d.stage = stage
	if len(iov) == 0 && !d.each && len(stage) < stageBytes && now.Sub(d.since) < stageAge {
		return false, nil // only short packets: they wait in the stage
	}
	iov = appendIovec(iov, stage[run:])
	d.iov = iov
	d.stage = stage[:0]
	return true, d.writev(iov)
}

// flush writes what is staged.
func (d *directWriter) flush() error {
	if len(d.stage) == 0 {
		return nil
	}
	d.iov = appendIovec(d.iov[:0], d.stage)
	d.stage = d.stage[:0]
	return d.writev(d.iov)
}

// appendIovec appends an iovec for b, if it is not empty.
func appendIovec(iov []unix.Iovec, b []byte) []unix.Iovec {
	if len(b) == 0 {
		return iov
	}
	iov = append(iov, unix.Iovec{Base: &b[0]})
	iov[len(iov)-1].SetLen(len(b))
	return iov
}

// writev writes every byte iov describes, however many calls that
// takes.
func (d *directWriter) writev(iov []unix.Iovec) error {
	for len(iov) > 0 {
		d.todo = iov
		if err := d.rc.Write(d.once); err != nil {
			return err
		}
		switch {
		case d.errno == unix.EINTR:
			continue
		case d.errno != 0:
			return d.errno
		case d.n == 0:
			return io.ErrShortWrite
		}
		for n := uint64(d.n); n > 0; {
			l := uint64(iov[0].Len)
			if n >= l {
				n -= l
				iov = iov[1:]
				continue
			}
			iov[0].Base = (*byte)(unsafe.Add(unsafe.Pointer(iov[0].Base), n))
			iov[0].SetLen(int(l - n))
			n = 0
		}
	}
	return nil
}

// writeOnce makes one writev call on fd; it reports false (wait and
// call again) only when the file would block.
//
// For the null device it is a raw system call, which does not tell the
// Go scheduler: an ordinary one, the first after the reader waited for
// the ring, wakes the runtime's monitor thread from its deep sleep
// (a futex wake and a context switch per block of the ring), and that
// cost more than the write (perf, 1M-packet corpus replayed to
// -w /dev/null). Writes to other files may block, so they go through
// the scheduler.
func (d *directWriter) writeOnce(fd uintptr) bool {
	if d.null {
		d.n, _, d.errno = unix.RawSyscall(unix.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&d.todo[0])), uintptr(len(d.todo)))
	} else {
		d.n, _, d.errno = unix.Syscall(unix.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&d.todo[0])), uintptr(len(d.todo)))
	}
	return d.errno != unix.EAGAIN
}
