package filtertest

import (
	"encoding/binary"
	"math/rand"
)

// Realistic base packets: network-layer payloads, wrapped in each link
// type's header. Checksums are not filled in (filters never read them as
// such); lengths and header fields are consistent.

var (
	macA = []byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	macB = []byte{0x02, 0x66, 0x77, 0x88, 0x99, 0xaa}
	macF = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	macM = []byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}
)

func be16(v int) []byte { return []byte{byte(v >> 8), byte(v)} }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 3)
	}
	return b
}

// ipv4 builds an IPv4 header (with optional options) around body.
func ipv4(proto byte, src, dst [4]byte, opts []byte, frag uint16, body []byte) []byte {
	hl := 20 + len(opts)
	h := make([]byte, hl)
	h[0] = 0x40 | byte(hl/4)
	binary.BigEndian.PutUint16(h[2:], uint16(hl+len(body)))
	binary.BigEndian.PutUint16(h[4:], 0x1234)
	binary.BigEndian.PutUint16(h[6:], frag)
	h[8] = 64
	h[9] = proto
	copy(h[12:], src[:])
	copy(h[16:], dst[:])
	copy(h[20:], opts)
	return append(h, body...)
}

// ipv6 builds an IPv6 header around body (next is the first next header).
func ipv6(next byte, src, dst [16]byte, body []byte) []byte {
	h := make([]byte, 40)
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(body)))
	h[6] = next
	h[7] = 64
	copy(h[8:], src[:])
	copy(h[24:], dst[:])
	return append(h, body...)
}

func tcp(sport, dport int, flags byte, body []byte) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], uint16(sport))
	binary.BigEndian.PutUint16(h[2:], uint16(dport))
	binary.BigEndian.PutUint32(h[4:], 0x01020304)
	h[12] = 5 << 4
	h[13] = flags
	binary.BigEndian.PutUint16(h[14:], 8192)
	return append(h, body...)
}

func udp(sport, dport int, body []byte) []byte {
	h := make([]byte, 8)
	binary.BigEndian.PutUint16(h[0:], uint16(sport))
	binary.BigEndian.PutUint16(h[2:], uint16(dport))
	binary.BigEndian.PutUint16(h[4:], uint16(8+len(body)))
	return append(h, body...)
}

func icmp(typ, code byte) []byte { return cat([]byte{typ, code, 0, 0, 0, 1, 0, 1}, payload(24)) }

var (
	ip4a = [4]byte{10, 20, 30, 40}
	ip4b = [4]byte{192, 168, 1, 2}
	ip4m = [4]byte{224, 0, 0, 251}
	ip4f = [4]byte{255, 255, 255, 255}
	ip6a = [16]byte{0xfd, 0x00, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80}
	ip6b = [16]byte{0xfe, 0x80, 15: 1}
	ip6m = [16]byte{0xff, 0x02, 15: 1}
)

// netPayload is a network-layer packet and its Ethernet type.
type netPayload struct {
	etype int
	b     []byte
}

func l3Payloads() []netPayload {
	v4 := func(b []byte) netPayload { return netPayload{0x0800, b} }
	v6 := func(b []byte) netPayload { return netPayload{0x86dd, b} }
	hbh := cat([]byte{6, 0, 1, 4, 0, 0, 0, 0}) // hop-by-hop, next TCP
	frag6 := []byte{17, 0, 0, 0, 0, 0, 0, 1}   // fragment header, next UDP
	arp := func(op int) []byte {
		return cat(be16(1), be16(0x0800), []byte{6, 4}, be16(op), macA, ip4a[:], macB, ip4b[:])
	}
	return []netPayload{
		v4(ipv4(6, ip4a, ip4b, nil, 0x4000, tcp(1234, 80, 0x02, nil))),
		v4(ipv4(6, ip4b, ip4a, nil, 0, tcp(443, 40000, 0x18, payload(40)))),
		v4(ipv4(6, ip4a, ip4b, []byte{1, 1, 1, 0}, 0, tcp(22, 1022, 0x11, payload(8)))),
		v4(ipv4(17, ip4a, ip4m, nil, 0, udp(5353, 5353, payload(30)))),
		v4(ipv4(17, ip4b, ip4f, nil, 0, udp(68, 67, payload(40)))),
		v4(ipv4(17, ip4a, ip4b, nil, 0x2001, udp(53, 53, payload(12)))), // fragment
		v4(ipv4(1, ip4a, ip4b, nil, 0, icmp(8, 0))),
		v4(ipv4(2, ip4a, ip4m, nil, 0, []byte{0x16, 0, 0, 0, 224, 0, 0, 251})),
		v4(ipv4(17, ip4a, ip4b, nil, 0, udp(40000, 4789, cat([]byte{8, 0, 0, 0, 0, 0, 10, 0},
			macB, macA, be16(0x0800), ipv4(6, ip4b, ip4a, nil, 0, tcp(80, 1234, 0x10, nil)))))),
		v4(ipv4(17, ip4a, ip4b, nil, 0, udp(40000, 6081, cat([]byte{0, 0, 0x65, 0x58, 0, 0, 10, 0},
			macB, macA, be16(0x86dd), ipv6(17, ip6a, ip6b, udp(53, 53, payload(4))))))),
		v4(ipv4(50, ip4a, ip4b, nil, 0, payload(32))), // ESP
		v4(ipv4(47, ip4a, ip4b, nil, 0, cat(be16(0), be16(0x0800), ipv4(1, ip4b, ip4a, nil, 0, icmp(0, 0))))),
		v6(ipv6(6, ip6a, ip6b, tcp(5000, 80, 0x02, nil))),
		v6(ipv6(17, ip6b, ip6m, udp(546, 547, payload(20)))),
		v6(ipv6(58, ip6b, ip6m, icmp(135, 0))),
		v6(ipv6(0, ip6a, ip6b, cat(hbh, tcp(80, 5000, 0x12, nil)))),
		v6(ipv6(44, ip6a, ip6b, cat(frag6, udp(1, 2, payload(8))))),
		{0x0806, arp(1)},
		{0x8035, arp(3)},
	}
}

