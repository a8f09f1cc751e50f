package savefile

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/link"
)

// SourcePrefix is the device-name prefix the savefile capture module
// claims: snare.NewHandle("file://trace.pcap") reads trace.pcap (pcap or
// pcapng, possibly gzip or zstd compressed) through the Handle's API,
// filtering in userland.
const SourcePrefix = "file://"

func init() { snare.Register(module{}) }

// module is the savefile capture module.
type module struct{}

func (module) Name() string                        { return "savefile" }
func (module) Prefixes() []string                  { return []string{SourcePrefix} }
func (module) Devices() ([]snare.Interface, error) { return nil, nil }
func (module) Create(device string) (snare.Source, error) {
	return &fileSource{path: strings.TrimPrefix(device, SourcePrefix)}, nil
}

// fileSource adapts a Reader to snare.Source.
type fileSource struct {
	path  string
	r     Reader
	lt    link.Type
	wake  atomic.Bool
	micro bool // truncate timestamps to microseconds
}

func (s *fileSource) TimestampTypes() []snare.TimestampType { return nil }

func (s *fileSource) Activate(o snare.Options) error {
	if o.Direction != snare.DirectionInOut {
		// A file holds what was captured; it cannot keep one direction
		// (libpcap refuses pcap_setdirection on savefiles too).
		return s.SetDirection(o.Direction)
	}
	r, err := Open(s.path)
	if err != nil {
		return err
	}
	s.r = r
	s.lt = r.LinkType()
	s.micro = o.TimestampPrecision == snare.Microsecond
	return nil
}

func (s *fileSource) LinkType() link.Type {
	if s.r == nil {
		return 0
	}
	return s.lt
}

func (s *fileSource) LinkTypes() []link.Type { return []link.Type{s.lt} }

func (s *fileSource) SetLinkType(t link.Type) error {
	if t != s.lt {
		return fmt.Errorf("%s: the link type of a capture file is %s: %w", s.path, s.lt, snare.ErrNotSupported)
	}
	return nil
}

func (s *fileSource) SnapLen() int {
	if s.r == nil {
		return 0
	}
	return s.r.SnapLen()
}

// ReadPackets returns one packet per call: the reader's zero-copy buffer
// holds only the latest packet.
func (s *fileSource) ReadPackets(pkts []snare.Packet) (int, error) {
	if s.wake.Swap(false) {
		return 0, snare.ErrBreak
	}
	if len(pkts) == 0 {
		return 0, nil
	}
	data, ci, err := s.r.ZeroCopyReadPacketData()
	if err != nil {
		return 0, err
	}
	if s.micro {
		ci.Timestamp = ci.Timestamp.Truncate(time.Microsecond)
	}
	pkts[0] = snare.Packet{Data: data, Info: ci}
	return 1, nil
}

func (s *fileSource) SetFilter(bpf.Program) (snare.FilterPlace, error) {
	return snare.FilterNone, snare.ErrNotSupported
}

func (s *fileSource) LinuxSocket() bool { return false }

func (s *fileSource) SetDirection(d snare.Direction) error {
	if d == snare.DirectionInOut {
		return nil
	}
	return fmt.Errorf("%s: setting direction is not supported on savefiles: %w", s.path, snare.ErrNotSupported)
}

func (s *fileSource) SetNonblock(bool) error { return nil }
func (s *fileSource) Fd() int                { return -1 }

func (s *fileSource) Stats() (snare.Stats, error) {
	return snare.Stats{}, fmt.Errorf("%s: statistics aren't available from savefiles: %w", s.path, snare.ErrNotSupported)
}

func (s *fileSource) Inject([]byte) (int, error) {
	return 0, fmt.Errorf("%s: cannot send packets on a savefile: %w", s.path, snare.ErrNotSupported)
}

func (s *fileSource) Wake() { s.wake.Store(true) }

func (s *fileSource) Close() error {
	if s.r == nil {
		return nil
	}
	return s.r.Close()
}

var _ snare.Source = (*fileSource)(nil)
