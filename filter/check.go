package filter

import (
	"fmt"
	"strings"
)

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

// maskNetsOnly is libpcap 1.10's word for a mask or prefix length given
// to anything but "net".
const maskNetsOnly = "Mask syntax for networks only"

// wlanDirNames names an 802.11 direction qualifier and its long
// spelling, as libpcap 1.10's messages do.
func wlanDirNames(dir string) string {
	if dir == "ra" || dir == "ta" {
		return fmt.Sprintf("'%s' is not a valid qualifier", dir)
	}
	return fmt.Sprintf("'%s' and 'address%s' are not valid qualifiers", dir, dir[len(dir)-1:])
}

// hostNotImplemented are the protocols whose addresses libpcap 1.10
// reports as "<name> host filtering not implemented".
var hostNotImplemented = map[string]string{"aarp": "AARP", "atalk": "AppleTalk", "ipx": "IPX", "iso": "ISO",
	"lat": "LAT", "mopdl": "MOPDL", "moprc": "MOPRC", "sca": "SCA"}

// oldProtoAddr is libpcap 1.10's wording (after "; ") for a protocol
// qualifier that does not fit the kind of address, or "".
func oldProtoAddr(proto, addr, kind string) string {
	name := fmt.Sprintf("'%s'", proto)
	switch proto {
	case "link":
		name = "link-layer"
	case "atalk":
		name = "AppleTalk"
	}
	switch kind {
	case "IPv6 address", "IPv6 prefix":
		return fmt.Sprintf("; %s modifier applied to ip6 %s", name, addr)
	case "IPv4 address", "IPv4 prefix":
		if name, ok := hostNotImplemented[proto]; ok {
			return "; " + name + " host filtering not implemented"
		}
		switch {
		case proto == "ip6":
			return "; 'ip6' modifier applied to ip host"
		case proto == "link" && addr == "host":
			return ""
		}
		return fmt.Sprintf("; %s modifier applied to %s", name, addr)
	}
	return ""
}

// oldProtoQual is libpcap 1.10's wording for "<proto> proto N" with a
// protocol that has no protocol field.
func oldProtoQual(proto string) string {
	switch proto {
	case "arp", "rarp":
		return proto + " does not encapsulate another protocol"
	case "lat", "sca", "mopdl", "moprc":
		return strings.ToUpper(proto) + " does not encapsulate another protocol"
	case "atalk":
		return "AppleTalk encapsulation is not specifiable"
	case "decnet":
		return "DECNET encapsulation is not specifiable"
	case "clnp":
		return "'clnp proto' is not supported"
	}
	return fmt.Sprintf("'%s proto' is bogus", proto)
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
			what := map[string]string{"port": "ports", "portrange": "port ranges"}[addr]
			fail(n.pos, "'%s' is not a valid qualifier for '%s'; %s for %s", q.dir, addr, wlanDirNames(q.dir), what)
		}
		if g.dlt != dltIEEE80211 {
			fail(n.pos, "'%s' is valid for 802.11 syntax only; %s for addresses other than 802.11 MAC addresses", q.dir, wlanDirNames(q.dir))
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
		fail(n.pos, "'gateway' is not a valid qualifier for '%s'; 'gateway' requires a name", n.raw)
	}
	if q.proto == "decnet" && addr == "gateway" && n.kind != tHID6 {
		fail(n.pos, "'decnet' is not a valid qualifier for 'gateway'")
	}
	form := addrForm(n)
	if form != "" {
		// libpcap 1.10 words these by the address's form.
		old := ""
		switch {
		case n.kind == tHID6:
			old = "invalid qualifier against IPv6 address"
		case n.mask != "" || n.masklen >= 0:
			old = maskNetsOnly
		case addr == "gateway":
			old = "'gateway' requires a name"
		default:
			old = fmt.Sprintf("'%s' modifier applied to ip host", addr)
		}
		switch addr {
		case "port", "portrange", "proto", "protochain":
			fail(n.pos, "'%s' qualifier applied to %s; %s", addr, form, old)
		case "gateway":
			fail(n.pos, "'gateway' is not a valid qualifier for '%s'; %s", operandText(n), old)
		}
	}
	if q.proto == "decnet" && n.kind == tHID && addr == "host" && (n.mask != "" || n.masklen >= 0) {
		fail(n.pos, "'decnet' is not a valid qualifier for 'host'; %s", maskNetsOnly)
	}
	if addr == "host" && ((n.kind == tHID && (n.mask != "" || (n.masklen >= 0 && n.masklen != 32))) ||
		(n.kind == tHID6 && n.masklen >= 0 && n.masklen != 128)) {
		fail(n.pos, "'host' is not a valid qualifier for '%s'; %s", operandText(n), maskNetsOnly)
	}
	if q.proto == "decnet" && n.kind != tHID6 {
		switch addr {
		case "net", "proto", "protochain", "gateway", "port", "portrange":
			old := ""
			switch {
			case addr == "port" || addr == "portrange":
				old = "; illegal qualifier of '" + addr + "'"
			case n.mask != "" || n.masklen >= 0:
				old = "; " + maskNetsOnly
			case addr == "proto":
				old = "; " + oldProtoQual("decnet")
			case addr == "protochain" && n.kind == tNUM:
				old = "; bad protocol applied for 'protochain'"
			case addr == "gateway" && n.kind == tHID:
				old = "; 'gateway' requires a name"
			}
			fail(n.pos, "'decnet' is not a valid qualifier for '%s'%s", addr, old)
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
			fail(n.pos, "'%s' is not a valid qualifier for '%s <%s>'%s", q.proto, addr, kind, oldProtoAddr(q.proto, addr, kind))
		}
	case "port", "portrange":
		switch q.proto {
		case "", "tcp", "udp", "sctp":
		default:
			fail(n.pos, "'%s' is not a valid qualifier for '%s'; illegal qualifier of '%s'", q.proto, addr, addr)
		}
	case "proto":
		switch q.proto {
		case "", "link", "ip", "ip6", "iso", "isis":
		default:
			if n.kind == tID {
				fail(n.pos, "unknown '%s proto' value '%s'; unknown protocol: %s", q.proto, n.text, n.text)
			}
			fail(n.pos, "'%s' is not a valid qualifier for 'proto'; %s", q.proto, oldProtoQual(q.proto))
		}
	case "protochain":
		switch q.proto {
		case "", "ip", "ip6":
		default:
			if n.kind == tID {
				fail(n.pos, "unknown '%s protochain' value '%s'; unknown protocol: %s", q.proto, n.text, n.text)
			}
			fail(n.pos, "'%s' is not a valid qualifier for 'protochain'; bad protocol applied for 'protochain'", q.proto)
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
			fail(n.pos, "'gateway' not supported on DLT_%s; 'gateway' not supported in this configuration", dltName(g.dlt))
		}
	}
}
