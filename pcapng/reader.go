package pcapng

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// readBufferSize is the size of the Reader's buffer and so of its read
// calls (libpcap and bufio read 4 KiB at a time; larger reads are
// markedly faster).
const readBufferSize = 1 << 20

// ReaderOptions configures NewReaderOptions.
type ReaderOptions struct {
	// Name is the file name used in error messages. If empty and the
	// io.Reader has a Name method (as *os.File does), that name is used.
	Name string
	// MaxBlockSize is the largest block accepted; 0 means
	// DefaultMaxBlockSize (raised, as libpcap does, when an interface's
	// link type allows bigger packets).
	MaxBlockSize int
	// CustomBlock, if not nil, is called with each custom block; an
	// error it returns stops the read and is returned. When nil, custom
	// blocks are skipped.
	CustomBlock func(CustomBlock) error
}

// iface is an interface of the current section.
type iface struct {
	Interface
	clock   clock
	snap    int // effective snap length (max for the link type if 0)
	stats   InterfaceStatistics
	hasStat bool
}

// Reader reads packets from a pcapng file.
type Reader struct {
	r        io.Reader
	name     string
	custom   func(CustomBlock) error
	maxBlock int // current maximum block size
	userMax  int // maximum set by the caller (0: default)

	buf      []byte
	pos, end int   // unread bytes are buf[pos:end]
	off      int64 // file offset of buf[pos]
	rerr     error // error from the underlying reader (io.EOF at end)
	err      error // sticky error returned by every later read

	big    bool // current section is big-endian
	blocks int  // blocks read so far

	section  SectionHeader
	ifaces   []iface
	names    []NameRecord
	secrets  []DecryptionSecrets
	retained int

	// last packet
	optKind uint32 // block type of the last packet, 0 if none
	opts    []byte // its options (points into buf)
	pbDrops uint16 // drops count of a Packet Block

	// a packet block read by NewReader while looking for the first IDB
	pending bool
	pendTyp uint32
	pendOff int64
	pendBod []byte
}

// NewReader reads the first Section Header Block of a pcapng file, and
// any block up to the first Interface Description Block, from r. It
// fails with an error wrapping snare.ErrFormat if r is not pcapng.
func NewReader(r io.Reader) (*Reader, error) {
	return NewReaderOptions(r, ReaderOptions{})
}

// NewReaderOptions is NewReader with options.
func NewReaderOptions(r io.Reader, opts ReaderOptions) (*Reader, error) {
	rd := &Reader{r: r, name: opts.Name, custom: opts.CustomBlock, userMax: opts.MaxBlockSize}
	if rd.name == "" {
		if n, ok := r.(interface{ Name() string }); ok {
			rd.name = n.Name()
		}
	}
	rd.maxBlock = DefaultMaxBlockSize
	if rd.userMax > 0 {
		rd.maxBlock = rd.userMax
	}
	rd.buf = make([]byte, readBufferSize)
	if err := rd.fill(12); err != nil || rd.end-rd.pos < 12 {
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("pcapng: %s: %w", rd.nameOrInput(), err)
		}
		return nil, rd.fail(0, 0, "file is too short to be a pcapng file (%d bytes)", snare.ErrFormat, rd.end-rd.pos)
	}
	if binary.LittleEndian.Uint32(rd.buf[rd.pos:]) != BlockTypeSHB {
		return nil, rd.fail(0, 0, "not a pcapng file: first block type is 0x%08X, not a Section Header Block", snare.ErrFormat, binary.LittleEndian.Uint32(rd.buf[rd.pos:]))
	}
	// Read blocks up to the first IDB, so that LinkType and SnapLen are
	// known as they are with libpcap.
	for len(rd.ifaces) == 0 {
		typ, off, body, err := rd.nextBlock()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch typ {
		case BlockTypeEPB, BlockTypeSPB, BlockTypePB:
			rd.pending, rd.pendTyp, rd.pendOff, rd.pendBod = true, typ, off, body
			return rd, nil
		}
		if err := rd.handleBlock(typ, off, body); err != nil {
			return nil, err
		}
	}
	return rd, nil
}

