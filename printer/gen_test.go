package printer

import (
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// go test ./printer -run TestGenerateCaptures -gen rewrites testdata/*.pcap.
var genFlag = flag.Bool("gen", false, "regenerate the test captures under testdata/")

type capPkt struct {
	data []byte
	orig int // wire length; 0 means len(data)
	snap int // captured length; 0 means len(data)
}

// pcapBytes builds a classic little-endian pcap file.
func pcapBytes(linktype uint32, pkts []capPkt) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, 0xa1b2c3d4)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 4)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 65535)
	b = binary.LittleEndian.AppendUint32(b, linktype)
	sec, usec := uint32(1700000000), uint32(0)
	for _, p := range pkts {
		usec += 137
		d := p.data
		orig := len(d)
		if p.orig != 0 {
			orig = p.orig
		}
		if p.snap != 0 && p.snap < len(d) {
			d = d[:p.snap]
		}
		b = binary.LittleEndian.AppendUint32(b, sec)
		b = binary.LittleEndian.AppendUint32(b, usec)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(d)))
		b = binary.LittleEndian.AppendUint32(b, uint32(orig))
		b = append(b, d...)
	}
	return b
}

var (
	macA = []byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	macB = []byte{0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb}
	ip4A = []byte{10, 0, 0, 1}
	ip4B = []byte{192, 168, 1, 20}
	ip6A = []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
	ip6B = []byte{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55}
)

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func u16(v int) []byte { return []byte{byte(v >> 8), byte(v)} }
func u32(v uint32) []byte {
	return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

func eth(dst, src []byte, typ int, payload []byte) []byte {
	b := cat(dst, src, u16(typ), payload)
	for len(b) < 60 {
		b = append(b, 0)
	}
	return b
}

func vlan(tci, typ int, payload []byte) []byte { return cat(u16(tci), u16(typ), payload) }

func csum(parts ...[]byte) uint16 {
	var s uint32
	for _, p := range parts {
		s = cksumAdd(s, p)
	}
	return cksumFold(s)
}

type ip4opt struct {
	id, frag, ttl, tos int
	opts               []byte
	badSum             bool
	proto              int
}

func ipv4(o ip4opt, src, dst []byte, payload []byte) []byte {
	hl := 20 + len(o.opts)
	h := cat([]byte{byte(0x40 | hl/4), byte(o.tos)}, u16(hl+len(payload)), u16(o.id), u16(o.frag),
		[]byte{byte(o.ttl), byte(o.proto)}, u16(0), src, dst, o.opts)
	s := csum(h)
	if o.badSum {
		s ^= 0x1234
	}
	binary.BigEndian.PutUint16(h[10:], s)
	return cat(h, payload)
}

func pseudo4(src, dst []byte, proto, l int) []byte {
	return cat(src, dst, []byte{0, byte(proto)}, u16(l))
}

func pseudo6(src, dst []byte, proto, l int) []byte {
	return cat(src, dst, u32(uint32(l)), []byte{0, 0, 0, byte(proto)})
}

func ipv6(nh, hlim int, src, dst, payload []byte) []byte {
	return cat([]byte{0x60, 0, 0, 0}, u16(len(payload)), []byte{byte(nh), byte(hlim)}, src, dst, payload)
}

func tcpSeg(sport, dport int, seq, ack uint32, flags byte, win int, opts, data []byte, pseudo func(int) []byte, bad bool) []byte {
	hl := 20 + len(opts)
	h := cat(u16(sport), u16(dport), u32(seq), u32(ack), []byte{byte(hl / 4 << 4), flags}, u16(win), u16(0), u16(0), opts, data)
	s := csum(pseudo(len(h)), h)
	if bad {
		s ^= 0x0101
	}
	binary.BigEndian.PutUint16(h[16:], s)
	return h
}

func udpDgram(sport, dport int, data []byte, pseudo func(int) []byte, bad bool) []byte {
	h := cat(u16(sport), u16(dport), u16(8+len(data)), u16(0), data)
	if pseudo != nil {
		s := csum(pseudo(len(h)), h)
		if s == 0 {
			s = 0xffff
		}
		if bad {
			s ^= 0x0101
		}
		binary.BigEndian.PutUint16(h[6:], s)
	}
	return h
}

func icmpMsg(typ, code int, rest, data []byte) []byte {
	h := cat([]byte{byte(typ), byte(code)}, u16(0), rest, data)
	binary.BigEndian.PutUint16(h[2:], csum(h))
	return h
}

func icmp6Msg(src, dst []byte, typ, code int, body []byte) []byte {
	h := cat([]byte{byte(typ), byte(code)}, u16(0), body)
	binary.BigEndian.PutUint16(h[2:], csum(pseudo6(src, dst, 58, len(h)), h))
	return h
}

func p4(src, dst []byte, proto int) func(int) []byte {
	return func(l int) []byte { return pseudo4(src, dst, proto, l) }
}

func p6(src, dst []byte, proto int) func(int) []byte {
	return func(l int) []byte { return pseudo6(src, dst, proto, l) }
}

func tcp4(o ip4opt, src, dst []byte, sport, dport int, seq, ack uint32, flags byte, win int, opts, data []byte) []byte {
	o.proto = 6
	if o.ttl == 0 {
		o.ttl = 64
	}
	return eth(macB, macA, 0x0800, ipv4(o, src, dst, tcpSeg(sport, dport, seq, ack, flags, win, opts, data, p4(src, dst, 6), false)))
}

func udp4(src, dst []byte, sport, dport int, data []byte) []byte {
	return ipv4(ip4opt{proto: 17, ttl: 64, id: 777}, src, dst, udpDgram(sport, dport, data, p4(src, dst, 17), false))
}

// dnsName encodes a name as labels.
func dnsName(s string) []byte {
	var b []byte
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if i > start {
				b = append(b, byte(i-start))
				b = append(b, s[start:i]...)
			}
			start = i + 1
		}
	}
	return append(b, 0)
}

