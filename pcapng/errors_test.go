package pcapng

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testenv"
)

// TestLibpcapInvalid checks that libpcap's invalid files are refused
// with a message naming the file and the problem.
func TestLibpcapInvalid(t *testing.T) {
	dir := testenv.Shared(t, "testdata", "libpcap-invalid")
	want := map[string]string{
		"pcapng-invalid-vers-1.pcapng": "unsupported pcapng version 0.1",
		"pcapng-invalid-vers-2.pcapng": "unsupported pcapng version 1.1",
		"shb-option-too-long.pcapng":   "block total length in header 52 and trailer 808464432 don't match",
	}
	for name, msg := range want {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = NewReader(f)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, snare.ErrFormat) || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), path) ||
				!strings.Contains(err.Error(), "block 1 (Section Header Block, type 0x0A0D0D0A) at byte offset 0") {
				t.Errorf("error %q", err)
			}
		})
	}
}

// corrupt builds a file with a good section and interface, a good
// packet, and then the blocks made by bad.
func corrupt(bad func(f *fileBuilder)) []byte {
	f := &fileBuilder{o: binary.LittleEndian}
	f.shb()
	f.idb(1, 0)
	f.epb(0, 1, 17, payload)
	bad(f)
	return f.out
}

func TestCorruptBlocks(t *testing.T) {
	const third = "block 4 "
	tests := []struct {
		name  string
		file  []byte
		where string // block number and offset
		msg   string
		trunc bool
	}{
		{"length not a multiple of 4", corrupt(func(f *fileBuilder) {
			f.out = append(f.out, f.u32(6)...)
			f.out = append(f.out, f.u32(34)...)
			f.out = append(f.out, make([]byte, 40)...)
		}), third + "(Enhanced Packet Block, type 0x00000006) at byte offset 100", "block total length 34 is not a multiple of 4", false},
		{"length too small", corrupt(func(f *fileBuilder) {
			f.out = append(f.out, f.u32(6)...)
			f.out = append(f.out, f.u32(8)...)
		}), third, "block total length 8 is less than 12", false},
		{"absurd length", corrupt(func(f *fileBuilder) {
			f.out = append(f.out, f.u32(6)...)
			f.out = append(f.out, f.u32(0xfffffff0)...)
		}), third, "block total length 4294967280 is larger than the maximum", false},
		{"trailer mismatch", corrupt(func(f *fileBuilder) {
			f.epb(0, 1, 17, payload)
			f.out[len(f.out)-1] = 9
		}), third, "block total length in header 52 and trailer 150994996 don't match", false},
		{"missing IDB", corrupt(func(f *fileBuilder) { f.epb(1, 1, 17, payload) }), third, "packet references interface 1, but the section has 1 interface description blocks", false},
		{"captured length beyond block", corrupt(func(f *fileBuilder) {
			f.block(6, f.u32(0), f.u32(0), f.u32(0), f.u32(100), f.u32(100), payload)
		}), third, "captured length 100 is larger than the 20 bytes of data in the block", false},
		{"option overrun", corrupt(func(f *fileBuilder) {
			f.block(6, f.u32(0), f.u32(0), f.u32(0), f.u32(4), f.u32(4), payload[:4], f.u16(1), f.u16(200), []byte("abcd"))
		}), third, "option 1 has length 200, beyond the 4 bytes left in the block", false},
		{"IDB option overrun", corrupt(func(f *fileBuilder) {
			f.block(1, f.u16(1), f.u16(0), f.u32(0), f.u16(2), f.u16(5), []byte("eth0"))
		}), third + "(Interface Description Block", "option 2 has length 5, beyond the 4 bytes left in the block", false},
		{"bad tsresol", corrupt(func(f *fileBuilder) { f.idb(1, 0, f.opt(9, []byte{20})) }), third, "if_tsresol resolution 10^-20 s is too fine", false},
		{"SPB before IDB", func() []byte {
			f := &fileBuilder{o: binary.LittleEndian}
			f.shb()
			f.block(3, f.u32(4), payload[:4])
			return f.out
		}(), "block 2 (Simple Packet Block, type 0x00000003) at byte offset 28", "packet references interface 0, but the section has 0 interface description blocks", false},
		{"bad byte-order magic", corrupt(func(f *fileBuilder) {
			f.block(0x0A0D0D0A, f.u32(0x11223344), f.u16(1), f.u16(0), f.u64(0))
		}), third + "(Section Header Block", "bad byte-order magic", false},
		{"truncated block", corrupt(func(f *fileBuilder) {
			f.epb(0, 1, 17, payload)
			f.out = f.out[:len(f.out)-10]
		}), third + "(Enhanced Packet Block, type 0x00000006) at byte offset 100", "file ends 42 bytes into a block of 52 bytes", true},
		{"truncated header", corrupt(func(f *fileBuilder) { f.out = append(f.out, 6, 0, 0) }), "block 4 at byte offset 100", "file ends 3 bytes into a block of 8 bytes", true},
		{"section header too large", corrupt(func(f *fileBuilder) {
			f.out = append(f.out, f.u32(0x0A0D0D0A)...)
			f.out = append(f.out, f.u32(2<<20)...)
			f.out = append(f.out, f.u32(0x1A2B3C4D)...)
		}), third + "(Section Header Block", "section header block total length 2097152 is larger than the maximum 1048576", false},
		{"second section version", corrupt(func(f *fileBuilder) {
			f.block(0x0A0D0D0A, f.u32(0x1A2B3C4D), f.u16(2), f.u16(0), f.u64(0))
		}), third + "(Section Header Block", "unsupported pcapng version 2.0", false},
		{"packet block too short", corrupt(func(f *fileBuilder) { f.block(6, f.u32(0), f.u32(0)) }), third, "block body of 8 bytes is shorter than 20", false},
		{"flags option length", corrupt(func(f *fileBuilder) { f.epb(0, 1, 17, payload, f.opt(2, f.u16(1))) }), third, "flags option has length 2, not 4", false},
		{"IDB two tsresol", corrupt(func(f *fileBuilder) { f.idb(1, 0, f.opt(9, []byte{6}), f.opt(9, []byte{9})) }), third, "more than one if_tsresol option", false},
		{"IDB tsoffset length", corrupt(func(f *fileBuilder) { f.idb(1, 0, f.opt(14, f.u32(1))) }), third, "if_tsoffset option has length 4, not 8", false},
		{"IDB too many", corrupt(func(f *fileBuilder) {
			for range maxInterfaces {
				f.idb(1, 0)
			}
		}), fmt.Sprintf("block %d (Interface Description Block, type 0x00000001) at byte offset %d", 3+maxInterfaces, 100+(maxInterfaces-1)*20), "more than 65536 interfaces in one section", false},
		{"NRB without end", corrupt(func(f *fileBuilder) { f.block(4, f.opt(1, []byte{192, 0, 2, 1, 'a', 0})) }), third + "(Name Resolution Block", "name records end without an nrb_record_end", false},
		{"NRB short address", corrupt(func(f *fileBuilder) { f.block(4, f.opt(1, []byte{192, 0}), f.end()) }), third, "address record of type 1 has 2 bytes, too short for its address", false},
		{"DSB secrets overrun", corrupt(func(f *fileBuilder) { f.block(10, f.u32(0x544c534b), f.u32(100), []byte("abcd")) }), third + "(Decryption Secrets Block", "secrets length 100 is larger than the 4 bytes left in the block", false},
		{"ISB missing interface", corrupt(func(f *fileBuilder) { f.block(5, f.u32(3), f.u32(0), f.u32(0)) }), third + "(Interface Statistics Block", "statistics for interface 3, but the section has 1 interface description blocks", false},
		{"ISB option length", corrupt(func(f *fileBuilder) { f.block(5, f.u32(0), f.u32(0), f.u32(0), f.opt(4, f.u32(1)), f.end()) }), third, "statistics option 4 has length 4, not 8", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReaderOptions(bytes.NewReader(tc.file), ReaderOptions{Name: "x.pcapng"})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := r.ReadPacketData(); err != nil && !strings.Contains(tc.name, "IDB") {
				t.Fatalf("first packet: %v", err)
			}
			_, _, err = r.ZeroCopyReadPacketData()
			for err == nil {
				_, _, err = r.ZeroCopyReadPacketData()
			}
			sentinel := snare.ErrFormat
			if tc.trunc {
				sentinel = snare.ErrTruncated
			}
			if err == io.EOF || !errors.Is(err, sentinel) || !strings.HasPrefix(err.Error(), "pcapng: x.pcapng: "+tc.where) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q\nwant %q ... %q (%v)", err, tc.where, tc.msg, sentinel)
			}
			if _, _, err2 := r.ReadPacketData(); err2 != err {
				t.Errorf("error not sticky: %v", err2)
			}
		})
	}
}