// fail records and returns a FormatError for the current block (none
// before the first block is read).
func (r *Reader) fail(typ uint32, off int64, format string, sentinel error, args ...any) error {
	e := &FormatError{File: r.name, Type: typ, Offset: off, Msg: fmt.Sprintf(format, args...), Err: sentinel}
	if off >= 0 && (r.blocks > 0 || typ != 0) {
		e.Block = r.blocks
	}
	r.err = e
	return e
}

// fill makes at least n bytes available in buf[pos:end], unless the
// input ends first; it returns the underlying reader's error, if any
// (io.EOF when the input ended). The buffer grows only as data arrives,
// at most to twice what it holds, so a corrupt block length in a small
// input cannot make it allocate the length it claims.
func (r *Reader) fill(n int) error {
	if r.end-r.pos >= n {
		return nil
	}
	if r.pos+n > len(r.buf) && r.pos > 0 {
		r.end = copy(r.buf, r.buf[r.pos:r.end])
		r.pos = 0
	}
	empty := 0
	for r.end-r.pos < n {
		if r.rerr != nil {
			return r.rerr
		}
		if r.end == len(r.buf) {
			// Full, and pos is 0: n is larger than the buffer.
			nb := make([]byte, min(n, 2*len(r.buf)))
			copy(nb, r.buf[:r.end])
			r.buf = nb
		}
		m, err := r.r.Read(r.buf[r.end:])
		switch {
		case m < 0 || m > len(r.buf)-r.end:
			r.rerr = errors.New("invalid count from Read")
		case m == 0 && err == nil:
			if empty++; empty >= 100 {
				r.rerr = io.ErrNoProgress
			}
		default:
			r.end += m
		}
		if err != nil {
			r.rerr = err
		}
	}
	return nil
}

func (r *Reader) u16(b []byte) uint16 {
	if r.big {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *Reader) u32(b []byte) uint32 {
	if r.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *Reader) u64(b []byte) uint64 {
	if r.big {
		return binary.BigEndian.Uint64(b)
	}
	return binary.LittleEndian.Uint64(b)
}

// ioFail turns an error of the underlying reader into the Reader's
// error for a block that starts at off and needs need bytes.
func (r *Reader) ioFail(typ uint32, off int64, need int, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return r.fail(typ, off, "file ends %d bytes into a block of %d bytes", snare.ErrTruncated, r.end-r.pos, need)
	}
	e := fmt.Errorf("pcapng: %s: reading block %d at byte offset %d: %w", r.nameOrInput(), r.blocks, off, err)
	r.err = e
	return e
}

func (r *Reader) nameOrInput() string {
	if r.name != "" {
		return r.name
	}
	return "input"
}

// nextBlock reads the next block and returns its type, offset and body
// (between the length and the trailer, valid until the next call). It
// returns io.EOF at a clean end of input.
func (r *Reader) nextBlock() (typ uint32, off int64, body []byte, err error) {
	if r.err != nil {
		return 0, 0, nil, r.err
	}
	off = r.off
	if err := r.fill(8); err != nil {
		if r.end == r.pos && err == io.EOF {
			r.err = io.EOF
			return 0, off, nil, io.EOF
		}
		r.blocks++
		return 0, off, nil, r.ioFail(0, off, 8, err)
	}
	r.blocks++
	b := r.buf[r.pos:r.end]
	typ = r.u32(b)
	if typ == BlockTypeSHB {
		if err := r.fill(12); err != nil {
			return typ, off, nil, r.ioFail(typ, off, 12, err)
		}
		b = r.buf[r.pos:r.end]
		switch binary.LittleEndian.Uint32(b[8:]) {
		case byteOrderMagic:
			r.big = false
		case 0x4D3C2B1A:
			r.big = true
		default:
			return typ, off, nil, r.fail(typ, off, "bad byte-order magic 0x%08X", snare.ErrFormat, binary.LittleEndian.Uint32(b[8:]))
		}
	}
	n := r.u32(b[4:])
	switch {
	case n < 12:
		return typ, off, nil, r.fail(typ, off, "block total length %d is less than 12", snare.ErrFormat, n)
	case n%4 != 0:
		return typ, off, nil, r.fail(typ, off, "block total length %d is not a multiple of 4", snare.ErrFormat, n)
	case typ == BlockTypeSHB && n > maxSHBSize:
		return typ, off, nil, r.fail(typ, off, "section header block total length %d is larger than the maximum %d", snare.ErrFormat, n, maxSHBSize)
	case uint64(n) > uint64(r.maxBlock):
		return typ, off, nil, r.fail(typ, off, "block total length %d is larger than the maximum %d", snare.ErrFormat, n, r.maxBlock)
	}
	if err := r.fill(int(n)); err != nil {
		return typ, off, nil, r.ioFail(typ, off, int(n), err)
	}
	b = r.buf[r.pos : r.pos+int(n)]
	if t := r.u32(b[n-4:]); t != n {
		return typ, off, nil, r.fail(typ, off, "block total length in header %d and trailer %d don't match", snare.ErrFormat, n, t)
	}
	r.pos += int(n)
	r.off += int64(n)
	return typ, off, b[8 : n-4], nil
}

