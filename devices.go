package snare

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
)

// Interface describes a capture device, as libpcap's pcap_if_t.
type Interface struct {
	// Name is what NewHandle takes ("eth0", "any", "file://x.pcap").
	Name string
	// Description is a human-readable description, or "".
	Description string
	// Index is the OS interface index (0 when not applicable).
	Index int
	// Addresses are the device's network addresses.
	Addresses []InterfaceAddress
	// Flags are the PCAP_IF_* flags.
	Flags InterfaceFlags
}

// InterfaceAddress is one address of an interface (pcap_addr_t). Fields a
// device does not have are the zero netip.Addr.
type InterfaceAddress struct {
	Addr      netip.Addr // the address
	Netmask   netip.Addr // its netmask, as an address
	Broadaddr netip.Addr // the broadcast address
	// Dstaddr is the peer address of a point-to-point link.
	Dstaddr netip.Addr
}

// InterfaceFlags are libpcap's PCAP_IF_* flags (same bit values).
type InterfaceFlags uint32

// Interface flags.
const (
	FlagLoopback InterfaceFlags = 0x00000001
	FlagUp       InterfaceFlags = 0x00000002
	FlagRunning  InterfaceFlags = 0x00000004
	FlagWireless InterfaceFlags = 0x00000008
	// FlagConnectionStatus masks the connection status, one of the
	// Connection* values.
	FlagConnectionStatus InterfaceFlags = 0x00000030
)

// Connection status values (within FlagConnectionStatus).
const (
	ConnectionUnknown       InterfaceFlags = 0x00000000
	ConnectionConnected     InterfaceFlags = 0x00000010
	ConnectionDisconnected  InterfaceFlags = 0x00000020
	ConnectionNotApplicable InterfaceFlags = 0x00000030
)

// Loopback reports whether the device is a loopback interface.
func (f InterfaceFlags) Loopback() bool { return f&FlagLoopback != 0 }

// Up reports whether the device is up.
func (f InterfaceFlags) Up() bool { return f&FlagUp != 0 }

// Running reports whether the device is running.
func (f InterfaceFlags) Running() bool { return f&FlagRunning != 0 }

// Wireless reports whether the device is a wireless interface.
func (f InterfaceFlags) Wireless() bool { return f&FlagWireless != 0 }

// Connection returns the connection status: ConnectionConnected,
// ConnectionDisconnected, ConnectionNotApplicable or ConnectionUnknown.
func (f InterfaceFlags) Connection() InterfaceFlags { return f & FlagConnectionStatus }

// String formats the flags as tcpdump -D prints them between brackets:
// "Up, Running, Loopback", "none, Disconnected", "Wireless, Associated".
func (f InterfaceFlags) String() string {
	var parts []string
	if f.Up() {
		parts = append(parts, "Up")
	}
	if f.Running() {
		parts = append(parts, "Running")
	}
	if f.Wireless() {
		parts = append(parts, "Wireless")
	}
	if f.Loopback() {
		parts = append(parts, "Loopback")
	}
	if len(parts) == 0 {
		parts = append(parts, "none")
	}
	switch f.Connection() {
	case ConnectionConnected:
		if f.Wireless() {
			parts = append(parts, "Associated")
		} else {
			parts = append(parts, "Connected")
		}
	case ConnectionDisconnected:
		if f.Wireless() {
			parts = append(parts, "Not associated")
		} else {
			parts = append(parts, "Disconnected")
		}
	}
	return strings.Join(parts, ", ")
}

// figureOfMerit ranks devices as libpcap 1.10 does: lower is listed
// first. Running and up devices come first, then the "any" device, then
// disconnected (non-wireless) and loopback devices, then the rest.
func figureOfMerit(d *Interface) uint32 {
	var n uint32
	if !d.Flags.Running() {
		n |= 0x80000000
	}
	if !d.Flags.Up() {
		n |= 0x40000000
	}
	if !d.Flags.Wireless() && d.Flags.Connection() == ConnectionDisconnected {
		n |= 0x20000000
	}
	if d.Flags.Loopback() {
		n |= 0x10000000
	}
	if d.Name == "any" {
		n |= 0x08000000
	}
	return n
}

// SortInterfaces orders devices as libpcap's pcap_findalldevs does: a
// stable sort by libpcap's figure of merit (up and running first, "any"
// after the other running devices, loopback and disconnected devices
// later, devices that are down last).
func SortInterfaces(devs []Interface) {
	slices.SortStableFunc(devs, func(a, b Interface) int {
		fa, fb := figureOfMerit(&a), figureOfMerit(&b)
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	})
}

// FindAllDevs lists the devices of every registered module, ordered as
// libpcap orders them (see SortInterfaces). Modules that fail to list are
// skipped if another module succeeded; otherwise their errors are
// returned joined.
func FindAllDevs() ([]Interface, error) {
	var all []Interface
	var errs []error
	ok := false
	for _, m := range Modules() {
		devs, err := m.Devices()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ok = true
		all = append(all, devs...)
	}
	if !ok && len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	SortInterfaces(all)
	return all, nil
}

// LookupNet returns the IPv4 network number and netmask of device, as
// pcap_lookupnet does (the first IPv4 address's). It returns zero values
// and no error for devices without an IPv4 address.
func LookupNet(device string) (network, netmask netip.Addr, err error) {
	devs, err := FindAllDevs()
	if err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	for _, d := range devs {
		if d.Name != device {
			continue
		}
		for _, a := range d.Addresses {
			if a.Addr.Is4() && a.Netmask.Is4() {
				ab, mb := a.Addr.As4(), a.Netmask.As4()
				for i := range ab {
					ab[i] &= mb[i]
				}
				return netip.AddrFrom4(ab), a.Netmask, nil
			}
		}
	}
	return netip.Addr{}, netip.Addr{}, nil
}
