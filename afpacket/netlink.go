//go:build linux

package afpacket

import (
	"encoding/binary"
	"net/netip"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/snare-pcap/snare"
)

// rtnl is a NETLINK_ROUTE socket kept open so that statistics are read
// in the network namespace the capture socket was opened in.
type rtnl struct {
	fd  int
	seq uint32
}

func openRtnl() (*rtnl, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &rtnl{fd: fd}, nil
}

func (r *rtnl) close() { unix.Close(r.fd) }

// rxDropped returns the interface's rx_dropped counter (IFLA_STATS64).
func (r *rtnl) rxDropped(ifindex int) (uint64, error) {
	r.seq++
	req := make([]byte, unix.SizeofNlMsghdr+unix.SizeofIfInfomsg)
	binary.NativeEndian.PutUint32(req[0:], uint32(len(req)))
	binary.NativeEndian.PutUint16(req[4:], unix.RTM_GETLINK)
	binary.NativeEndian.PutUint16(req[6:], unix.NLM_F_REQUEST)
	binary.NativeEndian.PutUint32(req[8:], r.seq)
	binary.NativeEndian.PutUint32(req[unix.SizeofNlMsghdr+4:], uint32(ifindex))
	if err := unix.Sendto(r.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, err
	}
	buf := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(r.fd, buf, 0)
		if err != nil {
			return 0, err
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return 0, err
		}
		for _, m := range msgs {
			if m.Header.Seq != r.seq {
				continue
			}
			if m.Header.Type == unix.NLMSG_ERROR {
				return 0, unix.EINVAL
			}
			attrs, err := syscall.ParseNetlinkRouteAttr(&m)
			if err != nil {
				return 0, err
			}
			for _, a := range attrs {
				// struct rtnl_link_stats64: rx_dropped is the 7th u64.
				if a.Attr.Type == unix.IFLA_STATS64 && len(a.Value) >= 56 {
					return binary.NativeEndian.Uint64(a.Value[48:]), nil
				}
			}
			return 0, unix.ENOENT
		}
	}
}

// devices lists the interfaces of the calling thread's network namespace
// (netlink RTM_GETLINK and RTM_GETADDR) and the "any" device.
func devices() ([]snare.Interface, error) {
	links, err := syscall.NetlinkRIB(unix.RTM_GETLINK, unix.AF_UNSPEC)
	if err != nil {
		return nil, os.NewSyscallError("netlink RTM_GETLINK", err)
	}
	msgs, err := syscall.ParseNetlinkMessage(links)
	if err != nil {
		return nil, os.NewSyscallError("netlink RTM_GETLINK", err)
	}
	var devs []snare.Interface
	byIndex := map[int]int{}
	for i := range msgs {
		m := &msgs[i]
		if m.Header.Type != unix.RTM_NEWLINK || len(m.Data) < unix.SizeofIfInfomsg {
			continue
		}
		ifi := (*unix.IfInfomsg)(unsafe.Pointer(&m.Data[0]))
		attrs, err := syscall.ParseNetlinkRouteAttr(m)
		if err != nil {
			continue
		}
		var name string
		oper, carrier := uint8(0), -1
		for _, a := range attrs {
			switch a.Attr.Type {
			case unix.IFLA_IFNAME:
				name = string(trimNul(a.Value))
			case unix.IFLA_OPERSTATE:
				if len(a.Value) > 0 {
					oper = a.Value[0]
				}
			case unix.IFLA_CARRIER:
				if len(a.Value) > 0 {
					carrier = int(a.Value[0])
				}
			}
		}
		if name == "" {
			continue
		}
		d := snare.Interface{Name: name, Index: int(ifi.Index)}
		fl := ifi.Flags
		if fl&unix.IFF_LOOPBACK != 0 {
			d.Flags |= snare.FlagLoopback
		}
		if fl&unix.IFF_UP != 0 {
			d.Flags |= snare.FlagUp
		}
		if fl&unix.IFF_RUNNING != 0 {
			d.Flags |= snare.FlagRunning
		}
		if isWireless(name) {
			d.Flags |= snare.FlagWireless
		}
		d.Flags |= connection(d.Flags, ifi.Type, oper, carrier)
		byIndex[d.Index] = len(devs)
		devs = append(devs, d)
	}
	addrs, err := syscall.NetlinkRIB(unix.RTM_GETADDR, unix.AF_UNSPEC)
	if err == nil {
		if msgs, err := syscall.ParseNetlinkMessage(addrs); err == nil {
			for i := range msgs {
				addAddress(devs, byIndex, &msgs[i])
			}
		}
	}
	devs = append(devs, snare.Interface{
		Name:        "any",
		Description: "Pseudo-device that captures on all interfaces",
		Flags:       snare.FlagUp | snare.FlagRunning | snare.ConnectionNotApplicable,
	})
	return devs, nil
}