// ZeroCopyReadPacketData returns the next packet. The data slice points
// into the Reader's buffer and is valid until the next call; so is what
// PacketOptions returns. It allocates nothing. At the end of the input
// it returns io.EOF; a truncated file gives an error wrapping
// snare.ErrTruncated after the last whole packet.
func (r *Reader) ZeroCopyReadPacketData() (data []byte, ci snare.CaptureInfo, err error) {
	r.optKind, r.opts = 0, nil
	for {
		var typ uint32
		var off int64
		var body []byte
		if r.pending {
			r.pending = false
			typ, off, body = r.pendTyp, r.pendOff, r.pendBod
			r.pendBod = nil
		} else {
			typ, off, body, err = r.nextBlock()
			if err != nil {
				return nil, ci, err
			}
		}
		switch typ {
		case BlockTypeEPB, BlockTypePB:
			return r.readPacket(typ, off, body)
		case BlockTypeSPB:
			return r.readSPB(off, body)
		}
		if err := r.handleBlock(typ, off, body); err != nil {
			return nil, ci, err
		}
	}
}

// ReadPacketData is ZeroCopyReadPacketData with a copy of the data.
func (r *Reader) ReadPacketData() ([]byte, snare.CaptureInfo, error) {
	data, ci, err := r.ZeroCopyReadPacketData()
	if err != nil {
		return nil, ci, err
	}
	return append([]byte(nil), data...), ci, nil
}

func (r *Reader) iface(typ uint32, off int64, id uint32) (*iface, error) {
	if uint64(id) >= uint64(len(r.ifaces)) {
		return nil, r.fail(typ, off, "packet references interface %d, but the section has %d interface description blocks", snare.ErrFormat, id, len(r.ifaces))
	}
	return &r.ifaces[id], nil
}

// readPacket reads an Enhanced Packet Block or an obsolete Packet Block
// (typ) with body b. The two differ only in their first word: a 32-bit
// interface ID, or a 16-bit one and a 16-bit drops count.
func (r *Reader) readPacket(typ uint32, off int64, b []byte) ([]byte, snare.CaptureInfo, error) {
	var ci snare.CaptureInfo
	if len(b) < 20 {
		return nil, ci, r.fail(typ, off, "block body of %d bytes is shorter than 20", snare.ErrFormat, len(b))
	}
	id := r.u32(b)
	if typ == BlockTypePB {
		id = uint32(r.u16(b))
		r.pbDrops = r.u16(b[2:])
	}
	ifc, err := r.iface(typ, off, id)
	if err != nil {
		return nil, ci, err
	}
	ts := uint64(r.u32(b[4:]))<<32 | uint64(r.u32(b[8:]))
	caplen := r.u32(b[12:])
	wire := r.u32(b[16:])
	if uint64(caplen) > uint64(len(b)-20) {
		return nil, ci, r.fail(typ, off, "captured length %d is larger than the %d bytes of data in the block", snare.ErrFormat, caplen, len(b)-20)
	}
	data := b[20 : 20+caplen : 20+caplen]
	if p := 20 + (caplen+3)&^3; int(p) < len(b) {
		opts := b[p:]
		f, err := r.scanFlags(typ, off, opts)
		if err != nil {
			return nil, ci, err
		}
		ci.Direction = f.Direction()
		r.opts = opts
	}
	r.optKind = typ
	ci.Timestamp = ifc.clock.time(ts)
	ci.CaptureLength = int(caplen)
	ci.Length = int(max(wire, caplen))
	ci.InterfaceIndex = int(id)
	ci.LinkType = ifc.LinkType
	return data, ci, nil
}

