package pcapfile

import (
	"encoding/binary"
	"math/bits"

	"github.com/snare-pcap/snare/link"
)

// A few link types begin with a pseudo-header whose fields are in the
// byte order of the host that captured. Like libpcap, when a file's byte
// order is not this host's, the Reader converts those fields in place
// before handing the packet out: the SocketCAN ID in Linux cooked (v1)
// captures of CAN frames, the Linux usbmon header, and the type and
// length of NFLOG TLVs.

// hostBigEndian reports whether this host is big-endian.
var hostBigEndian = func() bool {
	var b [2]byte
	binary.NativeEndian.PutUint16(b[:], 1)
	return b[0] == 0
}()

// needsPseudoSwap reports whether packets of type t need swapPseudo.
func needsPseudoSwap(t link.Type) bool {
	switch t {
	case link.LinuxSLL, link.USBLinux, link.USBLinuxMmapped, link.NFLog:
		return true
	}
	return false
}

// swapPseudo converts the pseudo-header of data (wirelen bytes on the
// wire) from the other byte order to this host's.
func swapPseudo(t link.Type, data []byte, wirelen int) {
	switch t {
	case link.LinuxSLL:
		swapSLLCAN(data, wirelen)
	case link.USBLinux:
		swapUSB(data, false)
	case link.USBLinuxMmapped:
		swapUSB(data, true)
	case link.NFLog:
		swapNFLog(data, wirelen)
	}
}

func swap16(b []byte) {
	b[0], b[1] = b[1], b[0]
}

func swap32(b []byte) {
	binary.LittleEndian.PutUint32(b, bits.ReverseBytes32(binary.LittleEndian.Uint32(b)))
}

func swap64(b []byte) {
	binary.LittleEndian.PutUint64(b, bits.ReverseBytes64(binary.LittleEndian.Uint64(b)))
}

// swapSLLCAN swaps the CAN ID that follows a 16-byte cooked header whose
// protocol is CAN (0x000c) or CAN FD (0x000d).
func swapSLLCAN(data []byte, wirelen int) {
	const sllLen = 16
	if len(data) < sllLen || wirelen < sllLen {
		return
	}
	proto := binary.BigEndian.Uint16(data[14:])
	if proto != 0x000c && proto != 0x000d {
		return
	}
	if len(data) < sllLen+4 || wirelen < sllLen+4 {
		return
	}
	swap32(data[sllLen : sllLen+4])
}

// swapUSB swaps the fields of a usbmon header, each only if the captured
// data holds all of it; long is the 64-byte (memory-mapped) header, which
// may be followed by isochronous descriptors.
func swapUSB(data []byte, long bool) {
	n := len(data)
	type field struct{ off, size int }
	for _, f := range []field{{0, 8}, {12, 2}, {16, 8}, {24, 4}, {28, 4}, {32, 4}, {36, 4}} {
		if n < f.off+f.size {
			return
		}
		switch f.size {
		case 2:
			swap16(data[f.off:])
		case 4:
			swap32(data[f.off:])
		case 8:
			swap64(data[f.off:])
		}
	}
	iso := data[9] == 0 // transfer_type URB_ISOCHRONOUS
	if iso {
		for _, off := range []int{40, 44} { // error_count, numdesc
			if n < off+4 {
				return
			}
			swap32(data[off:])
		}
	}
	if !long {
		return
	}
	for _, off := range []int{48, 52, 56, 60} { // interval, start_frame, xfer_flags, ndesc
		if n < off+4 {
			return
		}
		swap32(data[off:])
	}
	if !iso {
		return
	}
	ndesc := binary.NativeEndian.Uint32(data[60:])
	off := 64
	for i := uint32(0); i < ndesc; i++ {
		for _, fo := range []int{0, 4, 8} { // status, offset, len
			if n < off+fo+4 {
				return
			}
			swap32(data[off+fo:])
		}
		off += 16
	}
}

// swapNFLog swaps the type and length of each TLV after the 4-byte NFLOG
// header.
func swapNFLog(data []byte, wirelen int) {
	const hdr = 4
	if len(data) < hdr || wirelen < hdr || data[1] != 0 {
		return
	}
	p, caplen, length := data[hdr:], len(data)-hdr, wirelen-hdr
	for caplen >= 4 {
		swap16(p[0:])
		swap16(p[2:])
		size := int(binary.NativeEndian.Uint16(p[0:]))
		if size%4 != 0 {
			size += 4 - size%4
		}
		if size < 4 || caplen < size || length < size {
			return
		}
		p, caplen, length = p[size:], caplen-size, length-size
	}
}