func dnsQuery(id int, name string, qtype int) []byte {
	return cat(u16(id), u16(0x0100), u16(1), u16(0), u16(0), u16(0), dnsName(name), u16(qtype), u16(1))
}

func dnsResponse() []byte {
	// example.com A, with a CNAME, two A records, an AAAA, an MX and an
	// NS/AR section, using compression pointers to offset 12.
	q := cat(u16(0x1234), u16(0x8180), u16(1), u16(5), u16(1), u16(2), dnsName("www.example.com"), u16(1), u16(1))
	ptr := []byte{0xc0, 12}
	rr := func(name []byte, typ int, ttl uint32, rdata []byte) []byte {
		return cat(name, u16(typ), u16(1), u32(ttl), u16(len(rdata)), rdata)
	}
	ans := cat(
		rr(ptr, 5, 300, cat([]byte{3}, []byte("web"), []byte{0xc0, 16})),
		rr(ptr, 1, 60, []byte{93, 184, 216, 34}),
		rr(ptr, 1, 60, []byte{93, 184, 216, 35}),
		rr(ptr, 28, 3600, ip6A),
		rr([]byte{0xc0, 16}, 15, 86400, cat(u16(10), []byte{4}, []byte("mail"), []byte{0xc0, 16})),
		rr([]byte{0xc0, 16}, 2, 86400, cat([]byte{3}, []byte("ns1"), []byte{0xc0, 16})),
		rr(cat([]byte{3}, []byte("ns1"), []byte{0xc0, 16}), 1, 86400, []byte{192, 0, 2, 53}),
		cat([]byte{0}, u16(41), u16(1232), u32(0x00008000), u16(0)),
	)
	return cat(q, ans)
}

func dhcp(op int, msgType byte, yiaddr []byte) []byte {
	return dhcpOpts(op, yiaddr, []byte{53, 1, msgType, 55, 3, 1, 3, 6, 255})
}

func dhcpOpts(op int, yiaddr, opts []byte) []byte {
	b := make([]byte, 236)
	b[0], b[1], b[2] = byte(op), 1, 6
	copy(b[4:], u32(0xdeadbeef))
	copy(b[16:], yiaddr)
	copy(b[28:], macA)
	b = append(b, 99, 130, 83, 99)
	return append(b, opts...)
}

func ntpPkt(mode byte) []byte {
	b := make([]byte, 48)
	b[0] = 4<<3 | mode
	b[1], b[2], b[3] = 2, 6, 0xe9
	copy(b[12:], []byte{192, 0, 2, 1})
	copy(b[40:], u32(0xe8f7a000))
	return b
}