func (r *Reader) readSPB(off int64, b []byte) ([]byte, snare.CaptureInfo, error) {
	var ci snare.CaptureInfo
	if len(b) < 4 {
		return nil, ci, r.fail(BlockTypeSPB, off, "block body of %d bytes is shorter than 4", snare.ErrFormat, len(b))
	}
	ifc, err := r.iface(BlockTypeSPB, off, 0)
	if err != nil {
		return nil, ci, err
	}
	wire := int(r.u32(b))
	// The captured length is the smallest of the original length, the
	// interface's snap length and the data in the block.
	caplen := min(wire, ifc.snap, len(b)-4)
	r.optKind = BlockTypeSPB
	ci.Timestamp = ifc.clock.time(0)
	ci.CaptureLength = caplen
	ci.Length = wire
	ci.LinkType = ifc.LinkType
	return b[4 : 4+caplen : 4+caplen], ci, nil
}

// scanFlags checks a packet's options and returns its flags (0 if
// absent) without allocating.
func (r *Reader) scanFlags(typ uint32, off int64, opts []byte) (Flags, error) {
	var f Flags
	for len(opts) > 0 {
		code, val, rest, err := r.nextOption(typ, off, opts)
		if err != nil {
			return 0, err
		}
		if code == optEndOfOpt {
			break
		}
		if code == optEPBFlags {
			if len(val) != 4 {
				return 0, r.fail(typ, off, "flags option has length %d, not 4", snare.ErrFormat, len(val))
			}
			f = Flags(r.u32(val))
		}
		opts = rest
	}
	return f, nil
}

// nextOption splits the first option off opts.
func (r *Reader) nextOption(typ uint32, off int64, opts []byte) (code uint16, val, rest []byte, err error) {
	if len(opts) < 4 {
		return 0, nil, nil, r.fail(typ, off, "%d bytes left after the last option, too short for an option header", snare.ErrFormat, len(opts))
	}
	code = r.u16(opts)
	n := int(r.u16(opts[2:]))
	padded := (n + 3) &^ 3
	if padded > len(opts)-4 {
		return 0, nil, nil, r.fail(typ, off, "option %d has length %d, beyond the %d bytes left in the block", snare.ErrFormat, code, n, len(opts)-4)
	}
	return code, opts[4 : 4+n], opts[4+padded:], nil
}

// forOptions calls fn for each option of a block until opt_endofopt.
func (r *Reader) forOptions(typ uint32, off int64, opts []byte, fn func(code uint16, val []byte) error) error {
	for len(opts) > 0 {
		code, val, rest, err := r.nextOption(typ, off, opts)
		if err != nil {
			return err
		}
		if code == optEndOfOpt {
			return nil
		}
		if err := fn(code, val); err != nil {
			return err
		}
		opts = rest
	}
	return nil
}

// handleBlock processes a block other than a packet block.
func (r *Reader) handleBlock(typ uint32, off int64, b []byte) error {
	switch typ {
	case BlockTypeSHB:
		return r.readSHB(off, b)
	case BlockTypeIDB:
		return r.readIDB(off, b)
	case BlockTypeNRB:
		return r.readNRB(off, b)
	case BlockTypeISB:
		return r.readISB(off, b)
	case BlockTypeDSB:
		return r.readDSB(off, b)
	case BlockTypeCustom, BlockTypeCustomNoCopy:
		if r.custom == nil {
			return nil
		}
		if len(b) < 4 {
			return r.fail(typ, off, "block body of %d bytes is shorter than 4", snare.ErrFormat, len(b))
		}
		if err := r.custom(CustomBlock{Copyable: typ == BlockTypeCustom, PEN: r.u32(b), Data: b[4:], Offset: off}); err != nil {
			r.err = err
			return err
		}
	}
	return nil
}

