package snare

import (
	"time"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/link"
)

// Packet is one packet as a source delivers it: the captured bytes and
// their metadata. In zero-copy reads Data points into the source's buffer
// and is valid only until the next read on the same handle (or Close).
type Packet struct {
	// Data is the captured bytes; a zero-copy batch's slices stay valid
	// only until the next read.
	Data []byte
	// Info is the packet's time stamp, lengths and interface.
	Info CaptureInfo
}

// Source is an instance of a capture module: one open device, socket,
// file or remote connection. A [Handle] drives it; users rarely call a
// Source directly.
//
// The life cycle mirrors libpcap's: the module's Create returns an
// inactive Source, the handle calls Activate once with the options the
// user set, then the reading and control methods, then Close.
//
// Concurrency contract: the handle calls ReadPackets from one goroutine
// at a time. Wake and Stats may be called from any goroutine at any time,
// including while ReadPackets blocks. SetFilter and SetDirection may be
// called while another goroutine is reading; the source makes the change
// take effect atomically. Close is called once, never while ReadPackets
// is running (the handle wakes the reader and waits for it to leave).
type Source interface {
	// TimestampTypes lists the timestamp types the device supports, most
	// preferred first. It may be called before Activate.
	TimestampTypes() []TimestampType

	// Activate opens the device with the options. It returns errors that
	// wrap ErrNoSuchDevice, ErrPermission, ErrNotUp, ErrNotSupported...
	// The source delivers timestamps at opts.TimestampPrecision
	// (truncated to microseconds for Microsecond).
	Activate(opts Options) error

	// LinkType is the link-layer header type of delivered packets.
	LinkType() link.Type
	// LinkTypes lists the link-layer types the source can deliver.
	LinkTypes() []link.Type
	// SetLinkType switches the delivered link-layer type to one of
	// LinkTypes.
	SetLinkType(t link.Type) error
	// SnapLen is the effective snapshot length.
	SnapLen() int

	// ReadPackets fills pkts with up to len(pkts) packets and returns how
	// many it filled. The data stays valid until the next ReadPackets
	// call or Close. With no packet it blocks as the options say (timeout,
	// non-blocking) and returns 0 and an error wrapping ErrTimeout when the
	// timeout expires (or at once in non-blocking mode), 0 and ErrBreak
	// when Wake was called, and io.EOF at the end of a file.
	ReadPackets(pkts []Packet) (int, error)

	// SetFilter installs prog (compiled for LinkType with the source's
	// FilterOptions). It reports where the filter runs: FilterKernel or
	// FilterSource (the source filters in userland itself). An error
	// wrapping ErrNotSupported asks the handle to filter in userland.
	SetFilter(prog bpf.Program) (FilterPlace, error)
	// LinuxSocket reports whether filters must be compiled for a Linux
	// PF_PACKET socket (filter.Options.LinuxSocket).
	LinuxSocket() bool

	// SetDirection keeps only packets of the direction (DirectionIn,
	// DirectionOut, or DirectionInOut for both). ErrNotSupported if the
	// source cannot tell.
	SetDirection(d Direction) error
	// SetNonblock switches non-blocking mode.
	SetNonblock(nonblock bool) error
	// Fd is a file descriptor that becomes readable when packets are
	// available, or -1.
	Fd() int
	// Stats returns cumulative statistics since activation.
	Stats() (Stats, error)
	// Inject sends a raw packet (starting with the link-layer header)
	// and returns the number of bytes sent.
	Inject(data []byte) (int, error)
	// Wake makes a blocked ReadPackets return ErrBreak promptly (or the
	// next one, if none is blocked). Safe from any goroutine.
	Wake()
	// Close releases the source.
	Close() error
}

// FilterPlace says where a capture filter runs.
type FilterPlace uint8

// Where a filter runs.
const (
	// FilterNone: no filter is installed.
	FilterNone FilterPlace = iota
	// FilterKernel: the kernel runs the filter; only matching packets are
	// copied to user space.
	FilterKernel
	// FilterSource: the source filters in user space (for example because
	// the kernel refused the program).
	FilterSource
	// FilterHandle: the handle filters in user space because the source
	// cannot filter at all (for example a savefile).
	FilterHandle
)

// String returns "none", "kernel" or "userland".
func (p FilterPlace) String() string {
	switch p {
	case FilterKernel:
		return "kernel"
	case FilterSource, FilterHandle:
		return "userland"
	}
	return "none"
}

