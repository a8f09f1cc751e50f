package filter

import "fmt"

// wlanDirs are the direction qualifiers that exist only for 802.11.
var wlanDirs = map[string]bool{"addr1": true, "addr2": true, "addr3": true, "addr4": true, "ra": true, "ta": true}

// addrForm describes an address operand the way libpcap's messages do.
func addrForm(n *idNode) string {
	switch n.kind {
	case tHID:
		switch {
		case n.masklen >= 0:
			return "IPv4 address and prefix length"
		case n.mask != "":
			return "IPv4 address and netmask"
		}
		return "IPv4 address"
	case tHID6:
		if n.masklen >= 0 {
			return "IPv6 address and prefix length"
		}
		return "IPv6 address"
	}
	return ""
}

// operandText is the operand as written, for messages.
func operandText(n *idNode) string {
	switch {
	case n.kind == tHID && n.masklen >= 0:
		return fmt.Sprintf("%s/%d", n.text, n.masklen)
	case n.kind == tHID && n.mask != "":
		return n.text + " mask " + n.mask
	case n.kind == tHID6 && n.masklen >= 0:
		return fmt.Sprintf("%s/%d", n.text, n.masklen)
	}
	return n.text
}

// checkQualifiers rejects qualifier combinations libpcap rejects, with
// its wording, before any code is generated for the operand.
func (g *gen) checkQualifiers(n *idNode) {
	q := n.q
	addr := q.addr
	if addr == "" {
		addr = "host"
	}
	if wlanDirs[q.dir] {
		if addr == "port" || addr == "portrange" {
			fail(n.pos, "'%s' is not a valid qualifier for '%s'", q.dir, addr)
		}
		if g.dlt != dltIEEE80211 {
			fail(n.pos, "'%s' is valid for 802.11 syntax only", q.dir)
		}
	}
	if n.kind == tEID && !(q.proto == "link" && addr == "host") {
		fail(n.pos, "Ethernet address used in non-ether expression")
	}
	if n.kind == tHID && q.proto != "decnet" {
		if _, _, ok := atoin(n.text); !ok {
			fail(n.pos, "invalid IPv4 address '%s'", n.text)
		}
	}
	if addr == "gateway" && n.kind == tNUM {
		fail(n.pos, "'gateway' is not a valid qualifier for '%s'", n.raw)
	}
	if q.proto == "decnet" && addr == "gateway" && n.kind != tHID6 {
		fail(n.pos, "'decnet' is not a valid qualifier for 'gateway'")
	}
	form := addrForm(n)
	if form != "" {
		switch addr {
		case "port", "portrange", "proto", "protochain":
			fail(n.pos, "'%s' qualifier applied to %s", addr, form)
		case "gateway":
			fail(n.pos, "'gateway' is not a valid qualifier for '%s'", operandText(n))
		}
	}
	if q.proto == "decnet" && n.kind == tHID && addr == "host" && (n.mask != "" || n.masklen >= 0) {
		fail(n.pos, "'decnet' is not a valid qualifier for 'host'")
	}
	if addr == "host" && ((n.kind == tHID && (n.mask != "" || (n.masklen >= 0 && n.masklen != 32))) ||
		(n.kind == tHID6 && n.masklen >= 0 && n.masklen != 128)) {
		fail(n.pos, "'host' is not a valid qualifier for '%s'", operandText(n))
	}
	if q.proto == "decnet" && n.kind != tHID6 {
		switch addr {
		case "net", "proto", "protochain", "gateway", "port", "portrange":
			fail(n.pos, "'decnet' is not a valid qualifier for '%s'", addr)
		case "host":
			switch {
			case n.kind == tNUM:
				fail(n.pos, "invalid DECnet address '%s'", n.raw)
			case n.kind != tHID || n.mask != "" || n.masklen >= 0:
				fail(n.pos, "'decnet' is not a valid qualifier for 'host'")
			}
			return
		}
	}
	switch addr {
	case "host", "net":
		kind := ""
		switch {
		case n.kind == tHID && addr == "net" && (n.masklen >= 0 || n.mask != ""):
			kind = "IPv4 prefix"
		case n.kind == tHID || (n.kind == tNUM && q.proto != "link"):
			kind = "IPv4 address"
		case n.kind == tHID6 && addr == "net":
			kind = "IPv6 prefix"
		case n.kind == tHID6:
			kind = "IPv6 address"
		case n.kind == tID && addr == "net":
			kind = "IPv4 network name"
		case n.kind == tID && addr == "host" && q.proto != "link":
			kind = "Internet hostname"
		}
		if kind == "" {
			return
		}
		ok := false
		switch q.proto {
		case "":
			ok = true
		case "ip", "arp", "rarp":
			ok = kind != "IPv6 address" && kind != "IPv6 prefix"
			if kind == "Internet hostname" {
				ok = true
			}
		case "ip6":
			ok = kind == "IPv6 address" || kind == "IPv6 prefix" || kind == "Internet hostname"
		case "decnet":
			ok = kind == "IPv4 address" && addr == "host"
		case "link":
			if (n.kind == tHID || n.kind == tNUM) && kind != "IPv4 prefix" {
				fail(n.pos, "illegal link-layer address '%s'", operandText(n))
			}
		}
		if !ok {
			fail(n.pos, "'%s' is not a valid qualifier for '%s <%s>'", q.proto, addr, kind)
		}
	case "port", "portrange":
		switch q.proto {
		case "", "tcp", "udp", "sctp":
		default:
			fail(n.pos, "'%s' is not a valid qualifier for '%s'", q.proto, addr)
		}
	case "proto":
		switch q.proto {
		case "", "link", "ip", "ip6", "iso", "isis":
		default:
			if n.kind == tID {
				fail(n.pos, "unknown '%s proto' value '%s'", q.proto, n.text)
			}
			fail(n.pos, "'%s' is not a valid qualifier for 'proto'", q.proto)
		}
	case "protochain":
		switch q.proto {
		case "", "ip", "ip6":
		default:
			if n.kind == tID {
				fail(n.pos, "unknown '%s protochain' value '%s'", q.proto, n.text)
			}
			fail(n.pos, "'%s' is not a valid qualifier for 'protochain'", q.proto)
		}
	case "gateway":
		switch q.proto {
		case "", "ip", "arp", "rarp":
		default:
			fail(n.pos, "'%s' is not a valid qualifier for 'gateway'", q.proto)
		}
		if g.labelStackDepth > 0 {
			fail(n.pos, "'gateway' cannot be used within MPLS")
		}
		switch g.dlt {
		case dltEN10MB, dltNetAnalyzer, dltNetAnalyzerTransparent, dltFDDI, dltIEEE802, dltIEEE80211:
		default:
			fail(n.pos, "'gateway' not supported on DLT_%s", dltName(g.dlt))
		}
	}
}