func (r *Reader) readSHB(off int64, b []byte) error {
	if len(b) < 16 {
		return r.fail(BlockTypeSHB, off, "block body of %d bytes is shorter than 16", snare.ErrFormat, len(b))
	}
	s := SectionHeader{ByteOrder: binary.ByteOrder(binary.LittleEndian), Offset: off}
	if r.big {
		s.ByteOrder = binary.BigEndian
	}
	s.Major, s.Minor = r.u16(b[4:]), r.u16(b[6:])
	if s.Major != 1 || (s.Minor != 0 && s.Minor != 2) {
		return r.fail(BlockTypeSHB, off, "unsupported pcapng version %d.%d", snare.ErrFormat, s.Major, s.Minor)
	}
	s.Length = int64(r.u64(b[8:]))
	if s.Length < -1 {
		s.Length = -1
	}
	err := r.forOptions(BlockTypeSHB, off, b[16:], func(code uint16, v []byte) error {
		switch code {
		case optComment:
			s.Comments = append(s.Comments, string(v))
		case optSHBHardware:
			s.Hardware = string(v)
		case optSHBOS:
			s.OS = string(v)
		case optSHBUserAppl:
			s.UserApplication = string(v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.section = s
	r.ifaces = r.ifaces[:0:0]
	r.maxBlock = DefaultMaxBlockSize
	if r.userMax > 0 {
		r.maxBlock = r.userMax
	}
	return nil
}

func (r *Reader) readIDB(off int64, b []byte) error {
	const typ = BlockTypeIDB
	if len(b) < 8 {
		return r.fail(typ, off, "block body of %d bytes is shorter than 8", snare.ErrFormat, len(b))
	}
	if len(r.ifaces) >= maxInterfaces {
		return r.fail(typ, off, "more than %d interfaces in one section", snare.ErrFormat, maxInterfaces)
	}
	var ifc iface
	ifc.LinkType = fromLinktype(uint32(r.u16(b)))
	ifc.SnapLen = int(r.u32(b[4:]))
	ifc.TSResolution = Microsecond
	var sawRes, sawOff bool
	err := r.forOptions(typ, off, b[8:], func(code uint16, v []byte) error {
		switch code {
		case optComment:
			ifc.Comments = append(ifc.Comments, string(v))
		case optIfName:
			ifc.Name = string(v)
		case optIfDescription:
			ifc.Description = string(v)
		case optIfOS:
			ifc.OS = string(v)
		case optIfHardware:
			ifc.Hardware = string(v)
		case optIfFilter:
			if len(v) > 0 {
				ifc.FilterType = v[0]
				ifc.Filter = string(v[1:])
			}
		case optIfSpeed:
			if len(v) == 8 {
				ifc.Speed = r.u64(v)
			}
		case optIfFCSLen:
			if len(v) == 1 {
				ifc.FCSLen, ifc.HasFCSLen = int(v[0]), true
			}
		case optIfTSResol:
			if len(v) != 1 {
				return r.fail(typ, off, "if_tsresol option has length %d, not 1", snare.ErrFormat, len(v))
			}
			if sawRes {
				return r.fail(typ, off, "more than one if_tsresol option", snare.ErrFormat)
			}
			sawRes = true
			ifc.TSResolution = Resolution(v[0])
			if !ifc.TSResolution.valid() {
				return r.fail(typ, off, "if_tsresol resolution %s is too fine", snare.ErrFormat, ifc.TSResolution)
			}
		case optIfTSOffset:
			if len(v) != 8 {
				return r.fail(typ, off, "if_tsoffset option has length %d, not 8", snare.ErrFormat, len(v))
			}
			if sawOff {
				return r.fail(typ, off, "more than one if_tsoffset option", snare.ErrFormat)
			}
			sawOff = true
			ifc.TSOffset = int64(r.u64(v))
		}
		return nil
	})
	if err != nil {
		return err
	}
	ifc.clock = newClock(ifc.TSResolution, ifc.TSOffset)
	m := maxSnapLen(ifc.LinkType)
	ifc.snap = ifc.SnapLen
	if ifc.snap <= 0 || ifc.snap > m {
		ifc.snap = m
	}
	if r.userMax == 0 {
		// As libpcap: room for a maximum-sized packet and 128 KiB of
		// options.
		r.maxBlock = max(r.maxBlock, 8+20+m+131072+4)
	}
	r.ifaces = append(r.ifaces, ifc)
	return nil
}

func (r *Reader) retain(typ uint32, off int64, n int) error {
	r.retained += n
	if r.retained > maxRetained {
		return r.fail(typ, off, "more than %d bytes of name records and decryption secrets", snare.ErrFormat, maxRetained)
	}
	return nil
}

func (r *Reader) readNRB(off int64, b []byte) error {
	const typ = BlockTypeNRB
	if err := r.retain(typ, off, len(b)); err != nil {
		return err
	}
	for {
		if len(b) < 4 {
			return r.fail(typ, off, "name records end without an nrb_record_end", snare.ErrFormat)
		}
		rt, n := r.u16(b), int(r.u16(b[2:]))
		padded := (n + 3) &^ 3
		if padded > len(b)-4 {
			return r.fail(typ, off, "record of type %d has length %d, beyond the %d bytes left in the block", snare.ErrFormat, rt, n, len(b)-4)
		}
		v := b[4 : 4+n]
		b = b[4+padded:]
		var alen int
		switch rt {
		case nrbRecordEnd:
			return r.forOptions(typ, off, b, func(uint16, []byte) error { return nil })
		case nrbRecordIPv4:
			alen = 4
		case nrbRecordIPv6:
			alen = 16
		default:
			continue
		}
		if n < alen {
			return r.fail(typ, off, "address record of type %d has %d bytes, too short for its address", snare.ErrFormat, rt, n)
		}
		addr, _ := netip.AddrFromSlice(v[:alen])
		r.names = append(r.names, NameRecord{Addr: addr, Names: splitNames(v[alen:])})
	}
}

// splitNames splits zero-terminated names (a last name without a zero
// is kept).
func splitNames(v []byte) []string {
	var names []string
	start := 0
	for i, c := range v {
		if c == 0 {
			if i > start {
				names = append(names, string(v[start:i]))
			}
			start = i + 1
		}
	}
	if start < len(v) {
		names = append(names, string(v[start:]))
	}
	return names
}

func (r *Reader) readISB(off int64, b []byte) error {
	const typ = BlockTypeISB
	if len(b) < 12 {
		return r.fail(typ, off, "block body of %d bytes is shorter than 12", snare.ErrFormat, len(b))
	}
	id := r.u32(b)
	if uint64(id) >= uint64(len(r.ifaces)) {
		return r.fail(typ, off, "statistics for interface %d, but the section has %d interface description blocks", snare.ErrFormat, id, len(r.ifaces))
	}
	ifc := &r.ifaces[id]
	var s InterfaceStatistics
	s.Timestamp = ifc.clock.time(uint64(r.u32(b[4:]))<<32 | uint64(r.u32(b[8:])))
	err := r.forOptions(typ, off, b[12:], func(code uint16, v []byte) error {
		if code == optComment {
			s.Comments = append(s.Comments, string(v))
			return nil
		}
		if code < optISBStartTime || code > optISBUsrDeliv {
			return nil
		}
		if len(v) != 8 {
			return r.fail(typ, off, "statistics option %d has length %d, not 8", snare.ErrFormat, code, len(v))
		}
		x := r.u64(v)
		switch code {
		case optISBStartTime:
			s.StartTime, s.Fields = ifc.clock.time(uint64(r.u32(v))<<32|uint64(r.u32(v[4:]))), s.Fields|StatStartTime
		case optISBEndTime:
			s.EndTime, s.Fields = ifc.clock.time(uint64(r.u32(v))<<32|uint64(r.u32(v[4:]))), s.Fields|StatEndTime
		case optISBIfRecv:
			s.Received, s.Fields = x, s.Fields|StatReceived
		case optISBIfDrop:
			s.Dropped, s.Fields = x, s.Fields|StatDropped
		case optISBFilterAccept:
			s.FilterAccepted, s.Fields = x, s.Fields|StatFilterAccepted
		case optISBOSDrop:
			s.OSDropped, s.Fields = x, s.Fields|StatOSDropped
		case optISBUsrDeliv:
			s.Delivered, s.Fields = x, s.Fields|StatDelivered
		}
		return nil
	})
	if err != nil {
		return err
	}
	ifc.stats, ifc.hasStat = s, true
	return nil
}

func (r *Reader) readDSB(off int64, b []byte) error {
	const typ = BlockTypeDSB
	if len(b) < 8 {
		return r.fail(typ, off, "block body of %d bytes is shorter than 8", snare.ErrFormat, len(b))
	}
	n := r.u32(b[4:])
	if uint64((n+3)&^3) > uint64(len(b)-8) || n > uint32(len(b)) {
		return r.fail(typ, off, "secrets length %d is larger than the %d bytes left in the block", snare.ErrFormat, n, len(b)-8)
	}
	if err := r.retain(typ, off, len(b)); err != nil {
		return err
	}
	d := DecryptionSecrets{Type: r.u32(b), Data: append([]byte(nil), b[8:8+n]...)}
	err := r.forOptions(typ, off, b[8+(n+3)&^3:], func(code uint16, v []byte) error {
		if code == optComment {
			d.Comments = append(d.Comments, string(v))
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.secrets = append(r.secrets, d)
	return nil
}

// PacketOptions returns the options of the packet last returned: its
// comments, flags, drop count, hashes, packet ID and queue. Call it
// before the next read.
func (r *Reader) PacketOptions() PacketOptions {
	var p PacketOptions
	if r.optKind == BlockTypePB && r.pbDrops != 0xFFFF {
		p.DropCount, p.HasDropCount = uint64(r.pbDrops), true
	}
	if len(r.opts) == 0 {
		return p
	}
	// The options were checked when the packet was read.
	_ = r.forOptions(r.optKind, 0, r.opts, func(code uint16, v []byte) error {
		switch code {
		case optComment:
			p.Comments = append(p.Comments, string(v))
		case optEPBFlags:
			if len(v) == 4 {
				p.Flags, p.HasFlags = Flags(r.u32(v)), true
			}
		case optEPBHash:
			if len(v) >= 1 {
				p.Hashes = append(p.Hashes, Hash{Algorithm: v[0], Value: append([]byte(nil), v[1:]...)})
			}
		case optEPBDropCount:
			if len(v) == 8 && r.optKind == BlockTypeEPB {
				p.DropCount, p.HasDropCount = r.u64(v), true
			}
		case optEPBPacketID:
			if len(v) == 8 && r.optKind == BlockTypeEPB {
				p.PacketID, p.HasPacketID = r.u64(v), true
			}
		case optEPBQueue:
			if len(v) == 4 && r.optKind == BlockTypeEPB {
				p.Queue, p.HasQueue = r.u32(v), true
			}
		}
		return nil
	})
	return p
}

// LinkType returns the link type of the current section's first
// interface, or 0 if no Interface Description Block has been seen
// (NewReader reads up to the first one). Packets carry their own
// interface's link type in CaptureInfo.LinkType.
func (r *Reader) LinkType() link.Type {
	if len(r.ifaces) == 0 {
		return 0
	}
	return r.ifaces[0].LinkType
}

// SnapLen returns the snapshot length of the current section's first
// interface, as libpcap does (the link type's maximum when the file
// gives 0 or more than that), or 0 if there is no interface.
func (r *Reader) SnapLen() int {
	if len(r.ifaces) == 0 {
		return 0
	}
	return r.ifaces[0].snap
}

// Section returns the header of the current section.
func (r *Reader) Section() SectionHeader { return r.section }

// Interfaces returns the interfaces of the current section seen so far,
// indexed by interface ID.
func (r *Reader) Interfaces() []Interface {
	out := make([]Interface, len(r.ifaces))
	for i := range r.ifaces {
		out[i] = r.ifaces[i].Interface
	}
	return out
}

// Interface returns interface index of the current section without
// copying the others (it allocates nothing, so it suits a per-packet
// lookup of ci.InterfaceIndex).
func (r *Reader) Interface(index int) (Interface, bool) {
	if index < 0 || index >= len(r.ifaces) {
		return Interface{}, false
	}
	return r.ifaces[index].Interface, true
}

// Statistics returns the last Interface Statistics Block seen for
// interface index of the current section.
func (r *Reader) Statistics(index int) (InterfaceStatistics, bool) {
	if index < 0 || index >= len(r.ifaces) || !r.ifaces[index].hasStat {
		return InterfaceStatistics{}, false
	}
	return r.ifaces[index].stats, true
}

// NameRecords returns the IPv4 and IPv6 records of every Name
// Resolution Block read so far.
func (r *Reader) NameRecords() []NameRecord { return r.names }

// DecryptionSecrets returns every Decryption Secrets Block read so far.
func (r *Reader) DecryptionSecrets() []DecryptionSecrets { return r.secrets }