// Stats are a handle's cumulative statistics, with libpcap's meaning on
// Linux (struct pcap_stat).
type Stats struct {
	// Received counts packets that passed the kernel filter, including
	// the ones then dropped for lack of buffer space (ps_recv; tcpdump's
	// "packets received by filter").
	Received uint64
	// Dropped counts packets that passed the filter but were dropped
	// because the buffer was full (ps_drop; "packets dropped by kernel").
	Dropped uint64
	// IfDropped counts packets the interface dropped since activation
	// (ps_ifdrop, from the interface's rx_dropped counter).
	IfDropped uint64
	// Captured counts packets the handle delivered to the caller (after
	// any userland filter): tcpdump's "packets captured" when every packet
	// is consumed. While another goroutine is reading it may lag by up to
	// 1023 packets; it is exact once the reader returns or waits.
	Captured uint64
}

// Options are the settings a handle passes to its source's Activate.
// Set them with the Handle's setters; the zero value of each field means
// libpcap's default.
type Options struct {
	// SnapLen is the snapshot length; 0 or out of range means 262144.
	SnapLen int
	// Promiscuous puts the interface in promiscuous mode.
	Promiscuous bool
	// Timeout is the packet buffer timeout: how long a read waits for
	// packets before delivering what it has (0: wait forever).
	Timeout time.Duration
	// BufferSize is the kernel buffer size in bytes (0: 2 MiB).
	BufferSize int
	// Immediate delivers each packet as soon as it arrives.
	Immediate bool
	// NonBlocking makes reads return at once when no packet is waiting.
	NonBlocking bool
	// TimestampType selects the clock (TimestampHost by default).
	TimestampType TimestampType
	// TimestampPrecision is Microsecond (libpcap's default) or Nanosecond.
	TimestampPrecision TimestampPrecision
	// Direction keeps only incoming or outgoing packets (DirectionInOut:
	// both).
	Direction Direction
	// Protocol is the link-layer protocol (an EtherType, host order) to
	// capture; 0 means all (ETH_P_ALL).
	Protocol uint16
	// Fanout joins a PACKET_FANOUT group (Linux); zero Mode and Group
	// means none.
	Fanout Fanout
	// QdiscBypass sends injected packets straight to the driver,
	// bypassing the queueing discipline (Linux PACKET_QDISC_BYPASS).
	QdiscBypass bool
}

// FanoutMode is how a PACKET_FANOUT group spreads packets over its
// sockets.
type FanoutMode uint8

// Fanout modes (PACKET_FANOUT_*). FanoutNone (the zero value) disables
// fanout.
const (
	FanoutNone     FanoutMode = iota
	FanoutHash                // by flow hash: a flow always goes to the same socket
	FanoutLB                  // round robin
	FanoutCPU                 // by the CPU that received the packet
	FanoutRollover            // fill one socket, then the next
	FanoutRandom              // random socket
	FanoutQueue               // by the receive queue (queue mapping)
)

var fanoutNames = [...]string{"none", "hash", "lb", "cpu", "rollover", "random", "queue"}

// String returns the mode's name: "hash", "lb", "cpu", "rollover"...
func (m FanoutMode) String() string {
	if int(m) < len(fanoutNames) {
		return fanoutNames[m]
	}
	return "unknown"
}

// FanoutModeByName returns the mode named name ("hash", "lb", "cpu",
// "rollover", "random", "queue").
func FanoutModeByName(name string) (FanoutMode, bool) {
	for i, n := range fanoutNames {
		if i > 0 && n == name {
			return FanoutMode(i), true
		}
	}
	return FanoutNone, false
}

// Fanout describes membership of a PACKET_FANOUT group: every socket
// opened with the same Group (in the same network namespace) shares the
// device's packets by Mode.
type Fanout struct {
	// Mode is how the kernel picks a socket of the group for a packet.
	Mode FanoutMode
	// Group is the group's id: sockets that join the same id (on the
	// same device and protocol) share its traffic.
	Group uint16
	// Rollover moves packets to another socket when the chosen one is
	// full (PACKET_FANOUT_FLAG_ROLLOVER).
	Rollover bool
	// Defrag reassembles IP fragments before choosing a socket, so
	// fragments of one datagram stay together (PACKET_FANOUT_FLAG_DEFRAG).
	Defrag bool
}
