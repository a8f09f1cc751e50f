package printer

import "strconv"

// IEEE 802.2 LLC, SNAP and the spanning tree protocols, as tcpdump 4.99
// prints them after an 802.3 header (a length, not a type, after the
// MAC addresses).

// llcSAPNames are the names of LLC service access points (the group or
// response bit cleared).
var llcSAPNames = map[byte]string{
	0x00: "Null", 0x02: "802.1B I", 0x04: "SNA", 0x06: "IP", 0x0e: "ProWay NM",
	0x42: "STP", 0x4e: "RS511", 0x7e: "ISO8208", 0x8e: "ProWay", 0xaa: "SNAP",
	0xe0: "IPX", 0xf0: "NetBeui", 0xfe: "OSI",
}

// llcUCommands names the U-frame commands (control byte without the
// poll/final bit).
var llcUCommands = map[byte]string{
	0x03: "ui", 0xe3: "test", 0xaf: "xid", 0x63: "ua", 0x43: "disc", 0x0f: "dm",
	0x6f: "sabme", 0x87: "frmr",
}

// llcFlag names the command/response bit of the SSAP combined with the
// poll/final bit of the control field (0x10 in U frames, 0x100 in I and
// S frames).
func llcFlag(v uint16) string {
	switch v {
	case 0:
		return "Command"
	case 1:
		return "Response"
	case 0x10, 0x100:
		return "Poll"
	case 0x11, 0x101:
		return "Final"
	}
	return "?"
}

func appendSAP(b []byte, sap byte, unknown string) []byte {
	if n, ok := llcSAPNames[sap]; ok {
		return append(b, n...)
	}
	b = append(b, unknown...)
	b = append(b, " 0x"...)
	return appendHexByte(b, sap)
}

// llc prints the LLC header and what follows it in d (the 802.3 payload,
// length bytes long); frame is the whole frame, for the MAC addresses.
// It adds the LLC (and SNAP) header length to the link-layer length that
// -x and -X skip, as tcpdump does.
func (p *Printer) llc(b, d []byte, length int, frame []byte) []byte {
	if len(d) < 3 || length < 3 {
		p.linkLen += min(len(d), length)
		return appendHexASCII(appendTrunc(b, "llc"), d, "\n\t") // even with -x or -q, as tcpdump
	}
	dsapField, ssapField := d[0], d[1]
	ctl := uint16(d[2])
	isU := ctl&3 == 3
	hdr := 3
	if !isU {
		if len(d) < 4 || length < 4 {
			p.linkLen += min(len(d), length)
			return appendHexASCII(appendTrunc(b, "llc"), d, "\n\t") // even with -x or -q, as tcpdump
		}
		ctl |= uint16(d[3]) << 8 // little-endian
		hdr = 4
	}
	dsap, ssap := dsapField&^1, ssapField&^1
	if p.opts.Link {
		b = append(b, "LLC, dsap "...)
		b = append(b, sapName(dsap)...)
		b = append(b, " (0x"...)
		b = appendHexByte(b, dsap)
		if dsapField&1 != 0 {
			b = append(b, ") Group, ssap "...)
		} else {
			b = append(b, ") Individual, ssap "...)
		}
		b = append(b, sapName(ssap)...)
		b = append(b, " (0x"...)
		b = appendHexByte(b, ssap)
		b = append(b, ") "...)
		b = append(b, llcFlag(uint16(ssapField&1))...)
		b = append(b, ", ctrl 0x"...)
		if isU {
			b = appendHexPad(b, uint64(ctl), 2)
		} else {
			b = appendHexPad(b, uint64(ctl), 4)
		}
		b = append(b, ": "...)
	}
	pl, plen := d[hdr:], length-hdr
	p.linkLen += hdr
	switch {
	case dsap == 0xaa && ssap == 0xaa && ctl == 3:
		p.linkLen += 5
		nb, ok := p.snap(b, pl, plen, frame)
		if !ok {
			nb = p.defaultPrint(nb, d)
		}
		return nb
	case dsap == 0x42 && ssap == 0x42 && ctl == 3:
		return p.stp(b, pl, plen)
	case dsap == 0x06 && ssap == 0x06 && ctl == 3:
		return p.ip4(b, pl, plen)
	}
	if !p.opts.Link {
		b = appendMAC(b, frame[6:12])
		if ssap != dsap {
			b = append(b, ' ')
			b = appendSAP(b, ssap, "Unknown SSAP")
		}
		b = append(b, " > "...)
		b = appendMAC(b, frame[0:6])
		b = append(b, ' ')
		b = appendSAP(b, dsap, "Unknown DSAP")
		b = append(b, ' ')
	}
	total := uint64(plen + hdr)
	switch {
	case isU:
		b = append(b, "Unnumbered, "...)
		if n, ok := llcUCommands[byte(ctl)&^0x10]; ok {
			b = append(b, n...)
		} else {
			b = appendHexPad(b, uint64(byte(ctl)&^0x10), 2)
		}
		b = append(b, ", Flags ["...)
		b = append(b, llcFlag(uint16(ssapField&1)|ctl&0x10)...)
		b = append(b, "], length "...)
		b = appendUint(b, total)
		if ctl&^0x10 == 0xaf { // XID
			if plen == 0 {
				return b
			}
			if len(pl) < 1 {
				return appendTrunc(b, "llc")
			}
			if pl[0] == 0x81 { // the IEEE basic format
				if len(pl) < 3 || plen < 3 {
					return appendHexASCII(appendTrunc(b, "llc"), pl, "\n\t") // even with -x or -q, as tcpdump
				}
				b = append(b, ": "...)
				b = appendHexByte(b, pl[1])
				b = append(b, ' ')
				return appendHexByte(b, pl[2])
			}
		}
	case ctl&3 == 1:
		b = append(b, "Supervisory, "...)
		switch (ctl >> 2) & 3 {
		case 0:
			b = append(b, "Receiver Ready"...)
		case 1:
			b = append(b, "Receiver not Ready"...)
		case 2:
			b = append(b, "Reject"...)
		default:
			b = append(b, '?')
		}
		b = append(b, ", rcv seq "...)
		b = appendUint(b, uint64(ctl>>9))
		b = append(b, ", Flags ["...)
		b = append(b, llcFlag(uint16(ssapField&1)|ctl&0x100)...)
		b = append(b, "], length "...)
		return appendUint(b, total) // nothing follows
	default:
		b = append(b, "Information, send seq "...)
		b = appendUint(b, uint64(ctl>>1&0x7f))
		b = append(b, ", rcv seq "...)
		b = appendUint(b, uint64(ctl>>9))
		b = append(b, ", Flags ["...)
		b = append(b, llcFlag(uint16(ssapField&1)|ctl&0x100)...)
		b = append(b, "], length "...)
		b = appendUint(b, total)
	}
	return p.defaultPrint(b, d)
}

