//go:build linux

package afpacket

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/link"
)

// SetFilter installs prog. It attaches a kernel version of the program
// (see kernelProgram) with SO_ATTACH_FILTER; when the kernel refuses it,
// or the program cannot run in the kernel, the source filters in userland
// with the same program and the kernel filter is removed.
//
// No packet that prog rejects is delivered after the call: packets already
// in the ring passed the old filter, so the blocks that may hold them (all
// the ring's blocks, counted from now) are filtered again in userland with
// prog, as libpcap does.
func (s *src) SetFilter(prog bpf.Program) (snare.FilterPlace, error) {
	m, err := bpf.NewMachine(prog)
	if err != nil {
		return snare.FilterNone, err
	}
	lt := link.Type(s.linkType.Load())
	kprog, ok := kernelProgram(prog, s.cooked, lt == link.LinuxSLL2)
	if ok {
		if err := prog.Validate(); err != nil {
			ok = false
		}
	}
	if ok {
		// Everything in the ring now, plus the block being filled, is
		// refiltered with the new program before the kernel switches.
		s.filt.Store(&srcFilter{m: m, kernel: true})
		s.refilter.Store(int64(s.nBlocks + 1))
		err := attach(s.fd, kprog)
		if err == nil {
			s.refilter.Store(int64(s.nBlocks + 1))
			return snare.FilterKernel, nil
		}
		if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOMEM) && !errors.Is(err, unix.E2BIG) {
			return snare.FilterNone, s.sysErr("SO_ATTACH_FILTER", err)
		}
	}
	// Userland: filter everything here first, then drop the kernel filter.
	s.filt.Store(&srcFilter{m: m, kernel: false})
	if err := unix.SetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_DETACH_FILTER, 0); err != nil && !errors.Is(err, unix.ENOENT) {
		return snare.FilterNone, s.sysErr("SO_DETACH_FILTER", err)
	}
	return snare.FilterSource, nil
}

func attach(fd int, prog bpf.Program) error {
	if len(prog) == 0 {
		return unix.EINVAL
	}
	ins := make([]unix.SockFilter, len(prog))
	for i, in := range prog {
		ins[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	fp := unix.SockFprog{Len: uint16(len(ins)), Filter: (*unix.SockFilter)(unsafe.Pointer(&ins[0]))}
	return unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fp)
}

// kernelProgram adapts prog for the kernel, as libpcap's fix_program does:
// the snapshot length a matching packet returns becomes the maximum (the
// ring and userland truncate), and on cooked sockets, where the kernel's
// packet starts at the network header, loads from the LINUX_SLL/SLL2
// header become ancillary loads and later offsets lose the header's
// length. ok is false when a load cannot be expressed for the kernel.
func kernelProgram(prog bpf.Program, cooked, v2 bool) (bpf.Program, bool) {
	out := make(bpf.Program, len(prog))
	copy(out, prog)
	for i := range out {
		in := &out[i]
		switch in.Class() {
		case bpf.RET:
			if in.Op&0x18 == bpf.K && in.K != 0 {
				in.K = link.DefaultMaxSnapLen
			}
		case bpf.LD, bpf.LDX:
			mode := in.Op & 0xe0
			if !cooked || (mode != bpf.ABS && mode != bpf.IND && mode != bpf.MSH) {
				continue
			}
			if mode == bpf.ABS && int32(in.K) < 0 {
				continue // already ancillary
			}
			if !fixOffset(in, mode == bpf.ABS, v2) {
				return nil, false
			}
		}
	}
	return out, true
}

func fixOffset(in *bpf.Instruction, abs, v2 bool) bool {
	hl := uint32(sllLen)
	if v2 {
		hl = sll2Len
	}
	if in.K >= hl {
		in.K -= hl
		return true
	}
	if !abs {
		return false
	}
	anc := func(a int32) bool { in.K = uint32(int32(bpf.AncOffset) + a); return true }
	if v2 {
		switch in.K {
		case 0:
			return anc(bpf.AncProtocol)
		case 4:
			return anc(bpf.AncIfIndex)
		case 8:
			return anc(bpf.AncHaType)
		case 10:
			return anc(bpf.AncPktType)
		}
		return false
	}
	switch in.K {
	case 0:
		return anc(bpf.AncPktType)
	case 2:
		return anc(bpf.AncHaType)
	case 14:
		return anc(bpf.AncProtocol)
	}
	return false
}
