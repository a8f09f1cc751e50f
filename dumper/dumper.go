// Package dumper writes captured packets to output files the way
// tcpdump's -w does, including its rotation: by size (-C), by time
// (-G, with strftime(3) patterns in the name), a ring of files or a
// limit on their number (-W), and a command run on each file closed
// by rotation (-z). File names, the moment of each rotation and the
// padding of numbered names follow tcpdump 4.99, so scripts written
// for tcpdump's files find snare's.
//
// The file format is a Format: Pcap or Pcapng. The package does not
// capture, filter or print.
package dumper

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/pcapng"
)

// Options configure a Dumper.
type Options struct {
	// Name is the output file name (tcpdump's -w argument); "-" is
	// Stdout. With RotateEvery it is a strftime(3) pattern.
	Name string
	// Format writes the files.
	Format Format
	// FileSize, when positive, starts a new file before a packet when
	// the current file is already larger than FileSize bytes (tcpdump's
	// -C, whose unit is 1,000,000 bytes). Files are then named Name,
	// Name1, Name2, ... or, with FileCount, Name0 ... Name(FileCount-1)
	// zero-padded to the same width, reused in a ring.
	FileSize int64
	// RotateEvery, when positive, starts a new file before the first
	// packet that arrives RotateEvery or more after the current file
	// was started (tcpdump's -G, counted in whole seconds of Now).
	RotateEvery time.Duration
	// FileCount is tcpdump's -W: with FileSize, the size of the ring;
	// with RotateEvery alone, the number of files after which
	// WritePacket returns ErrFileLimit.
	FileCount int
	// PostRotate, if set, is called with each file's name after the
	// file is closed because of a rotation (tcpdump's -z).
	PostRotate func(name string)
	// PacketBuffered flushes the file after every packet (tcpdump -U).
	PacketBuffered bool
	// Stdout receives the packets when Name is "-".
	Stdout io.Writer
	// Now is the clock for RotateEvery and for the names' time
	// patterns; nil means time.Now.
	Now func() time.Time
	// Perm is the mode of created files; 0 means 0644.
	Perm os.FileMode
}

// ErrFileLimit is returned by WritePacket when time rotation has
// produced FileCount files and tcpdump would stop ("Maximum file limit
// reached").
var ErrFileLimit = errors.New("maximum file limit reached")

// Dumper writes packets to the current output file and rotates it.
// It is not safe for concurrent use.
type Dumper struct {
	opts Options
	now  func() time.Time

	w       Writer
	f       *os.File // nil for stdout
	name    string   // current file's name
	size    int64    // current file's logical size
	chars   int      // width of the number in ring names
	sizeSeq int      // tcpdump's Cflag_count
	timeSeq int      // tcpdump's Gflag_count
	started int64    // tcpdump's Gflag_time, Unix seconds
	files   int      // files opened so far
	closed  bool
}

// Open creates the first output file and returns a Dumper for it.
func Open(opts Options) (*Dumper, error) {
	if opts.Format == nil {
		return nil, errors.New("dumper: no format")
	}
	if opts.Name == "" {
		return nil, errors.New("dumper: no file name")
	}
	if opts.Name == "-" && (opts.FileSize > 0 || opts.RotateEvery > 0) {
		return nil, errors.New("dumper: standard output can't be rotated")
	}
	d := &Dumper{opts: opts, now: opts.Now}
	if d.now == nil {
		d.now = time.Now
	}
	if opts.FileCount > 0 {
		d.chars = numberWidth(opts.FileCount)
	}
	d.started = d.now().Unix()
	name := d.opts.Name
	if opts.FileSize > 0 || opts.RotateEvery > 0 {
		name = d.fileName(0, opts.FileSize > 0)
	}
	if err := d.openFile(name); err != nil {
		return nil, err
	}
	return d, nil
}

// numberWidth is the number of digits of n-1, as tcpdump pads ring
// file numbers (-W 10: 0..9, one digit; -W 11: 00..10).
func numberWidth(n int) int {
	c := 0
	for x := n - 1; x > 0; x /= 10 {
		c++
	}
	return c
}

// fileName is tcpdump's MakeFilename: the name pattern expanded with
// strftime when rotating by time, then the number n zero-padded to the
// ring width when numbered (or no number at all for the first file of
// an unbounded size rotation).
func (d *Dumper) fileName(n int, numbered bool) string {
	base := d.opts.Name
	if d.opts.RotateEvery > 0 {
		base = Strftime(base, time.Unix(d.started, 0))
	}
	if !numbered || (n == 0 && d.chars == 0) {
		return base
	}
	return fmt.Sprintf("%s%0*d", base, d.chars, n)
}