func sapName(sap byte) string {
	if n, ok := llcSAPNames[sap]; ok {
		return n
	}
	return "Unknown"
}

// SNAP organization codes.
const (
	ouiEther     = 0x000000
	ouiCisco     = 0x00000c
	ouiCisco90   = 0x0000f8
	ouiRFC2684   = 0x0080c2
	ouiAppletalk = 0x080007
)

var ouiNames = map[uint32]string{
	ouiEther: "Ethernet", ouiCisco: "Cisco", 0x00005e: "IANA", 0x000081: "Nortel Networks SONMP",
	ouiCisco90: "Cisco bridged", ouiRFC2684: "Ethernet bridged", 0x00a03e: "ATM Forum",
	0x00e02f: "DOCSIS Spanning Tree", ouiAppletalk: "Appletalk", 0x009069: "Juniper",
	0x080009: "Hewlett-Packard",
}

var ciscoPIDs = map[uint16]string{
	0x2000: "CDP", 0x2003: "VTP", 0x2004: "DTP", 0x0111: "UDLD", 0x010b: "PVST", 0x010c: "VLAN Bridge",
}

var bridgedPIDs = map[uint16]string{
	0x0001: "Ethernet + FCS", 0x0007: "Ethernet w/o FCS", 0x0002: "802.4 + FCS", 0x0008: "802.4 w/o FCS",
	0x0003: "Token Ring + FCS", 0x0009: "Token Ring w/o FCS", 0x0004: "FDDI + FCS", 0x000a: "FDDI w/o FCS",
	0x0005: "802.6 + FCS", 0x000b: "802.6 w/o FCS", 0x000e: "BPDU",
}

// snapPIDName names a SNAP protocol ID in the table of its organization.
func snapPIDName(oui uint32, pid uint16) string {
	var n string
	switch oui {
	case ouiEther, ouiCisco90, ouiAppletalk:
		n = ethertypeNames[pid]
	case ouiCisco:
		n = ciscoPIDs[pid]
	case ouiRFC2684:
		n = bridgedPIDs[pid]
	}
	if n == "" {
		return "Unknown"
	}
	return n
}

