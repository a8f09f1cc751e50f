// Package snare is packet capture for Go without cgo.
//
// The root package holds what every capture module and every consumer
// shares: the per-packet metadata ([CaptureInfo]), the packet direction,
// the sentinel errors modelled on libpcap's error codes, the [Source]
// interface that capture modules implement, their registry, and the
// [Handle] that drives a source through libpcap's life cycle (create,
// set options, activate, read, close).
//
// Capture modules live in their own packages and register themselves
// the way database/sql drivers do: savefile claims "file://" (capture
// files of either format, plain or compressed; see Example (File)),
// afpacket claims Linux interface names and "any". A third-party module
// registers with [Register] and claims its own prefixes.
//
// # Life cycle
//
// [NewHandle] (pcap_create) finds the module that claims the device name
// and returns an inactive handle. The option setters (SetSnapLen,
// SetPromisc, SetTimeout, SetBufferSize, SetImmediateMode,
// SetTimestampType, SetTimestampPrecision, SetProtocol, SetFanout,
// SetQdiscBypass; SetDirection and SetNonblock also work later) return
// [ErrActivated] once [Handle.Activate] succeeded; reads, statistics,
// link-type and filter calls return [ErrNotActivated] before it.
// [OpenLive] does all of it in one call.
//
// # Reading
//
// [Handle.ZeroCopyReadPacketData] and [Handle.Next] return data that is
// valid until the next read; [Handle.ReadPacketData] copies. [Handle.Loop]
// and [Handle.Dispatch] call a function per packet, and [Handle.Packets]
// is an iterator. A read that waits longer than the timeout returns
// [ErrTimeout] (loops go on). [Handle.BreakLoop] and [Handle.Close] may be
// called from any goroutine; a read blocked in another goroutine returns
// [ErrBreak] or [ErrClosed] at once.
//
// # Filters
//
// [Handle.SetFilter] compiles a pcap-filter expression (package filter)
// for the handle's link type and installs it; [Handle.SetBPF] installs a
// compiled program. The source runs it in the kernel when it can;
// otherwise the same program runs in user space. [Handle.FilterPlace]
// tells which. A filter change never lets through a packet the new filter
// rejects.
package snare