// ethernet wraps a network payload in Ethernet (optionally VLAN/MPLS/
// PPPoE-encapsulated) framing.
func ethernetSeeds() [][]byte {
	var out [][]byte
	for i, p := range l3Payloads() {
		dst := macB
		switch i % 4 {
		case 1:
			dst = macF
		case 2:
			dst = macM
		}
		out = append(out, cat(dst, macA, be16(p.etype), p.b))
		if i%3 == 0 {
			out = append(out, cat(dst, macA, be16(0x8100), be16(10), be16(p.etype), p.b))
		}
		if i%5 == 0 {
			out = append(out, cat(dst, macA, be16(0x88a8), be16(20), be16(0x8100), be16(10), be16(p.etype), p.b))
		}
		if p.etype == 0x0800 && i%2 == 0 {
			out = append(out, cat(dst, macA, be16(0x8847), []byte{0, 0x0a, 0x01, 0x40}, p.b))
			out = append(out, cat(dst, macA, be16(0x8847), []byte{0, 0x14, 0x00, 0x40, 0, 0x0a, 0x01, 0x40}, p.b))
		}
		if p.etype == 0x0800 || p.etype == 0x86dd {
			pppProto := 0x0021
			if p.etype == 0x86dd {
				pppProto = 0x0057
			}
			out = append(out, cat(macB, macA, be16(0x8864), []byte{0x11, 0}, be16(1), be16(len(p.b)+2), be16(pppProto), p.b))
		}
	}
	out = append(out,
		cat(macF, macA, be16(0x8863), []byte{0x11, 0x09, 0, 0}, be16(4), []byte{1, 1, 0, 0}),
		// 802.3 + LLC (STP), 802.3 + SNAP, IPX raw, NetBEUI.
		cat([]byte{0x01, 0x80, 0xc2, 0, 0, 0}, macA, be16(38), []byte{0x42, 0x42, 0x03}, payload(35)),
		cat(macB, macA, be16(48), []byte{0xaa, 0xaa, 0x03, 0, 0, 0}, be16(0x0800), ipv4(1, ip4a, ip4b, nil, 0, icmp(8, 0))),
		cat(macB, macA, be16(40), []byte{0xff, 0xff}, payload(38)),
		cat(macB, macA, be16(40), []byte{0xf0, 0xf0, 0x03}, payload(37)),
		cat(macB, macA, be16(0x6003), payload(40)), // DECnet
		cat(macB, macA, be16(0x809b), payload(40)), // AppleTalk
	)
	return out
}