func appendOUI(b []byte, oui uint32) []byte {
	if n, ok := ouiNames[oui]; ok {
		b = append(b, n...)
	} else {
		b = append(b, "Unknown"...)
	}
	b = append(b, " (0x"...)
	b = appendHexPad(b, uint64(oui), 6)
	return append(b, ')')
}

// snap prints a SNAP header and its payload; ok is false when the
// payload was not decoded (the caller then dumps the packet).
func (p *Printer) snap(b, d []byte, length int, frame []byte) (_ []byte, ok bool) {
	if len(d) < 5 || length < 5 {
		return appendTrunc(b, "snap"), true
	}
	oui := uint32(d[0])<<16 | uint32(d[1])<<8 | uint32(d[2])
	pid := be16(d[3:])
	if p.opts.Link {
		b = append(b, "oui "...)
		b = appendOUI(b, oui)
		if oui == ouiEther {
			b = append(b, ", ethertype "...)
		} else {
			b = append(b, ", pid "...)
		}
		b = append(b, snapPIDName(oui, pid)...)
		b = append(b, " (0x"...)
		b = appendHexPad(b, uint64(pid), 4)
		b = append(b, "), length "...)
		b = appendUint(b, uint64(length-5))
		b = append(b, ": "...)
	}
	pl, plen := d[5:], length-5
	switch {
	case oui == ouiEther || oui == ouiCisco90 || (oui == ouiAppletalk && pid == 0x809b):
		if nb, ok := p.ethertype(b, pid, pl, plen); ok {
			return nb, true
		}
	case oui == ouiCisco && (pid == 0x010b || pid == 0x010c), oui == ouiRFC2684 && pid == 0x000e:
		return p.stp(b, pl, plen), true
	}
	if !p.opts.Link {
		b = appendMAC(b, frame[6:12])
		b = append(b, " > "...)
		b = appendMAC(b, frame[0:6])
		b = append(b, ' ')
		if oui == ouiEther {
			b = append(b, "SNAP, ethertype "...)
		} else {
			b = append(b, "SNAP, oui "...)
			b = appendOUI(b, oui)
			b = append(b, ", pid "...)
		}
		b = append(b, snapPIDName(oui, pid)...)
		b = append(b, " (0x"...)
		b = appendHexPad(b, uint64(pid), 4)
		b = append(b, "), length "...)
		b = appendUint(b, uint64(plen))
		b = append(b, ": "...)
	}
	return b, false
}

// stpFlags are the BPDU flag bits, lowest first.
var stpFlags = []struct {
	bit  byte
	name string
}{
	{0x01, "Topology change"}, {0x02, "Proposal"}, {0x10, "Learn"}, {0x20, "Forward"},
	{0x40, "Agreement"}, {0x80, "Topology change ACK"},
}

func appendSTPFlags(b []byte, f byte) []byte {
	first := true
	for _, fl := range stpFlags {
		if f&fl.bit != 0 {
			if !first {
				b = append(b, ", "...)
			}
			b = append(b, fl.name...)
			first = false
		}
	}
	if first {
		b = append(b, "none"...)
	}
	return b
}

var stpPortRoles = [4]string{"Unknown", "Alternate", "Root", "Designated"}

// appendBridgeID appends an 8-byte bridge ID as "pppp.aa:bb:cc:dd:ee:ff".
func appendBridgeID(b, d []byte) []byte {
	b = appendHexByte(b, d[0])
	b = appendHexByte(b, d[1])
	b = append(b, '.')
	for i := 2; i < 8; i++ {
		if i > 2 {
			b = append(b, ':')
		}
		b = appendHexByte(b, d[i])
	}
	return b
}

// appendSTPTime appends a BPDU timer (1/256 s units) as "%.2fs".
func appendSTPTime(b []byte, v uint16) []byte {
	b = strconv.AppendFloat(b, float64(v)/256, 'f', 2, 64)
	return append(b, 's')
}

