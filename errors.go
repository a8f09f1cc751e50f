package snare

import "errors"

// Sentinel errors, modelled on libpcap's PCAP_ERROR_* and PCAP_WARNING_*
// codes. Errors returned by snare wrap one of these (where one applies)
// with what failed and where, so test them with errors.Is.
var (
	// ErrActivated: an option was set on a handle that is already active
	// (PCAP_ERROR_ACTIVATED).
	ErrActivated = errors.New("the setting can't be changed after the handle is activated")
	// ErrNotActivated: the handle was used before Activate
	// (PCAP_ERROR_NOT_ACTIVATED).
	ErrNotActivated = errors.New("the handle has not been activated")
	// ErrNoSuchDevice: the device does not exist (PCAP_ERROR_NO_SUCH_DEVICE).
	ErrNoSuchDevice = errors.New("no such device exists")
	// ErrPermission: not allowed to capture on the device
	// (PCAP_ERROR_PERM_DENIED).
	ErrPermission = errors.New("you don't have permission to perform this capture on that device")
	// ErrPromiscPermission: not allowed to enable promiscuous mode
	// (PCAP_ERROR_PROMISC_PERM_DENIED).
	ErrPromiscPermission = errors.New("you don't have permission to capture in promiscuous mode on that device")
	// ErrRFMonNotSupported: monitor mode is not supported
	// (PCAP_ERROR_RFMON_NOTSUP).
	ErrRFMonNotSupported = errors.New("that device doesn't support monitor mode")
	// ErrNotUp: the interface is not up (PCAP_ERROR_IFACE_NOT_UP).
	ErrNotUp = errors.New("that device is not up")
	// ErrNotSupported: the operation is not supported by the source
	// (PCAP_ERROR_CAPABILITY, PCAP_ERROR_TSTAMP_TYPE_NOTSUP and the like).
	ErrNotSupported = errors.New("operation not supported by this capture source")
	// ErrBreak: a read loop was stopped by BreakLoop (PCAP_ERROR_BREAK).
	ErrBreak = errors.New("loop stopped by BreakLoop")
	// ErrClosed: the handle was closed.
	ErrClosed = errors.New("handle is closed")
	// ErrTimeout: no packet arrived before the read timeout expired (not an
	// error condition for loops; they keep reading).
	ErrTimeout = errors.New("read timeout expired")
	// ErrTruncated: a capture file ends in the middle of a record or block.
	ErrTruncated = errors.New("capture file is truncated")
	// ErrFormat: a capture file is malformed (bad magic, version, lengths).
	ErrFormat = errors.New("malformed capture file")
)