func (d *Dumper) openFile(name string) error {
	var out io.Writer
	if name == "-" {
		out = d.opts.Stdout
		if out == nil {
			out = os.Stdout
		}
		d.f = nil
	} else {
		perm := d.opts.Perm
		if perm == 0 {
			perm = 0o644
		}
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
		if err != nil {
			return err
		}
		d.f, out = f, f
	}
	w, hdr, err := d.opts.Format.NewWriter(out)
	if err != nil {
		if d.f != nil {
			d.f.Close()
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	d.w, d.name, d.size = w, name, hdr
	d.files++
	return nil
}

// closeFile closes the current file.
func (d *Dumper) closeFile() error {
	err := d.w.Close()
	if d.f != nil {
		if cerr := d.f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", d.name, err)
	}
	return nil
}

// rotate closes the current file, runs PostRotate on it and opens name.
func (d *Dumper) rotate(next func() (string, error)) error {
	if err := d.closeFile(); err != nil {
		return err
	}
	if d.opts.PostRotate != nil {
		d.opts.PostRotate(d.name)
	}
	name, err := next()
	if err != nil {
		return err
	}
	return d.openFile(name)
}

// WritePacket writes one packet, first rotating the file if the time
// or the size asks for it, in tcpdump's order: time first, then size.
func (d *Dumper) WritePacket(ci snare.CaptureInfo, data []byte) error {
	return d.write(ci, data, nil)
}

// WritePacketWithOptions is WritePacket with pcapng packet options
// (comments, flags, hashes...). A Pcap file gets the packet without
// them.
func (d *Dumper) WritePacketWithOptions(ci snare.CaptureInfo, data []byte, opts pcapng.PacketOptions) error {
	return d.write(ci, data, &opts)
}

func (d *Dumper) write(ci snare.CaptureInfo, data []byte, opts *pcapng.PacketOptions) error {
	if d.closed {
		return errors.New("dumper: closed")
	}
	if d.opts.RotateEvery > 0 {
		t := d.now().Unix()
		if time.Duration(t-d.started)*time.Second >= d.opts.RotateEvery {
			d.started = t
			d.timeSeq++
			limit := d.opts.FileSize == 0 && d.opts.FileCount > 0 && d.timeSeq >= d.opts.FileCount
			err := d.rotate(func() (string, error) {
				if limit {
					return "", ErrFileLimit
				}
				d.sizeSeq = 0
				return d.fileName(0, d.opts.FileSize > 0), nil
			})
			if err != nil {
				if errors.Is(err, ErrFileLimit) {
					d.closed = true
				}
				return err
			}
		}
	}
	if d.opts.FileSize > 0 && d.size > d.opts.FileSize {
		err := d.rotate(func() (string, error) {
			d.sizeSeq++
			if d.opts.FileCount > 0 && d.sizeSeq >= d.opts.FileCount {
				d.sizeSeq = 0
			}
			return d.fileName(d.sizeSeq, true), nil
		})
		if err != nil {
			return err
		}
	}
	var err error
	if nw, ok := d.w.(*pcapng.Writer); ok && opts != nil {
		err = nw.WritePacketWithOptions(ci, data, *opts)
	} else {
		err = d.w.WritePacket(ci, data)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", d.name, err)
	}
	if f, ok := d.opts.Format.(Pcapng); ok && opts != nil {
		d.size += f.recordSizeOptions(ci, data, opts)
	} else {
		d.size += d.opts.Format.RecordSize(ci, data)
	}
	if d.opts.PacketBuffered {
		return d.Flush()
	}
	return nil
}

// AddInterface declares one more pcapng interface: it is written to
// the current file at once and to every file rotation opens later.
// It returns the interface's index. The format must be Pcapng.
func (d *Dumper) AddInterface(intf pcapng.Interface) (int, error) {
	f, ok := d.opts.Format.(Pcapng)
	if !ok {
		return 0, errors.New("dumper: interfaces can only be added to pcapng output")
	}
	if d.closed {
		return 0, errors.New("dumper: closed")
	}
	size, err := f.interfaceSize(intf)
	if err != nil {
		return 0, err
	}
	idx, err := d.w.(*pcapng.Writer).AddInterface(intf)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", d.name, err)
	}
	f.Interfaces = append(f.Interfaces[:len(f.Interfaces):len(f.Interfaces)], intf)
	d.opts.Format = f
	d.size += size
	return idx, nil
}

// Flush writes buffered packets to the current file.
func (d *Dumper) Flush() error {
	if d.closed {
		return nil
	}
	if err := d.w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", d.name, err)
	}
	return nil
}

// Close flushes and closes the current file. It does not run
// PostRotate (tcpdump runs -z only on files closed by rotation).
func (d *Dumper) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	return d.closeFile()
}

// FileName is the name of the file being written.
func (d *Dumper) FileName() string { return d.name }

// Files is the number of files opened so far, the first included.
func (d *Dumper) Files() int { return d.files }

// Size is the current file's size in bytes, buffered bytes included.
func (d *Dumper) Size() int64 { return d.size }