// stp prints a spanning tree BPDU (802.1D, 802.1w, 802.1s and 802.1aq).
func (p *Printer) stp(b, d []byte, length int) []byte {
	if length < 4 {
		return append(b, " (invalid)"...)
	}
	if len(d) < 2 {
		return p.truncJmp(b, "stp")
	}
	if be16(d) != 0 {
		b = append(b, "unknown STP version, length "...)
		return appendUint(b, uint64(length))
	}
	if len(d) < 3 {
		return p.truncJmp(b, "stp")
	}
	version := d[2]
	b = append(b, "STP "...)
	switch version {
	case 0:
		b = append(b, "802.1d"...)
	case 2:
		b = append(b, "802.1w"...)
	case 3:
		b = append(b, "802.1s"...)
	case 4:
		b = append(b, "802.1aq"...)
	default:
		b = append(b, "Unknown STP protocol (0x"...)
		b = appendHexByte(b, version)
		return append(b, ')')
	}
	if len(d) < 4 {
		return p.truncJmp(b, "stp")
	}
	typ := d[3]
	switch typ {
	case 0x00:
		b = append(b, ", Config"...)
	case 0x02:
		b = append(b, ", Rapid STP"...)
	case 0x80:
		b = append(b, ", Topology Change"...)
	default:
		b = append(b, ", Unknown BPDU Type (0x"...)
		b = appendHexByte(b, typ)
		b = append(b, ')')
	}
	const bpduLen = 36 // through the version 1 length byte
	switch {
	case typ == 0x00:
		if length < bpduLen-1 {
			return append(b, " (invalid)"...)
		}
		return p.stpConfig(b, d, length, version)
	case typ == 0x02 && version == 2:
		if length < bpduLen {
			return append(b, " (invalid)"...)
		}
		return p.stpConfig(b, d, length, version)
	case typ == 0x02 && (version == 3 || version == 4):
		if length < 102 {
			return append(b, " (invalid)"...)
		}
		if len(d) < bpduLen {
			return p.truncJmp(b, "stp")
		}
		if d[35] != 0 {
			return append(b, " (invalid)"...)
		}
		if len(d) < 38 {
			return p.truncJmp(b, "stp")
		}
		v3 := int(be16(d[36:])) + 2
		if length < bpduLen+v3 {
			return append(b, " (invalid)"...)
		}
		b = p.stpMSTP(b, d, length)
		if version == 4 {
			// 802.1aq adds fields that only -v prints; snare stops
			// after the MSTP part.
			return b
		}
	}
	return b
}

// stpConfig prints a configuration or RSTP BPDU.
func (p *Printer) stpConfig(b, d []byte, length int, version byte) []byte {
	if len(d) < 5 {
		return p.truncJmp(b, "stp")
	}
	// Each statement below is printed whole or not at all (tcpdump
	// formats its fields before printing it).
	flags := d[4]
	b = append(b, ", Flags ["...)
	b = appendSTPFlags(b, flags)
	b = append(b, ']')
	if len(d) < 27 {
		return p.truncJmp(b, "stp")
	}
	b = append(b, ", bridge-id "...)
	b = appendBridgeID(b, d[17:25])
	b = append(b, '.')
	b = appendHexPad(b, uint64(be16(d[25:])), 4)
	b = append(b, ", length "...)
	b = appendUint(b, uint64(length))
	if p.opts.Verbose == 0 {
		return b
	}
	if len(d) < 35 {
		return p.truncJmp(b, "stp")
	}
	b = append(b, "\n\tmessage-age "...)
	b = appendSTPTime(b, be16(d[27:]))
	b = append(b, ", max-age "...)
	b = appendSTPTime(b, be16(d[29:]))
	b = append(b, ", hello-time "...)
	b = appendSTPTime(b, be16(d[31:]))
	b = append(b, ", forwarding-delay "...)
	b = appendSTPTime(b, be16(d[33:]))
	b = append(b, "\n\troot-id "...)
	b = appendBridgeID(b, d[5:13])
	b = append(b, ", root-pathcost "...)
	b = appendUint(b, uint64(be32(d[13:])))
	if version == 2 {
		b = append(b, ", port-role "...)
		b = append(b, stpPortRoles[flags>>2&3]...)
	}
	return b
}

