package snare

import "strings"

// TimestampType is where a packet's timestamp comes from, as libpcap's
// PCAP_TSTAMP_* values (the numbers are libpcap's).
type TimestampType int

// Timestamp types.
const (
	// TimestampHost: the host's clock, stamped by the OS (the default).
	TimestampHost TimestampType = 0
	// TimestampHostLowPrec: the host's clock, low precision.
	TimestampHostLowPrec TimestampType = 1
	// TimestampHostHighPrec: the host's clock, high precision.
	TimestampHostHighPrec TimestampType = 2
	// TimestampAdapter: the adapter's clock, synchronised with the host.
	TimestampAdapter TimestampType = 3
	// TimestampAdapterUnsynced: the adapter's clock, not synchronised.
	TimestampAdapterUnsynced TimestampType = 4
	// TimestampHostHighPrecUnsynced: the host's high-precision clock, not
	// synchronised with the system time.
	TimestampHostHighPrecUnsynced TimestampType = 5
)

var tstampNames = [...]struct{ name, desc string }{
	{"host", "Host"},
	{"host_lowprec", "Host, low precision"},
	{"host_hiprec", "Host, high precision"},
	{"adapter", "Adapter"},
	{"adapter_unsynced", "Adapter, not synced with system time"},
	{"host_hiprec_unsynced", "Host, high precision, not synced with system time"},
}

// String returns libpcap's name for t ("host", "adapter_unsynced"...), as
// tcpdump's -j takes it.
func (t TimestampType) String() string {
	if t >= 0 && int(t) < len(tstampNames) {
		return tstampNames[t].name
	}
	return "unknown"
}

// Description returns libpcap's description of t ("Host", "Adapter"...),
// as tcpdump -J prints it.
func (t TimestampType) Description() string {
	if t >= 0 && int(t) < len(tstampNames) {
		return tstampNames[t].desc
	}
	return "unknown"
}

// TimestampTypeByName returns the type libpcap names name (case
// insensitive), as pcap_tstamp_type_name_to_val.
func TimestampTypeByName(name string) (TimestampType, bool) {
	for i, n := range tstampNames {
		if strings.EqualFold(n.name, name) {
			return TimestampType(i), true
		}
	}
	return 0, false
}

// TimestampPrecision is the precision of delivered timestamps.
type TimestampPrecision uint8

// Timestamp precisions (PCAP_TSTAMP_PRECISION_*).
const (
	// Microsecond truncates timestamps to microseconds (libpcap's default).
	Microsecond TimestampPrecision = iota
	// Nanosecond keeps the full nanosecond timestamp.
	Nanosecond
)

// String returns "micro" or "nano".
func (p TimestampPrecision) String() string {
	if p == Nanosecond {
		return "nano"
	}
	return "micro"
}
