// Package sample builds the small capture shipped in the repository
// (testdata/sample.pcap): a few dozen Ethernet frames carrying ARP,
// IPv4, IPv6, TCP, UDP, DNS, ICMP and ICMPv6, with fixed addresses and
// timestamps so the file is the same byte for byte on every run.
//
// It is internal to the command: the README runs the file, and the
// command's tests regenerate and compare it (go test ./cmd/snare -update
// rewrites it).
package sample

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Packet is one frame of the sample with its capture time.
type Packet struct {
	Time time.Time
	Data []byte
}

// Start is the timestamp of the first packet.
var Start = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

var (
	macA  = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}
	macB  = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}
	macGW = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}
	bcast = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

	ipA   = net.IPv4(192, 0, 2, 10).To4()
	ipB   = net.IPv4(192, 0, 2, 11).To4()
	ipGW  = net.IPv4(192, 0, 2, 1).To4()
	ipDNS = net.IPv4(198, 51, 100, 53).To4()
	ipWeb = net.IPv4(203, 0, 113, 80).To4()

	ip6A   = net.ParseIP("2001:db8::a")
	ip6B   = net.ParseIP("2001:db8::b")
	ip6DNS = net.ParseIP("2001:db8:53::53")
	ip6Web = net.ParseIP("2001:db8:80::80")
)

type builder struct {
	pkts []Packet
	t    time.Time
}

// add serializes the layers with lengths and checksums fixed up and
// appends the frame, advancing the clock by step.
func (b *builder) add(step time.Duration, ls ...gopacket.SerializableLayer) {
	for _, l := range ls {
		switch v := l.(type) {
		case *layers.TCP:
			for _, n := range ls {
				if nl, ok := n.(gopacket.NetworkLayer); ok {
					if err := v.SetNetworkLayerForChecksum(nl); err != nil {
						panic(err)
					}
				}
			}
		case *layers.UDP:
			for _, n := range ls {
				if nl, ok := n.(gopacket.NetworkLayer); ok {
					if err := v.SetNetworkLayerForChecksum(nl); err != nil {
						panic(err)
					}
				}
			}
		case *layers.ICMPv6:
			for _, n := range ls {
				if nl, ok := n.(gopacket.NetworkLayer); ok {
					if err := v.SetNetworkLayerForChecksum(nl); err != nil {
						panic(err)
					}
				}
			}
		}
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		panic(fmt.Sprintf("sample: packet %d: %v", len(b.pkts)+1, err))
	}
	data := append([]byte(nil), buf.Bytes()...)
	for len(data) < 60 { // Ethernet minimum frame without FCS
		data = append(data, 0)
	}
	b.t = b.t.Add(step)
	b.pkts = append(b.pkts, Packet{Time: b.t, Data: data})
}

func eth(src, dst net.HardwareAddr, t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: t}
}

func ip4(src, dst net.IP, p layers.IPProtocol, id uint16) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: id, Flags: layers.IPv4DontFragment, Protocol: p, SrcIP: src, DstIP: dst}
}

func ip6(src, dst net.IP, p layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: p, SrcIP: src, DstIP: dst}
}

