//go:build linux

package main

import (
	"io"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/snare-pcap/snare"
)

// directWriter writes pcap records to a file straight from the capture
// ring with writev(2): each record's 16-byte header from a small buffer
// of its own, then the packet's bytes where the kernel put them. A live
// -w thus copies each packet once (into the page cache), not twice
// (into the queue, then the page cache), and for /dev/null not at all.
//
// It writes from the reading goroutine, so a write that blocks holds
// up the reader: it is used only for files whose writes do not wait for
// a reader (regular files, and character devices that are not
// terminals), and the capture falls back to the queue when a write
// is slow (see capture).
type directWriter struct {
	rc   syscall.RawConn
	nano bool
	snap int
	// null: the file is the null device, whose writes return at once
	// and touch no byte (see writeOnce).
	null bool

	iov   []unix.Iovec // the records of one batch
	hdrs  []byte       // their headers
	todo  []unix.Iovec // what writeOnce has left to write
	n     uintptr      // writeOnce's result
	errno syscall.Errno
	once  func(fd uintptr) bool // writeOnce, bound once (no allocation per write)
}

// newDirectWriter returns a directWriter for w, or nil when w is not a
// file that may be written from the ring.
func newDirectWriter(w io.Writer, nano bool, snap int) *directWriter {
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
	d := &directWriter{rc: rc, nano: nano, snap: snap, null: null}
	d.once = d.writeOnce
	return d
}

// write writes pkts as pcap records and returns how many bytes that
// was.
func (d *directWriter) write(pkts []snare.Packet) (int, error) {
	if need := len(pkts) * pcapRecHdr; cap(d.hdrs) < need {
		d.hdrs = make([]byte, need)
		d.iov = make([]unix.Iovec, 0, 2*len(pkts))
	}
	iov := d.iov[:0]
	total := 0
	for i := range pkts {
		p := &pkts[i]
		data := p.Data
		wire := max(p.Info.Length, len(data))
		if len(data) > d.snap {
			data = data[:d.snap]
		}
		h := d.hdrs[i*pcapRecHdr : (i+1)*pcapRecHdr]
		putPcapRecHdr(h, &p.Info, len(data), wire, d.nano)
		iov = append(iov, unix.Iovec{Base: &h[0]})
		iov[len(iov)-1].SetLen(pcapRecHdr)
		if len(data) > 0 {
			iov = append(iov, unix.Iovec{Base: &data[0]})
			iov[len(iov)-1].SetLen(len(data))
		}
		total += pcapRecHdr + len(data)
	}
	d.iov = iov
	return total, d.writev(iov)
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