// stpMSTP prints the MSTP part of an 802.1s or 802.1aq BPDU; each
// statement is printed whole or not at all, as tcpdump does.
func (p *Printer) stpMSTP(b, d []byte, length int) []byte {
	flags := d[4]
	b = append(b, ", CIST Flags ["...)
	b = appendSTPFlags(b, flags)
	b = append(b, "], length "...)
	b = appendUint(b, uint64(length))
	if p.opts.Verbose == 0 {
		return b
	}
	b = append(b, "\n\tport-role "...)
	b = append(b, stpPortRoles[flags>>2&3]...)
	b = append(b, ", "...)
	need := func(n int) bool { return len(d) >= n }
	if !need(17) {
		return p.truncJmp(b, "stp")
	}
	b = append(b, "CIST root-id "...)
	b = appendBridgeID(b, d[5:13])
	b = append(b, ", CIST ext-pathcost "...)
	b = appendUint(b, uint64(be32(d[13:])))
	if !need(25) {
		return p.truncJmp(b, "stp")
	}
	b = append(b, "\n\tCIST regional-root-id "...)
	b = appendBridgeID(b, d[17:25])
	b = append(b, ", "...)
	if !need(27) {
		return p.truncJmp(b, "stp")
	}
	b = append(b, "CIST port-id "...)
	b = appendHexPad(b, uint64(be16(d[25:])), 4)
	b = append(b, ',')
	if !need(35) {
		return p.truncJmp(b, "stp")
	}
	b = append(b, "\n\tmessage-age "...)
	b = appendSTPTime(b, be16(d[27:]))
	b = append(b, ", max-age "...)
	b = appendSTPTime(b, be16(d[29:]))
	b = append(b, ", hello-time "...)
	b = appendSTPTime(b, be16(d[31:]))
	b = append(b, ", forwarding-delay "...)
	b = appendSTPTime(b, be16(d[33:]))
	v3 := be16(d[36:]) // checked by the caller
	b = append(b, "\n\tv3len "...)
	b = appendUint(b, uint64(v3))
	b = append(b, ", MCID Name "...)
	// The name is printed byte by byte, up to a truncation.
	b = appendJNP(b, d[min(39, len(d)):min(71, len(d))])
	if !need(89) {
		return p.truncJmp(b, "stp")
	}
	b = append(b, ", rev "...)
	b = appendUint(b, uint64(be16(d[71:])))
	b = append(b, ",\n\t\tdigest "...)
	for i := 73; i < 89; i++ {
		b = appendHexByte(b, d[i])
	}
	b = append(b, ", "...)
	if !need(93) {
		return p.truncJmp(b, "stp")
	}
	b = append(b, "CIST int-root-pathcost "...)
	b = appendUint(b, uint64(be32(d[89:])))
	b = append(b, ',')
	if !need(101) {
		return p.truncJmp(b, "stp")
	}
	b = append(b, "\n\tCIST bridge-id "...)
	b = appendBridgeID(b, d[93:101])
	b = append(b, ", "...)
	if !need(102) {
		return p.truncJmp(b, "stp")
	}
	b = append(b, "CIST remaining-hops "...)
	b = appendUint(b, uint64(d[101]))
	if v3 > 64 {
		left := int(v3) - 64
		for off := 102; left >= 16; off, left = off+16, left-16 {
			if !need(off + 3) {
				return p.truncJmp(b, "stp")
			}
			m := d[off:]
			b = append(b, "\n\tMSTI "...)
			b = appendUint(b, uint64(be16(m[1:])&0xfff))
			b = append(b, ", Flags ["...)
			b = appendSTPFlags(b, m[0])
			b = append(b, "], port-role "...)
			b = append(b, stpPortRoles[m[0]>>2&3]...)
			if !need(off + 13) {
				return p.truncJmp(b, "stp")
			}
			b = append(b, "\n\t\tMSTI regional-root-id "...)
			b = appendBridgeID(b, m[1:9])
			b = append(b, ", pathcost "...)
			b = appendUint(b, uint64(be32(m[9:])))
			if !need(off + 16) {
				return p.truncJmp(b, "stp")
			}
			b = append(b, "\n\t\tMSTI bridge-prio "...)
			b = appendUint(b, uint64(m[13]>>4))
			b = append(b, ", port-prio "...)
			b = appendUint(b, uint64(m[14]>>4))
			b = append(b, ", hops "...)
			b = appendUint(b, uint64(m[15]))
		}
	}
	return b
}

// appendJNP appends a fixed-size, NUL-padded string as tcpdump's
// nd_printjnp does: up to the first NUL, unprintable bytes escaped.
func appendJNP(b, d []byte) []byte {
	for i, c := range d {
		if c == 0 {
			return appendNameChars(b, d[:i])
		}
	}
	return appendNameChars(b, d)
}