func trimNul(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// isWireless reports whether /sys says the interface is 802.11.
func isWireless(name string) bool {
	for _, p := range []string{"/sys/class/net/" + name + "/wireless", "/sys/class/net/" + name + "/phy80211"} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

// connection derives PCAP_IF_CONNECTION_STATUS: not applicable for
// loopback and for link types without a carrier; otherwise the carrier
// (or, failing that, the operational state).
func connection(f snare.InterfaceFlags, hatype uint16, oper uint8, carrier int) snare.InterfaceFlags {
	if f.Loopback() {
		return snare.ConnectionNotApplicable
	}
	switch hatype {
	case unix.ARPHRD_NONE, unix.ARPHRD_TUNNEL, unix.ARPHRD_TUNNEL6, unix.ARPHRD_SIT, unix.ARPHRD_IPGRE, unix.ARPHRD_VOID:
		return snare.ConnectionNotApplicable
	}
	switch {
	case carrier == 1:
		return snare.ConnectionConnected
	case carrier == 0:
		return snare.ConnectionDisconnected
	}
	switch oper {
	case 6: // IF_OPER_UP
		return snare.ConnectionConnected
	case 1, 2, 3: // IF_OPER_NOTPRESENT, IF_OPER_DOWN, IF_OPER_LOWERLAYERDOWN
		return snare.ConnectionDisconnected
	}
	return snare.ConnectionUnknown
}

func addAddress(devs []snare.Interface, byIndex map[int]int, m *syscall.NetlinkMessage) {
	if m.Header.Type != unix.RTM_NEWADDR || len(m.Data) < unix.SizeofIfAddrmsg {
		return
	}
	ifa := (*unix.IfAddrmsg)(unsafe.Pointer(&m.Data[0]))
	di, ok := byIndex[int(ifa.Index)]
	if !ok {
		return
	}
	attrs, err := syscall.ParseNetlinkRouteAttr(m)
	if err != nil {
		return
	}
	var local, address, brd netip.Addr
	for _, a := range attrs {
		ip, ok := netip.AddrFromSlice(a.Value)
		if !ok {
			continue
		}
		switch a.Attr.Type {
		case unix.IFA_LOCAL:
			local = ip
		case unix.IFA_ADDRESS:
			address = ip
		case unix.IFA_BROADCAST:
			brd = ip
		}
	}
	var ia snare.InterfaceAddress
	switch {
	case local.IsValid() && address.IsValid() && local != address:
		ia.Addr, ia.Dstaddr = local, address // point-to-point: IFA_ADDRESS is the peer
	case local.IsValid():
		ia.Addr = local
	default:
		ia.Addr = address
	}
	if !ia.Addr.IsValid() {
		return
	}
	ia.Broadaddr = brd
	bits := int(ifa.Prefixlen)
	if p, err := ia.Addr.Prefix(bits); err == nil {
		ia.Netmask = maskAddr(ia.Addr.Is4(), p.Bits())
	}
	devs[di].Addresses = append(devs[di].Addresses, ia)
}

func maskAddr(v4 bool, bits int) netip.Addr {
	n := 16
	if v4 {
		n = 4
	}
	b := make([]byte, n)
	for i := 0; i < bits && i < n*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