// TestNotPcapng checks the errors for input that is not pcapng.
func TestNotPcapng(t *testing.T) {
	for _, tc := range []struct {
		in, msg string
	}{
		{"", "file is too short to be a pcapng file (0 bytes)"},
		{"\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00", "not a pcapng file: first block type is 0xA1B2C3D4"},
	} {
		_, err := NewReader(strings.NewReader(tc.in))
		if !errors.Is(err, snare.ErrFormat) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.msg)
		}
	}
}

// TestBlockCap checks that a block larger than MaxBlockSize is refused
// before it is read, and that a big block under it is read.
func TestBlockCap(t *testing.T) {
	big := bytes.Repeat([]byte{7}, 3<<20)
	f := &fileBuilder{o: binary.LittleEndian}
	f.shb()
	f.idb(1, 0)
	f.epb(0, 0, uint32(len(big)), big)
	_, p := readAll(t, f.out, ReaderOptions{})
	if len(p) != 1 || !bytes.Equal(p[0].data, big) {
		t.Fatalf("big packet not read")
	}
	r, _ := NewReaderOptions(bytes.NewReader(f.out), ReaderOptions{MaxBlockSize: 1 << 20})
	if _, _, err := r.ReadPacketData(); !errors.Is(err, snare.ErrFormat) || !strings.Contains(err.Error(), "larger than the maximum 1048576") {
		t.Errorf("error %v", err)
	}
}