// Packets returns the sample's frames in capture order.
func Packets() []Packet {
	b := &builder{t: Start}
	ms := time.Millisecond
	us := time.Microsecond

	// ARP who-has and reply.
	b.add(0, eth(macA, bcast, layers.EthernetTypeARP), &layers.ARP{
		AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: macA, SourceProtAddress: ipA,
		DstHwAddress: make([]byte, 6), DstProtAddress: ipGW,
	})
	b.add(312*us, eth(macGW, macA, layers.EthernetTypeARP), &layers.ARP{
		AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPReply, SourceHwAddress: macGW, SourceProtAddress: ipGW,
		DstHwAddress: macA, DstProtAddress: ipA,
	})

	// DNS A query and answer over IPv4.
	q := layers.DNSQuestion{Name: []byte("www.example.com"), Type: layers.DNSTypeA, Class: layers.DNSClassIN}
	b.add(2*ms, eth(macA, macGW, layers.EthernetTypeIPv4), ip4(ipA, ipDNS, layers.IPProtocolUDP, 0x1001),
		&layers.UDP{SrcPort: 40001, DstPort: 53},
		&layers.DNS{ID: 0x1234, RD: true, QDCount: 1, Questions: []layers.DNSQuestion{q}})
	b.add(11*ms+417*us, eth(macGW, macA, layers.EthernetTypeIPv4), ip4(ipDNS, ipA, layers.IPProtocolUDP, 0x2001),
		&layers.UDP{SrcPort: 53, DstPort: 40001},
		&layers.DNS{ID: 0x1234, QR: true, RD: true, RA: true, QDCount: 1, ANCount: 1, Questions: []layers.DNSQuestion{q},
			Answers: []layers.DNSResourceRecord{{Name: q.Name, Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 300, IP: ipWeb}}})

	// DNS AAAA query and answer over IPv6.
	q6 := layers.DNSQuestion{Name: []byte("www.example.com"), Type: layers.DNSTypeAAAA, Class: layers.DNSClassIN}
	b.add(1*ms+5*us, eth(macA, macGW, layers.EthernetTypeIPv6), ip6(ip6A, ip6DNS, layers.IPProtocolUDP),
		&layers.UDP{SrcPort: 40002, DstPort: 53},
		&layers.DNS{ID: 0x5678, RD: true, QDCount: 1, Questions: []layers.DNSQuestion{q6}})
	b.add(9*ms+881*us, eth(macGW, macA, layers.EthernetTypeIPv6), ip6(ip6DNS, ip6A, layers.IPProtocolUDP),
		&layers.UDP{SrcPort: 53, DstPort: 40002},
		&layers.DNS{ID: 0x5678, QR: true, RD: true, RA: true, QDCount: 1, ANCount: 1, Questions: []layers.DNSQuestion{q6},
			Answers: []layers.DNSResourceRecord{{Name: q6.Name, Type: layers.DNSTypeAAAA, Class: layers.DNSClassIN, TTL: 300, IP: ip6Web}}})

	// A TCP connection over IPv4: handshake, HTTP request and response, close.
	const cISN, sISN = 1000000, 3000000
	tcp := func(src, dst layers.TCPPort, seq, ack uint32, syn, ackf, psh, fin bool, win uint16) *layers.TCP {
		return &layers.TCP{SrcPort: src, DstPort: dst, Seq: seq, Ack: ack, SYN: syn, ACK: ackf, PSH: psh, FIN: fin, Window: win}
	}
	tsopt := []byte{0x00, 0x0a, 0xbc, 0xde, 0, 0, 0, 0}
	syn := tcp(45000, 80, cISN, 0, true, false, false, false, 64240)
	syn.Options = []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: tsopt},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
	}
	b.add(20*ms, eth(macA, macGW, layers.EthernetTypeIPv4), ip4(ipA, ipWeb, layers.IPProtocolTCP, 0x3001), syn)
	tsopt = []byte{0x7e, 0x57, 0x00, 0x01, 0x00, 0x0a, 0xbc, 0xde}
	synack := tcp(80, 45000, sISN, cISN+1, true, true, false, false, 65160)
	synack.Options = []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: tsopt},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
	}
	b.add(18*ms+250*us, eth(macGW, macA, layers.EthernetTypeIPv4), ip4(ipWeb, ipA, layers.IPProtocolTCP, 0), synack)
	b.add(90*us, eth(macA, macGW, layers.EthernetTypeIPv4), ip4(ipA, ipWeb, layers.IPProtocolTCP, 0x3002),
		tcp(45000, 80, cISN+1, sISN+1, false, true, false, false, 502))
	req := []byte("GET / HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: snare-sample\r\nAccept: */*\r\n\r\n")
	b.add(150*us, eth(macA, macGW, layers.EthernetTypeIPv4), ip4(ipA, ipWeb, layers.IPProtocolTCP, 0x3003),
		tcp(45000, 80, cISN+1, sISN+1, false, true, true, false, 502), gopacket.Payload(req))
	b.add(18*ms+800*us, eth(macGW, macA, layers.EthernetTypeIPv4), ip4(ipWeb, ipA, layers.IPProtocolTCP, 0x4001),
		tcp(80, 45000, sISN+1, cISN+1+uint32(len(req)), false, true, false, false, 509))
	body := "<html><body>snare sample</body></html>\n"
	resp := []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(body), body))
	b.add(1*ms+20*us, eth(macGW, macA, layers.EthernetTypeIPv4), ip4(ipWeb, ipA, layers.IPProtocolTCP, 0x4002),
		tcp(80, 45000, sISN+1, cISN+1+uint32(len(req)), false, true, true, false, 509), gopacket.Payload(resp))
	b.add(60*us, eth(macA, macGW, layers.EthernetTypeIPv4), ip4(ipA, ipWeb, layers.IPProtocolTCP, 0x3004),
		tcp(45000, 80, cISN+1+uint32(len(req)), sISN+1+uint32(len(resp)), false, true, false, false, 501))
	b.add(2*ms, eth(macA, macGW, layers.EthernetTypeIPv4), ip4(ipA, ipWeb, layers.IPProtocolTCP, 0x3005),
		tcp(45000, 80, cISN+1+uint32(len(req)), sISN+1+uint32(len(resp)), false, true, false, true, 501))
	b.add(18*ms+3*us, eth(macGW, macA, layers.EthernetTypeIPv4), ip4(ipWeb, ipA, layers.IPProtocolTCP, 0x4003),
		tcp(80, 45000, sISN+1+uint32(len(resp)), cISN+2+uint32(len(req)), false, true, false, true, 509))
	b.add(70*us, eth(macA, macGW, layers.EthernetTypeIPv4), ip4(ipA, ipWeb, layers.IPProtocolTCP, 0x3006),
		tcp(45000, 80, cISN+2+uint32(len(req)), sISN+2+uint32(len(resp)), false, true, false, false, 501))

	// ICMP echo request and reply, and a port unreachable.
	ping := []byte("snare-ping-0123456789abcdefghijklmnopqrstuvwxyz")
	for seq := uint16(1); seq <= 3; seq++ {
		b.add(1*ms, eth(macA, macGW, layers.EthernetTypeIPv4), ip4(ipA, ipWeb, layers.IPProtocolICMPv4, 0x5000+seq),
			&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 0x77, Seq: seq}, gopacket.Payload(ping))
		b.add(17*ms+jitter(seq)*us, eth(macGW, macA, layers.EthernetTypeIPv4), ip4(ipWeb, ipA, layers.IPProtocolICMPv4, 0x6000+seq),
			&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoReply, 0), Id: 0x77, Seq: seq}, gopacket.Payload(ping))
	}
	// A UDP datagram to a closed port and the ICMP error quoting it.
	probe := []byte("hello")
	udpIP := ip4(ipA, ipB, layers.IPProtocolUDP, 0x7001)
	udpL := &layers.UDP{SrcPort: 50000, DstPort: 33434}
	b.add(5*ms, eth(macA, macB, layers.EthernetTypeIPv4), udpIP, udpL, gopacket.Payload(probe))
	quoted := b.pkts[len(b.pkts)-1].Data[14 : 14+20+8+len(probe)]
	b.add(120*us, eth(macB, macA, layers.EthernetTypeIPv4), ip4(ipB, ipA, layers.IPProtocolICMPv4, 0x7101),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodePort)},
		gopacket.Payload(append([]byte(nil), quoted...)))

	// IPv6 neighbour discovery and echo.
	solicited := net.ParseIP("ff02::1:ff00:b")
	b.add(3*ms, eth(macA, net.HardwareAddr{0x33, 0x33, 0xff, 0x00, 0x00, 0x0b}, layers.EthernetTypeIPv6),
		&layers.IPv6{Version: 6, HopLimit: 255, NextHeader: layers.IPProtocolICMPv6, SrcIP: ip6A, DstIP: solicited},
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborSolicitation, 0)},
		&layers.ICMPv6NeighborSolicitation{TargetAddress: ip6B, Options: layers.ICMPv6Options{
			{Type: layers.ICMPv6OptSourceAddress, Data: macA}}})
	b.add(400*us, eth(macB, macA, layers.EthernetTypeIPv6),
		&layers.IPv6{Version: 6, HopLimit: 255, NextHeader: layers.IPProtocolICMPv6, SrcIP: ip6B, DstIP: ip6A},
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborAdvertisement, 0)},
		&layers.ICMPv6NeighborAdvertisement{Flags: 0x60, TargetAddress: ip6B, Options: layers.ICMPv6Options{
			{Type: layers.ICMPv6OptTargetAddress, Data: macB}}})
	for seq := uint16(1); seq <= 2; seq++ {
		b.add(1*ms, eth(macA, macB, layers.EthernetTypeIPv6), ip6(ip6A, ip6B, layers.IPProtocolICMPv6),
			&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeEchoRequest, 0)},
			&layers.ICMPv6Echo{Identifier: 0x99, SeqNumber: seq}, gopacket.Payload(ping))
		b.add(210*us, eth(macB, macA, layers.EthernetTypeIPv6), ip6(ip6B, ip6A, layers.IPProtocolICMPv6),
			&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeEchoReply, 0)},
			&layers.ICMPv6Echo{Identifier: 0x99, SeqNumber: seq}, gopacket.Payload(ping))
	}

	// A TCP handshake over IPv6 that is refused.
	b.add(4*ms, eth(macA, macGW, layers.EthernetTypeIPv6), ip6(ip6A, ip6Web, layers.IPProtocolTCP),
		tcp(45100, 443, 777, 0, true, false, false, false, 64800))
	rst := tcp(443, 45100, 0, 778, false, true, false, false, 0)
	rst.RST = true
	b.add(22*ms, eth(macGW, macA, layers.EthernetTypeIPv6), ip6(ip6Web, ip6A, layers.IPProtocolTCP), rst)

	// An 802.1Q-tagged UDP datagram (syslog) and an NTP client request.
	b.add(7*ms, eth(macB, macGW, layers.EthernetTypeDot1Q),
		&layers.Dot1Q{VLANIdentifier: 42, Type: layers.EthernetTypeIPv4},
		ip4(ipB, ipGW, layers.IPProtocolUDP, 0x8001), &layers.UDP{SrcPort: 514, DstPort: 514},
		gopacket.Payload([]byte("<13>Mar  1 12:00:00 host snare: sample syslog line")))
	ntp := make([]byte, 48)
	ntp[0] = 0x23 // LI 0, version 4, mode 3 (client)
	binary.BigEndian.PutUint32(ntp[40:], 3918196800)
	b.add(2*ms, eth(macA, macGW, layers.EthernetTypeIPv4), ip4(ipA, ipGW, layers.IPProtocolUDP, 0x9001),
		&layers.UDP{SrcPort: 123, DstPort: 123}, gopacket.Payload(ntp))

	// A gratuitous ARP and one broadcast UDP datagram to an unknown port to end with.
	b.add(30*ms, eth(macB, bcast, layers.EthernetTypeARP), &layers.ARP{
		AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: macB, SourceProtAddress: ipB,
		DstHwAddress: make([]byte, 6), DstProtAddress: ipB,
	})
	b.add(1*ms, eth(macB, bcast, layers.EthernetTypeIPv4), ip4(ipB, net.IPv4bcast.To4(), layers.IPProtocolUDP, 0xa001),
		&layers.UDP{SrcPort: 40404, DstPort: 5000}, gopacket.Payload([]byte("snare sample broadcast")))
	return b.pkts
}

// jitter varies the reply times a little, deterministically.
func jitter(n uint16) time.Duration { return time.Duration(n) * 37 }

// WritePcap writes packets as a little-endian microsecond pcap file with
// link type Ethernet and snap length 262144.
func WritePcap(w io.Writer, pkts []Packet) error {
	var hdr [24]byte
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	for _, p := range pkts {
		var rec [16]byte
		binary.LittleEndian.PutUint32(rec[0:], uint32(p.Time.Unix()))
		binary.LittleEndian.PutUint32(rec[4:], uint32(p.Time.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(p.Data)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(p.Data)))
		if _, err := w.Write(rec[:]); err != nil {
			return err
		}
		if _, err := w.Write(p.Data); err != nil {
			return err
		}
	}
	return nil
}
