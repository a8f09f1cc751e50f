// Package afpacket is the Linux live-capture module of snare: an AF_PACKET
// socket with a memory-mapped TPACKET_V3 receive ring, as libpcap uses on
// Linux, in pure Go.
//
// Importing the package registers the module; it claims interface names
// and the "any" pseudo-device:
//
//	import _ "github.com/snare-pcap/snare/afpacket"
//
//	h, err := snare.OpenLive("eth0", 0, true, time.Second)
//
// What it does, following libpcap's pcap-linux.c:
//   - the ring is sized from the buffer option, its block timeout from the
//     capture timeout (1 ms in immediate mode, where the ring has as many
//     blocks as libpcap's immediate-mode TPACKET_V2 ring has frames, so it
//     holds as many sparse packets);
//   - promiscuous mode through PACKET_ADD_MEMBERSHIP;
//   - VLAN tags the driver stripped are put back from the ring's metadata
//     (Ethernet and LINUX_SLL);
//   - nanosecond host time stamps, and adapter time stamps where ethtool
//     reports them;
//   - the "any" device and devices without a known link-layer header are
//     captured with a LINUX_SLL (or, selected, LINUX_SLL2) header;
//   - direction filtering, and the second copy of loopback's outgoing
//     packets is dropped;
//   - filters run in the kernel (SO_ATTACH_FILTER) when it takes them, and
//     in userland with the same program otherwise; changing the filter
//     refilters the ring so that no packet the new filter rejects leaks;
//   - PACKET_FANOUT groups; injection with sendto, optionally bypassing
//     the qdisc;
//   - a blocked read waits in Go's network poller (no thread blocked in
//     poll(2)) and is woken by BreakLoop or Close through a read deadline.
package afpacket