// errReader fails after its data.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, e.err
	}
	return n, err
}

func TestReadError(t *testing.T) {
	f := &fileBuilder{o: binary.LittleEndian}
	f.shb()
	f.idb(1, 0)
	f.epb(0, 0, 17, payload)
	boom := errors.New("disk on fire")
	r, err := NewReader(&errReader{bytes.NewReader(f.out), boom})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.ReadPacketData(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.ReadPacketData(); !errors.Is(err, boom) {
		t.Errorf("error %v", err)
	}
}

// TestNoHugeAllocation checks that a block length as large as the link
// type allows (D-Bus: 128 MiB packets) in a small file does not make
// the reader allocate that much: the buffer grows only as data arrives.
func TestNoHugeAllocation(t *testing.T) {
	f := &fileBuilder{o: binary.LittleEndian}
	f.shb()
	f.idb(231, 0) // DLT_DBUS
	f.epb(0, 1, 17, payload)
	f.out = append(f.out, f.u32(6)...)
	f.out = append(f.out, f.u32(100<<20)...)
	f.out = append(f.out, make([]byte, 1000)...)
	r, err := NewReaderOptions(bytes.NewReader(f.out), ReaderOptions{Name: "dbus.pcapng"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.ZeroCopyReadPacketData(); err != nil {
		t.Fatal(err)
	}
	_, _, err = r.ZeroCopyReadPacketData()
	if !errors.Is(err, snare.ErrTruncated) || !strings.Contains(err.Error(), "file ends 1008 bytes into a block of 104857600 bytes") {
		t.Errorf("error %v", err)
	}
	if len(r.buf) > readBufferSize {
		t.Errorf("buffer grew to %d bytes for a %d-byte file", len(r.buf), len(f.out))
	}
	// A big block that is really there is read whole, the buffer growing
	// through a reader that hands out a few bytes at a time.
	big := bytes.Repeat([]byte{7}, 5<<20)
	f = &fileBuilder{o: binary.LittleEndian}
	f.shb()
	f.idb(231, 0)
	f.epb(0, 0, uint32(len(big)), big)
	f.epb(0, 0, 17, payload)
	r, err = NewReader(iotest.HalfReader(bytes.NewReader(f.out)))
	if err != nil {
		t.Fatal(err)
	}
	if d, _, err := r.ReadPacketData(); err != nil || !bytes.Equal(d, big) {
		t.Fatalf("big packet: %d bytes, %v", len(d), err)
	}
	if d, _, err := r.ReadPacketData(); err != nil || !bytes.Equal(d, payload) {
		t.Fatalf("packet after the big one: %v", err)
	}
	if _, _, err := r.ReadPacketData(); err != io.EOF {
		t.Errorf("end: %v", err)
	}
}

// repeatSource reads as head followed by rec repeated, limited to total
// bytes, without holding it in memory.
type repeatSource struct {
	head, rec  []byte
	pos, total int64
}

func (s *repeatSource) Read(p []byte) (int, error) {
	if s.pos >= s.total {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && s.pos < s.total {
		var src []byte
		if s.pos < int64(len(s.head)) {
			src = s.head[s.pos:]
		} else {
			src = s.rec[(s.pos-int64(len(s.head)))%int64(len(s.rec)):]
		}
		if rem := s.total - s.pos; int64(len(src)) > rem {
			src = src[:rem]
		}
		c := copy(p[n:], src)
		n += c
		s.pos += int64(c)
	}
	return n, nil
}

// TestOver4GiB reads a pcapng stream of more than 4 GiB whose last block
// is cut: the error gives the block number and byte offset past 4 GiB.
func TestOver4GiB(t *testing.T) {
	f := &fileBuilder{o: binary.LittleEndian}
	f.shb()
	f.idb(1, 0)
	head := f.out
	f.out = nil
	f.epb(0, 1, 1<<18, make([]byte, 1<<18))
	rec := f.out
	const n = 16400
	s := &repeatSource{head: head, rec: rec, total: int64(len(head)) + n*int64(len(rec)) - 100}
	r, err := NewReaderOptions(s, ReaderOptions{Name: "big.pcapng"})
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for {
		if _, _, err = r.ZeroCopyReadPacketData(); err != nil {
			break
		}
		count++
	}
	var fe *FormatError
	wantOff := int64(len(head)) + (n-1)*int64(len(rec))
	if count != n-1 || !errors.As(err, &fe) || fe.Offset != wantOff || fe.Block != n+2 || !errors.Is(err, snare.ErrTruncated) {
		t.Fatalf("read %d packets, error %v; want %d packets then truncation of block %d at offset %d", count, err, n-1, n+2, wantOff)
	}
	if wantOff <= 1<<32 {
		t.Fatal("test does not cross 4 GiB")
	}
}