// Seeds returns base packets for a link type (a DLT_ name without the
// prefix), each with its wire length equal to its length.
func Seeds(dlt string) []Input {
	var pkts [][]byte
	l3 := l3Payloads()
	af := func(p netPayload) (v4 bool) { return p.etype == 0x0800 }
	for _, p := range l3 {
		if p.etype != 0x0800 && p.etype != 0x86dd && dlt != "EN10MB" && dlt != "LINUX_SLL" && dlt != "LINUX_SLL2" && dlt != "C_HDLC" {
			continue
		}
		switch dlt {
		case "EN10MB":
			// below
		case "RAW", "IPV4", "IPV6":
			pkts = append(pkts, p.b)
		case "NULL", "ENC":
			for _, fam := range []uint32{2, 10, 24, 28, 30} {
				if af(p) != (fam == 2) {
					continue
				}
				var h [4]byte
				binary.LittleEndian.PutUint32(h[:], fam)
				var hb [4]byte
				binary.BigEndian.PutUint32(hb[:], fam)
				if dlt == "ENC" {
					pkts = append(pkts, cat(h[:], []byte{0, 0, 1, 0, 0, 0, 0, 1}, p.b), cat(hb[:], []byte{0, 0, 1, 0, 0, 0, 0, 1}, p.b))
				} else {
					pkts = append(pkts, cat(h[:], p.b), cat(hb[:], p.b))
				}
			}
		case "LOOP":
			fam := uint32(2)
			if !af(p) {
				fam = 24
			}
			var h [4]byte
			binary.BigEndian.PutUint32(h[:], fam)
			pkts = append(pkts, cat(h[:], p.b))
			binary.BigEndian.PutUint32(h[:], 28)
			pkts = append(pkts, cat(h[:], p.b))
		case "LINUX_SLL":
			for _, pt := range []int{0, 4} {
				pkts = append(pkts, cat(be16(pt), be16(1), be16(6), macA, []byte{0, 0}, be16(p.etype), p.b))
			}
		case "LINUX_SLL2":
			for _, pt := range []byte{0, 4} {
				pkts = append(pkts, cat(be16(p.etype), be16(0), []byte{0, 0, 0, 3}, be16(1), []byte{pt, 6}, macA, []byte{0, 0}, p.b))
			}
		case "PPP", "PPP_PPPD", "PPP_BSDOS":
			proto := 0x0021
			if !af(p) {
				proto = 0x0057
			}
			if dlt == "PPP_BSDOS" {
				h := make([]byte, 24)
				h[0], h[1] = 0xff, 0x03
				copy(h[5:], be16(proto))
				pkts = append(pkts, cat(h, p.b))
			} else {
				pkts = append(pkts, cat([]byte{0xff, 0x03}, be16(proto), p.b))
			}
		case "C_HDLC":
			pkts = append(pkts, cat([]byte{0x0f, 0x00}, be16(p.etype), p.b))
		case "SLIP":
			h := make([]byte, 16)
			pkts = append(pkts, cat(h, p.b))
			h[0] = 1
			pkts = append(pkts, cat(h, p.b))
		case "IPNET":
			fam := byte(2)
			if !af(p) {
				fam = 26
			}
			h := make([]byte, 24)
			h[0], h[1] = 1, fam
			pkts = append(pkts, cat(h, p.b))
		default:
			pkts = append(pkts, p.b)
		}
	}
	if dlt == "EN10MB" {
		pkts = ethernetSeeds()
	}
	if dlt == "PPP" || dlt == "PPP_PPPD" {
		pkts = append(pkts, cat([]byte{0xff, 0x03}, be16(0xc021), payload(20)), cat([]byte{0xff, 0x03}, be16(0x8021), payload(20)))
	}
	out := make([]Input, 0, len(pkts)*2)
	for i, p := range pkts {
		in := Input{Pkt: p, WireLen: uint32(len(p))}
		out = append(out, in)
		if i%3 == 0 {
			// A snapped copy: wire length larger than what was captured.
			n := len(p) * 2 / 3
			out = append(out, Input{Pkt: p[:n:n], WireLen: uint32(len(p))})
		}
	}
	return out
}

// Mixed returns n varied packets for a link type: the seeds with header
// fields (addresses, ports, protocol numbers, flags, lengths) replaced by
// values that filters commonly test, drawn from a generator seeded with
// seed.
func Mixed(dlt string, n int, seed int64) []Input {
	seeds := Seeds(dlt)
	r := rand.New(rand.NewSource(seed))
	dict := []byte{0, 1, 2, 4, 6, 8, 17, 0x11, 0x21, 0x40, 0x45, 0x50, 0x60, 0x80, 0x81, 0x86, 0xdd, 0xff}
	out := make([]Input, 0, n)
	for len(out) < n && len(seeds) > 0 {
		in := seeds[r.Intn(len(seeds))].clone()
		for j := r.Intn(4); j >= 0 && len(in.Pkt) > 0; j-- {
			in.Pkt[r.Intn(len(in.Pkt))] = dict[r.Intn(len(dict))]
		}
		if r.Intn(8) == 0 && len(in.Pkt) > 1 {
			in.Pkt = in.Pkt[:r.Intn(len(in.Pkt))]
		}
		out = append(out, in)
	}
	return out
}