func captures() map[string]struct {
	lt   uint32
	pkts []capPkt
} {
	type c = capPkt
	m := map[string]struct {
		lt   uint32
		pkts []capPkt
	}{}
	add := func(name string, lt uint32, pkts ...capPkt) {
		m[name] = struct {
			lt   uint32
			pkts []capPkt
		}{lt, pkts}
	}
	synOpts := cat([]byte{2, 4, 0x05, 0xb4, 4, 2, 8, 10}, u32(12345), u32(0), []byte{1, 3, 3, 7})
	tsOpts := cat([]byte{1, 1, 8, 10}, u32(12400), u32(12345))
	sackOpts := cat([]byte{1, 1, 5, 18}, u32(1000+2000), u32(1000+3000), u32(1000+4000), u32(1000+5000))
	add("tcp", 1,
		c{data: tcp4(ip4opt{id: 1, frag: 0x4000}, ip4A, ip4B, 43210, 443, 1000, 0, 0x02, 64240, synOpts, nil)},
		c{data: tcp4(ip4opt{id: 0, frag: 0x4000}, ip4B, ip4A, 443, 43210, 50000, 1001, 0x12, 65160, synOpts, nil)},
		c{data: tcp4(ip4opt{id: 2, frag: 0x4000}, ip4A, ip4B, 43210, 443, 1001, 50001, 0x10, 502, tsOpts, nil)},
		c{data: tcp4(ip4opt{id: 3, frag: 0x4000}, ip4A, ip4B, 43210, 443, 1001, 50001, 0x18, 502, tsOpts, []byte("hello, world\n"))},
		c{data: tcp4(ip4opt{id: 4, frag: 0x4000}, ip4B, ip4A, 443, 43210, 50001, 1014, 0x10, 509, sackOpts, nil)},
		c{data: tcp4(ip4opt{id: 5, frag: 0x4000, tos: 0x02}, ip4A, ip4B, 43210, 443, 1014, 50001, 0x11, 502, nil, nil)},
		c{data: tcp4(ip4opt{id: 6}, ip4B, ip4A, 443, 43210, 50001, 1015, 0x14, 0, nil, []byte("reset"))},
		c{data: tcp4(ip4opt{id: 7}, ip4A, ip4B, 1234, 80, 7, 9, 0xe9, 100, []byte{99, 3, 1, 254, 4, 0x12, 0x34}, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))},
		c{data: tcp4(ip4opt{id: 8}, ip4B, ip4A, 25, 40000, 70, 80, 0x18, 100, nil, []byte("220 mail ESMTP ready\r\n"))},
		c{data: tcp4(ip4opt{id: 9}, ip4A, ip4B, 40000, 25, 80, 92, 0x00, 100, []byte{3, 3, 14, 0}, nil)},
		c{data: tcp4(ip4opt{id: 10}, ip4A, ip4B, 40001, 22, 1, 2, 0x18, 100, nil, make([]byte, 100)), snap: 60},
		c{data: func() []byte {
			f := tcp4(ip4opt{id: 11}, ip4A, ip4B, 40002, 8080, 1, 2, 0x18, 100, nil, []byte("HTTP/1.1 200 OK\r\n"))
			f[14+20+16] ^= 0xff // bad TCP checksum
			return f
		}()},
		c{data: tcp4(ip4opt{id: 12}, ip4A, ip4B, 40003, 3306, 1, 2, 0x10, 100, nil, nil), snap: 40},
		c{data: tcp4(ip4opt{id: 13}, ip4A, ip4B, 40003, 53, 1, 2, 0x18, 100, nil, cat(u16(29), dnsQuery(77, "example.org", 1)))},
	)
	// IPv4 options, fragments, bad header checksum, other protocols
	rr := cat([]byte{1, 7, 11, 4}, make([]byte, 8), []byte{0})
	ts := cat([]byte{68, 12, 9, 1}, []byte{10, 0, 0, 1}, u32(5000))
	ra := []byte{148, 4, 0, 0}
	add("ipv4", 1,
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 100, ttl: 1, proto: 17, opts: cat(rr, ra)}, ip4A, ip4B, udpDgram(5000, 5001, []byte("opts"), nil, false)))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 101, ttl: 64, proto: 17, frag: 0x2000}, ip4A, ip4B, udpDgram(5000, 5002, make([]byte, 40), nil, false)[:24]))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 101, ttl: 64, proto: 17, frag: 3}, ip4A, ip4B, make([]byte, 32)))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 102, ttl: 64, proto: 1, badSum: true}, ip4A, ip4B, icmpMsg(8, 0, cat(u16(9), u16(1)), []byte("ping"))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 103, ttl: 64, proto: 253, tos: 0xc0}, ip4A, ip4B, make([]byte, 24)))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 104, ttl: 64, proto: 4}, ip4A, ip4B, udp4(ip4B, ip4A, 7, 9, []byte("ipip"))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 105, ttl: 64, proto: 17}, ip4A, ip4B, udpDgram(5000, 5001, make([]byte, 64), nil, false))), snap: 30},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 106, ttl: 64, proto: 17, opts: ts}, ip4A, ip4B, udpDgram(5000, 5003, []byte("ts"), nil, false)))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 107, ttl: 64, proto: 6, opts: []byte{7, 3, 4, 0}}, ip4A, ip4B, tcpSeg(1, 2, 3, 4, 0x02, 5, nil, nil, p4(ip4A, ip4B, 6), false)))},
		c{data: eth(macB, macA, 0x0800, []byte{0x45, 0, 0, 10, 0, 0})},
		c{data: eth(macB, macA, 0x0800, []byte{0x46, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x44})},
		c{data: eth(macB, macA, 0x0800, cat([]byte{0x55}, make([]byte, 30)))},
	)
	add("udp", 1,
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 40000, 9999, []byte("some data")))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{proto: 17, ttl: 64}, ip4A, ip4B, udpDgram(40000, 9999, []byte("bad sum"), p4(ip4A, ip4B, 17), true)))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{proto: 17, ttl: 64}, ip4A, ip4B, udpDgram(40000, 9999, []byte("no sum"), nil, false)))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{proto: 17, ttl: 64}, ip4A, ip4B, cat(u16(1), u16(2), u16(100), u16(0), []byte("short"))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{proto: 17, ttl: 64}, ip4A, ip4B, cat(u16(1), u16(2), u16(4), u16(0))))},
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 40000, 514, []byte("<13>Nov 22 hello")))},
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 40000, 514, []byte("junk")))},
		// SNMP that is not a message: an OID alone, and a sequence whose
		// version is not an integer (seen in the bench corpus).
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 40000, 161, []byte{0x06, 0x05, 0x2b, 0x06, 0x01, 0x82, 0x03}))},
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 40000, 161, []byte{0x30, 0x05, 0x04, 0x03, 0xaa, 0xbb, 0xcc, 0x00}))},
	)
	add("icmp", 1,
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 1, ttl: 64, proto: 1}, ip4A, ip4B, icmpMsg(8, 0, cat(u16(4242), u16(1)), make([]byte, 56))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 2, ttl: 64, proto: 1}, ip4B, ip4A, icmpMsg(0, 0, cat(u16(4242), u16(1)), make([]byte, 56))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 3, ttl: 64, proto: 1}, ip4B, ip4A, icmpMsg(3, 3, u32(0), udp4(ip4A, ip4B, 40000, 33434, make([]byte, 12)))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 4, ttl: 64, proto: 1}, ip4B, ip4A, icmpMsg(3, 1, u32(0), udp4(ip4A, ip4B, 40000, 33434, make([]byte, 12)))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 5, ttl: 64, proto: 1}, ip4B, ip4A, icmpMsg(3, 4, u32(1400), udp4(ip4A, ip4B, 40000, 33434, make([]byte, 12)))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 6, ttl: 64, proto: 1}, ip4B, ip4A, icmpMsg(11, 0, u32(0), udp4(ip4A, ip4B, 40000, 33435, make([]byte, 12)))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 7, ttl: 64, proto: 1}, ip4B, ip4A, icmpMsg(3, 3, u32(0), ipv4(ip4opt{ttl: 3, proto: 6}, ip4A, ip4B, make([]byte, 20)))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 8, ttl: 64, proto: 1}, ip4B, ip4A, icmpMsg(13, 0, cat(u16(1), u16(2)), make([]byte, 12))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 9, ttl: 64, proto: 1}, ip4B, ip4A, func() []byte {
			m := icmpMsg(8, 0, cat(u16(1), u16(2)), []byte("x"))
			m[2] ^= 1
			return m
		}()))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{id: 10, ttl: 64, proto: 1}, ip4B, ip4A, icmpMsg(5, 1, []byte{10, 0, 0, 254}, udp4(ip4A, ip4B, 1, 2, nil))))},
	)
	arp := func(op int, sha, spa, tha, tpa []byte) []byte {
		return cat(u16(1), u16(0x0800), []byte{6, 4}, u16(op), sha, spa, tha, tpa)
	}
	add("arp", 1,
		c{data: eth([]byte{255, 255, 255, 255, 255, 255}, macA, 0x0806, arp(1, macA, ip4A, make([]byte, 6), ip4B))},
		c{data: eth(macA, macB, 0x0806, arp(2, macB, ip4B, macA, ip4A))},
		c{data: eth(macA, macB, 0x0806, arp(1, macB, ip4B, macA, ip4A))},
		c{data: eth(macA, macB, 0x8035, arp(3, macB, make([]byte, 4), macB, make([]byte, 4)))},
		c{data: eth(macA, macB, 0x8035, arp(4, macA, ip4A, macB, ip4B))},
		c{data: eth(macA, macB, 0x0806, cat(u16(6), u16(0x0800), []byte{6, 4}, u16(1), macB, ip4B, macA, ip4A))},
		c{data: eth(macA, macB, 0x0806, arp(1, macB, ip4B, macA, ip4A)[:20]), snap: 34},
	)
	hbh := cat([]byte{58, 0, 5, 2, 0, 0, 1, 0})
	frag := cat([]byte{17, 0}, u16(0|1), u32(0xabcd))
	ns := icmp6Msg(ip6B, ip6A, 135, 0, cat(u32(0), ip6A, []byte{1, 1}, macA))
	na := icmp6Msg(ip6A, ip6B, 136, 0, cat([]byte{0x60, 0, 0, 0}, ip6A, []byte{2, 1}, macB))
	add("ipv6", 1,
		c{data: eth(macB, macA, 0x86dd, ipv6(6, 64, ip6A, ip6B, tcpSeg(443, 50000, 5, 6, 0x12, 1000, synOpts, nil, p6(ip6A, ip6B, 6), false)))},
		c{data: eth(macB, macA, 0x86dd, ipv6(17, 64, ip6A, ip6B, udpDgram(5353, 5353, dnsQuery(0, "printer.local", 12), p6(ip6A, ip6B, 17), false)))},
		c{data: eth(macB, macA, 0x86dd, ipv6(58, 255, ip6B, ip6A, ns))},
		c{data: eth(macB, macA, 0x86dd, ipv6(58, 255, ip6A, ip6B, na))},
		c{data: eth(macB, macA, 0x86dd, ipv6(58, 64, ip6A, ip6B, icmp6Msg(ip6A, ip6B, 128, 0, cat(u16(7), u16(3), []byte("abcdefgh")))))},
		c{data: eth(macB, macA, 0x86dd, ipv6(58, 64, ip6B, ip6A, icmp6Msg(ip6B, ip6A, 129, 0, cat(u16(7), u16(3), []byte("abcdefgh")))))},
		c{data: eth(macB, macA, 0x86dd, ipv6(0, 1, ip6A, ip6B, cat(hbh, icmp6Msg(ip6A, ip6B, 143, 0, make([]byte, 4)))))},
		c{data: eth(macB, macA, 0x86dd, ipv6(44, 64, ip6A, ip6B, cat(frag, udpDgram(1, 2, make([]byte, 16), nil, false))))},
		c{data: eth(macB, macA, 0x86dd, ipv6(58, 64, ip6B, ip6A, icmp6Msg(ip6B, ip6A, 1, 4, cat(u32(0), ipv6(17, 64, ip6A, ip6B, udpDgram(1000, 33434, nil, nil, false))))))},
		c{data: eth(macB, macA, 0x86dd, ipv6(58, 64, ip6B, ip6A, icmp6Msg(ip6B, ip6A, 2, 0, cat(u32(1280), ipv6(17, 64, ip6A, ip6B, nil)))))},
		c{data: eth(macB, macA, 0x86dd, ipv6(58, 64, ip6B, ip6A, icmp6Msg(ip6B, ip6A, 3, 0, cat(u32(0), ipv6(17, 64, ip6A, ip6B, nil)))))},
		c{data: eth(macB, macA, 0x86dd, ipv6(58, 255, ip6B, ip6A, icmp6Msg(ip6B, ip6A, 133, 0, cat(u32(0), []byte{1, 1}, macA))))},
		c{data: eth(macB, macA, 0x86dd, ipv6(6, 64, ip6A, ip6B, make([]byte, 20))), snap: 60},
		c{data: eth(macB, macA, 0x86dd, ipv6(60, 64, ip6A, ip6B, cat([]byte{59, 0, 1, 4, 0, 0, 0, 0})))},
		c{data: eth(macB, macA, 0x86dd, ipv6(6, 64, ip6B, ip6A, tcpSeg(50000, 443, 900, 6, 0x10, 1000, nil, nil, p6(ip6B, ip6A, 6), false)))},
		c{data: eth(macB, macA, 0x86dd, ipv6(6, 64, ip6B, ip6A, tcpSeg(50000, 443, 900, 6, 0x18, 1000, nil, []byte("data"), p6(ip6B, ip6A, 6), false)))},
		c{data: eth(macB, macA, 0x86dd, ipv6(6, 64, ip6A, ip6B, tcpSeg(443, 50000, 6, 904, 0x10, 1000, nil, nil, p6(ip6A, ip6B, 6), true)))},
		c{data: eth(macB, macA, 0x86dd, ipv6(43, 64, ip6A, ip6B, cat([]byte{17, 2, 0, 1}, u32(0), ip6B, udpDgram(7, 8, []byte("rt"), nil, false))))},
		c{data: eth(macB, macA, 0x86dd, ipv6(58, 255, ip6B, ip6A, icmp6Msg(ip6B, ip6A, 134, 0, cat([]byte{64, 0xc0}, u16(1800), u32(0), u32(0), []byte{1, 1}, macB, []byte{5, 1, 0, 0}, u32(1500),
			[]byte{3, 4, 64, 0xc0}, u32(86400), u32(14400), u32(0), ip6A))))},
		c{data: eth(macB, macA, 0x86dd, ipv6(58, 64, ip6B, ip6A, icmp6Msg(ip6B, ip6A, 4, 1, cat(u32(40), ipv6(17, 64, ip6A, ip6B, nil)))))},
	)
	add("dns", 1,
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 53000, 53, dnsQuery(0x1234, "www.example.com", 1)))},
		c{data: eth(macA, macB, 0x0800, udp4(ip4B, ip4A, 53, 53000, dnsResponse()))},
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 53001, 53, dnsQuery(2, "example.com", 28)))},
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 53002, 53, dnsQuery(3, "20.1.168.192.in-addr.arpa", 12)))},
		c{data: eth(macA, macB, 0x0800, udp4(ip4B, ip4A, 53, 53002, cat(u16(3), u16(0x8183), u16(1), u16(0), u16(0), u16(0), dnsName("nope.example"), u16(1), u16(1))))},
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 53003, 53, dnsQuery(4, "example.com", 15)[:20]))},
		c{data: eth(macA, macB, 0x0800, udp4(ip4B, ip4A, 53, 53000, dnsResponse())), snap: 120},
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 53004, 53, cat(u16(5), u16(0x0100), u16(1), u16(0), u16(0), u16(0), dnsName("txt.example"), u16(16), u16(3))))},
	)
	add("dhcp", 1,
		c{data: eth([]byte{255, 255, 255, 255, 255, 255}, macA, 0x0800, udp4([]byte{0, 0, 0, 0}, []byte{255, 255, 255, 255}, 68, 67, dhcp(1, 1, make([]byte, 4))))},
		c{data: eth(macA, macB, 0x0800, udp4(ip4B, ip4A, 67, 68, dhcp(2, 2, ip4A)))},
		c{data: eth([]byte{255, 255, 255, 255, 255, 255}, macA, 0x0800, udp4([]byte{0, 0, 0, 0}, []byte{255, 255, 255, 255}, 68, 67, dhcp(1, 3, make([]byte, 4))))},
		c{data: eth(macA, macB, 0x0800, udp4(ip4B, ip4A, 67, 68, dhcp(2, 5, ip4A)))},
		// Padding, an option without a name, the end, and padding after it.
		c{data: eth(macA, macB, 0x0800, udp4(ip4B, ip4A, 67, 68, dhcpOpts(2, ip4A, []byte{0, 53, 1, 5, 0, 0, 0, 200, 3, 1, 2, 3, 201, 2, 9, 9, 255, 0, 0})))},
	)
	add("ntp", 1,
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 123, 123, ntpPkt(3)))},
		c{data: eth(macA, macB, 0x0800, udp4(ip4B, ip4A, 123, 123, ntpPkt(4)))},
		c{data: eth(macA, macB, 0x0800, udp4(ip4B, ip4A, 123, 40000, ntpPkt(5)))},
		c{data: eth(macA, macB, 0x0800, udp4(ip4B, ip4A, 123, 40000, nil))},
	)
	inner := eth(macA, macB, 0x0800, udp4(ip4A, ip4B, 1111, 2222, []byte("inner")))
	add("tunnels", 1,
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{ttl: 64, proto: 47}, ip4A, ip4B, cat(u16(0), u16(0x0800), udp4(ip4A, ip4B, 1, 2, []byte("gre")))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{ttl: 64, proto: 47}, ip4A, ip4B, cat(u16(0x3000), u16(0x86dd), u32(99), u32(7), ipv6(59, 64, ip6A, ip6B, nil))))},
		c{data: eth(macB, macA, 0x0800, ipv4(ip4opt{ttl: 64, proto: 47}, ip4A, ip4B, cat(u16(0x2000), u16(0x6558), u32(5), inner)))},
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 50000, 4789, cat([]byte{8, 0, 0, 0}, u32(4242<<8), inner)))},
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 50000, 6081, cat([]byte{0, 0}, u16(0x6558), u32(77<<8), inner)))},
		c{data: eth(macB, macA, 0x0800, udp4(ip4A, ip4B, 50000, 6081, cat([]byte{2, 0x40}, u16(0x0800), u32(78<<8), cat(u16(0x0103), []byte{0x80, 1}, u32(0xdeadbeef)), udp4(ip4A, ip4B, 3, 4, nil))))},
		c{data: eth(macB, macA, 0x8847, cat(u32(100<<12|0x40), u32(200<<12|0x100|0x3f), udp4(ip4A, ip4B, 5, 6, []byte("mpls"))))},
		c{data: eth(macB, macA, 0x8847, cat(u32(2<<12|0x100|0x3f), ipv6(59, 64, ip6A, ip6B, nil)))},
	)
	tag := func(t int, v []byte) []byte { return cat(u16(t), u16(len(v)), v) }
	padi := cat(tag(0x101, nil), tag(0x103, []byte{1, 2, 3, 4}))
	pado := cat(tag(0x101, nil), tag(0x102, []byte("access-concentrator")), tag(0x104, []byte{9, 8, 7, 6, 5, 4, 3, 2}))
	pppIP := cat(u16(0x0021), udp4(ip4A, ip4B, 7, 8, []byte("ppp")))
	add("pppoe", 1,
		c{data: eth([]byte{255, 255, 255, 255, 255, 255}, macA, 0x8863, cat([]byte{0x11, 0x09}, u16(0), u16(len(padi)), padi))},
		c{data: eth(macA, macB, 0x8863, cat([]byte{0x11, 0x07}, u16(0), u16(len(pado)), pado))},
		c{data: eth(macB, macA, 0x8863, cat([]byte{0x11, 0x65}, u16(0x11), u16(0)))},
		c{data: eth(macB, macA, 0x8864, cat([]byte{0x11, 0x00}, u16(0x11), u16(len(pppIP)), pppIP))},
		c{data: eth(macB, macA, 0x8863, cat([]byte{0x11, 0xa7}, u16(0x11), u16(0)))},
	)
	add("vlan", 1,
		c{data: eth(macB, macA, 0x8100, vlan(100, 0x0800, udp4(ip4A, ip4B, 1, 2, []byte("vlan"))))},
		c{data: eth(macB, macA, 0x88a8, vlan(0x2000|10, 0x8100, vlan(0x1000|20, 0x0806, cat(u16(1), u16(0x0800), []byte{6, 4}, u16(1), macA, ip4A, make([]byte, 6), ip4B))))},
		c{data: eth(macB, macA, 0x88b5, []byte("local experimental ethertype payload"))},
		c{data: macA, snap: 6},
	)
	// 802.3 frames with LLC: spanning tree, SNAP, and the generic LLC
	// frame kinds.
	dot3 := func(llc ...[]byte) []byte { p := cat(llc...); return eth(macB, macA, len(p), p) }
	bridge := []byte{0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}
	root := []byte{0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01}
	timers := cat(u16(256), u16(20*256), u16(2*256+64), u16(15*256+3))
	rstp := cat(u16(0), []byte{2, 2, 0x3e}, root, u32(20000), bridge, u16(0x8001), timers, []byte{0})
	mcid := cat([]byte{0}, []byte("region-one"), make([]byte, 22), u16(7), []byte("0123456789abcdef"))
	msti := cat([]byte{0x7c}, u16(0x8005), []byte{0, 0, 0, 0, 0, 0}, u32(200), []byte{0x80, 0x90, 19})
	mstp := cat(u16(0), []byte{3, 2, 0x7c}, root, u32(0), bridge, u16(0x8002), timers, []byte{0},
		u16(64+16), mcid, u32(2000), bridge, []byte{20}, msti)
	add("llc", 1,
		c{data: eth(macB, macA, 0x0026, cat([]byte{0x42, 0x42, 0x03}, make([]byte, 35)))},
		c{data: eth(macB, macA, 0x0010, cat([]byte{0xf0, 0xf0, 0x03}, []byte("netbeui-ish")))},
		c{data: dot3([]byte{0x42, 0x42, 0x03}, rstp)},
		c{data: dot3([]byte{0x42, 0x42, 0x03}, u16(0), []byte{0, 0x80})},
		c{data: dot3([]byte{0x42, 0x42, 0x03}, mstp)},
		c{data: dot3([]byte{0x43, 0x42, 0x03}, u16(0), []byte{0, 0, 0x81}, root, u32(4), bridge, u16(0x8003), timers)},
		c{data: dot3([]byte{0x42, 0x42, 0x03}, u16(0x1234), []byte{0, 0})},
		c{data: dot3([]byte{0x42, 0x42, 0x03}, u16(0), []byte{9, 0})},
		c{data: dot3([]byte{0xaa, 0xaa, 0x03, 0, 0, 0}, u16(0x0800), udp4(ip4A, ip4B, 1000, 2000, []byte("snap")))},
		c{data: dot3([]byte{0xaa, 0xaa, 0x03, 0, 0, 0}, u16(0x88b5), []byte("local experimental"))},
		c{data: dot3([]byte{0xaa, 0xaa, 0x03, 0, 0, 0x0c}, u16(0x010b), rstp)},
		c{data: dot3([]byte{0xaa, 0xaa, 0x03, 0x12, 0x34, 0x56}, u16(1), []byte("unknown oui"))},
		c{data: dot3([]byte{0xaa, 0xaa, 0x03, 0, 0, 0x0c}, u16(0x9999), []byte("unknown cisco pid"))},
		c{data: dot3([]byte{0x12, 0x34, 0x03}, []byte("unknown saps"))},
		c{data: dot3([]byte{0x12, 0x12, 0x03}, []byte("same unknown sap"))},
		c{data: dot3([]byte{0x00, 0x01, 0xbf, 0x81, 0x01, 0x00})},
		c{data: dot3([]byte{0x00, 0x00, 0xaf})},
		c{data: dot3([]byte{0x04, 0x04, 0xf3}, []byte("test frame"))},
		c{data: dot3([]byte{0x04, 0x04, 0x0a, 0x0c}, []byte("sna information"))},
		c{data: dot3([]byte{0x04, 0x05, 0x01, 0x0b})},
		c{data: dot3([]byte{0x04, 0x04, 0x09, 0x00})},
		c{data: dot3([]byte{0x06, 0x06, 0x03}, udp4(ip4A, ip4B, 3000, 4000, []byte("rfc948")))},
		c{data: dot3([]byte{0xe0, 0xe0})},
		c{data: dot3([]byte{0xaa, 0xaa, 0x03, 0, 0})},
	)
	sllHdr := func(pt, typ int) []byte { return cat(u16(pt), u16(1), u16(6), macA, []byte{0, 0}, u16(typ)) }
	add("sll", 113,
		c{data: cat(sllHdr(0, 0x0800), udp4(ip4A, ip4B, 9, 10, []byte("sll")))},
		c{data: cat(sllHdr(4, 0x86dd), ipv6(58, 64, ip6A, ip6B, icmp6Msg(ip6A, ip6B, 128, 0, cat(u16(1), u16(1)))))},
		c{data: cat(sllHdr(1, 0x0806), cat(u16(1), u16(0x0800), []byte{6, 4}, u16(1), macA, ip4A, make([]byte, 6), ip4B))},
		c{data: cat(sllHdr(3, 0x1234), []byte("unknown"))},
		c{data: cat(sllHdr(0, 0x8100), vlan(5, 0x0800, udp4(ip4A, ip4B, 9, 10, nil)))},
	)
	sll2Hdr := func(ifi uint32, pt byte, typ int) []byte {
		return cat(u16(typ), u16(0), u32(ifi), u16(1), []byte{pt, 6}, macA, []byte{0, 0})
	}
	add("sll2", 276,
		c{data: cat(sll2Hdr(1, 0, 0x0800), udp4(ip4A, ip4B, 9, 10, []byte("sll2")))},
		c{data: cat(sll2Hdr(1, 4, 0x86dd), ipv6(58, 64, ip6A, ip6B, icmp6Msg(ip6A, ip6B, 128, 0, cat(u16(1), u16(1)))))},
		c{data: cat(sll2Hdr(9999, 1, 0x0806), cat(u16(1), u16(0x0800), []byte{6, 4}, u16(1), macA, ip4A, make([]byte, 6), ip4B))},
	)
	add("null", 0,
		c{data: cat([]byte{2, 0, 0, 0}, udp4(ip4A, ip4B, 11, 12, []byte("null")))},
		c{data: cat([]byte{30, 0, 0, 0}, ipv6(58, 64, ip6A, ip6B, icmp6Msg(ip6A, ip6B, 128, 0, cat(u16(1), u16(1)))))},
		c{data: cat([]byte{99, 0, 0, 0}, []byte("what"))},
		c{data: []byte{2, 0}},
	)
	add("raw", 101,
		c{data: udp4(ip4A, ip4B, 11, 12, []byte("raw"))},
		c{data: ipv6(58, 64, ip6A, ip6B, icmp6Msg(ip6A, ip6B, 128, 0, cat(u16(1), u16(1))))},
		c{data: []byte{0x10, 0, 0}},
	)
	return m
}

// TestGenerateCaptures writes the test captures when -gen is given and
// otherwise checks that the committed files match the generator.
func TestGenerateCaptures(t *testing.T) {
	for name, c := range captures() {
		want := pcapBytes(c.lt, c.pkts)
		path := filepath.Join("testdata", name+".pcap")
		if *genFlag {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run go test -run TestGenerateCaptures -gen)", path, err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from the generator; run go test -run TestGenerateCaptures -gen", path)
		}
	}
}
