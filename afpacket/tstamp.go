//go:build linux

package afpacket

import (
	"errors"

	"golang.org/x/sys/unix"

	"github.com/snare-pcap/snare"
)

const (
	sofTimestampingSoftware    = 1 << 4
	sofTimestampingSysHardware = 1 << 5
	sofTimestampingRawHardware = 1 << 6
)

// TimestampTypes lists host time stamps and, when the driver reports
// them through ETHTOOL_GET_TS_INFO, the adapter's, as libpcap does.
func (s *src) TimestampTypes() []snare.TimestampType {
	types := []snare.TimestampType{snare.TimestampHost}
	if s.any {
		return types
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return types
	}
	defer unix.Close(fd)
	info, err := unix.IoctlGetEthtoolTsInfo(fd, s.device)
	if err != nil {
		return types
	}
	if info.So_timestamping&sofTimestampingSysHardware != 0 {
		types = append(types, snare.TimestampAdapter)
	}
	if info.So_timestamping&sofTimestampingRawHardware != 0 {
		types = append(types, snare.TimestampAdapterUnsynced)
	}
	return types
}

// setTimestamping turns on hardware time stamps for the adapter types
// (SIOCSHWTSTAMP on the device, PACKET_TIMESTAMP on the socket). Host
// types need nothing: the ring always carries nanosecond host stamps.
func (s *src) setTimestamping(t snare.TimestampType) error {
	var flag int
	switch t {
	case snare.TimestampHost, snare.TimestampHostLowPrec, snare.TimestampHostHighPrec, snare.TimestampHostHighPrecUnsynced:
		return nil
	case snare.TimestampAdapter:
		flag = sofTimestampingSysHardware
	case snare.TimestampAdapterUnsynced:
		flag = sofTimestampingRawHardware
	default:
		return s.errorf(snare.ErrNotSupported, "time stamp type %d", t)
	}
	ok := false
	for _, x := range s.TimestampTypes() {
		ok = ok || x == t
	}
	if !ok {
		return s.errorf(snare.ErrNotSupported, "that type of time stamp (%s) is not supported by that device", t)
	}
	cfg := unix.HwTstampConfig{Tx_type: 0, Rx_filter: unix.HWTSTAMP_FILTER_ALL}
	if err := unix.IoctlSetHwTstamp(s.fd, s.device, &cfg); err != nil {
		if errors.Is(err, unix.EPERM) {
			return s.errorf(snare.ErrPermission, "SIOCSHWTSTAMP: %v", err)
		}
		return s.errorf(snare.ErrNotSupported, "SIOCSHWTSTAMP: %v", err)
	}
	if err := unix.SetsockoptInt(s.fd, unix.SOL_PACKET, unix.PACKET_TIMESTAMP, flag); err != nil {
		return s.sysErr("PACKET_TIMESTAMP", err)
	}
	return nil
}
