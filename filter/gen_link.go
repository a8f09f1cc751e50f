package filter

import (
	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/link"
)

// DLT_ values this file knows.
const (
	dltNULL                   = 0
	dltEN10MB                 = 1
	dltIEEE802                = 6
	dltARCNET                 = 7
	dltSLIP                   = 8
	dltPPP                    = 9
	dltFDDI                   = 10
	dltATMRFC1483             = 11
	dltRAW                    = 12
	dltSLIPBSDOS              = 15
	dltPPPBSDOS               = 16
	dltATMCLIP                = 19
	dltPPPSerial              = 50
	dltPPPEther               = 51
	dltCHDLC                  = 104
	dltIEEE80211              = 105
	dltFRELAY                 = 107
	dltLOOP                   = 108
	dltENC                    = 109
	dltRAW14                  = 14
	dltLINUXSLL               = 113
	dltLTALK                  = 114
	dltPFLOG                  = 117
	dltIPOverFC               = 122
	dltIPNET                  = 226
	dltIPV4                   = 228
	dltIPV6                   = 229
	dltLINUXSLL2              = 276
	dltPPPPPPD                = 166
	dltNetAnalyzer            = 240
	dltNetAnalyzerTransparent = 241
	dltDSATagBRCM             = 281
	dltDSATagDSA              = 284
	dltAppleIPOverIEEE1394    = 138
)

// Ethernet types, LLC SAPs and PPP protocol numbers used by the generator.
const (
	ethertypeIP     = 0x0800
	ethertypeARP    = 0x0806
	ethertypeREVARP = 0x8035
	ethertypeIPV6   = 0x86dd
	ethertypeATALK  = 0x809b
	ethertypeAARP   = 0x80f3
	ethertypeDN     = 0x6003
	ethertypeLAT    = 0x6004
	ethertypeSCA    = 0x6007
	ethertypeMOPDL  = 0x6001
	ethertypeMOPRC  = 0x6002
	ethertypeNS     = 0x0600
	ethertype8021Q  = 0x8100
	ethertype8021AD = 0x88a8
	ethertypeQINQ   = 0x9100
	ethertypeMPLS   = 0x8847
	ethertypeMPLSMC = 0x8848
	ethertypePPPoED = 0x8863
	ethertypePPPoES = 0x8864
	ethertypeTEB    = 0x6558
	ethermtu        = 1500

	llcsapIP      = 0x06
	llcsapISONS   = 0xfe
	llcsapNETBEUI = 0xf0
	llcsapIPX     = 0xe0
	llcsap8021D   = 0x42
	llcsapSNAP    = 0xaa
	llcsapGlobal  = 0xff

	pppIP     = 0x0021
	pppIPv6   = 0x0057
	pppDECnet = 0x0027
	pppApple  = 0x0029
	pppNS     = 0x0025
	pppOSI    = 0x0023
	pppBRPDU  = 0x0031
	pppIPX    = 0x002b
	pppVJC    = 0x002d
	pppVJNC   = 0x002f
	pppMPLSUC = 0x0281
	pppMPLSMC = 0x0283
)

// initLinktype sets the header offsets for the link type.
func (g *gen) initLinktype() {
	g.offLinkHdr = absOffset{reg: -1}
	g.offPrevLinkHdr = absOffset{constant: offsetNotSet, reg: -1}
	g.offOuterMostLinkHdr = absOffset{reg: -1}
	g.offLinkType = absOffset{reg: -1}
	g.offLinkPl = absOffset{reg: -1}
	g.offNl, g.offNlNoSnap = 0, 0
	set := func(lt, pl, nl, nlns uint32) {
		g.offLinkType.constant = lt
		g.offLinkPl.constant = pl
		g.offNl, g.offNlNoSnap = nl, nlns
	}
	switch g.dlt {
	case dltEN10MB, dltNetAnalyzer, dltNetAnalyzerTransparent:
		set(12, 14, 0, 3)
		if g.dlt == dltNetAnalyzer {
			g.offLinkHdr.constant = 4
			set(16, 18, 0, 3)
		}
		if g.dlt == dltNetAnalyzerTransparent {
			g.offLinkHdr.constant = 12
			set(24, 26, 0, 3)
		}
	case dltSLIP:
		set(offsetNotSet, 16, 0, 0)
	case dltSLIPBSDOS:
		set(offsetNotSet, 24, 0, 0)
	case dltNULL, dltLOOP:
		set(0, 4, 0, 0)
	case dltENC:
		set(0, 12, 0, 0)
	case dltPPP, dltPPPPPPD, dltCHDLC, dltPPPSerial:
		set(2, 4, 0, 0)
	case dltPPPEther:
		set(6, 8, 0, 0)
	case dltPPPBSDOS:
		set(5, 24, 0, 0)
	case dltFDDI:
		set(13, 13, 8, 3)
	case dltIEEE802:
		set(14, 14, 8, 3)
	case dltRAW, dltIPV4, dltIPV6, dltRAW14:
		set(offsetNotSet, 0, 0, 0)
	case dltLINUXSLL:
		set(14, 16, 0, 3)
	case dltLINUXSLL2:
		set(0, 20, 0, 3)
	case dltIPNET:
		set(1, 24, 0, 0)
	case dltATMRFC1483:
		set(0, 0, 8, 3)
	case dltATMCLIP:
		set(offsetNotSet, 0, 8, 3)
	case dltLTALK:
		set(offsetNotSet, 0, 0, 0)
	case dltIPOverFC:
		set(offsetNotSet, 16, 8, 3)
	case dltFRELAY:
		set(offsetNotSet, offsetNotSet, 0, 0)
	case dltARCNET:
		set(2, 6, 0, 0)
	case dltDSATagBRCM:
		set(16, 18, 0, 3)
	case dltDSATagDSA:
		set(16, 18, 0, 3)
	case dltAppleIPOverIEEE1394:
		set(16, 18, 0, 0)
	default:
		fail(-1, "link-layer type %s is not supported by the filter compiler", link.Type(g.dlt))
	}
	g.offOuterMostLinkHdr = g.offLinkHdr
}

// dltName returns the DLT_ name without the prefix, for messages.
func dltName(dlt uint32) string {
	return link.Type(dlt).String()
}

// dltDescription is the link type's description, as libpcap 1.10's
// messages give it ("Raw IP", "Linux cooked v1").
func dltDescription(dlt uint32) string {
	return link.Type(dlt).Description()
}

// ethertypeToPPP maps an Ethernet type to a PPP protocol number.
func ethertypeToPPP(p uint32) uint32 {
	switch p {
	case ethertypeIP:
		return pppIP
	case ethertypeIPV6:
		return pppIPv6
	case ethertypeDN:
		return pppDECnet
	case ethertypeATALK:
		return pppApple
	case ethertypeNS:
		return pppNS
	case llcsapISONS:
		return pppOSI
	case llcsap8021D:
		return pppBRPDU
	case llcsapIPX:
		return pppIPX
	case ethertypeMPLS:
		return pppMPLSUC
	case ethertypeMPLSMC:
		return pppMPLSMC
	}
	return p
}

// linktype tests the link-layer protocol type (an Ethernet type, or an
// LLC SAP for values <= 1500).
func (g *gen) linkType(p uint32) *expr {
	if g.labelStackDepth > 0 {
		return g.mplsLinktype(p)
	}
	switch g.dlt {
	case dltEN10MB, dltNetAnalyzer, dltNetAnalyzerTransparent, dltDSATagBRCM, dltDSATagDSA:
		return g.etherLinktype(p)
	case dltLINUXSLL, dltLINUXSLL2:
		return g.linuxSLLLinktype(p)
	case dltSLIP, dltSLIPBSDOS, dltRAW, dltRAW14:
		switch p {
		case ethertypeIP:
			return g.mcmp(orLinkHdr, 0, bpf.B, 0x40, 0xf0)
		case ethertypeIPV6:
			return g.mcmp(orLinkHdr, 0, bpf.B, 0x60, 0xf0)
		}
		return g.gfalse()
	case dltIPV4:
		if p == ethertypeIP {
			return g.gtrue()
		}
		return g.gfalse()
	case dltIPV6:
		if p == ethertypeIPV6 {
			return g.gtrue()
		}
		return g.gfalse()
	case dltPPP, dltPPPPPPD, dltPPPSerial, dltPPPEther:
		return g.cmp(orLinkType, 0, bpf.H, ethertypeToPPP(p))
	case dltCHDLC:
		if p == llcsapISONS {
			p = llcsapISONS<<8 | llcsapISONS
		}
		return g.cmp(orLinkType, 0, bpf.H, p)
	case dltPPPBSDOS:
		switch p {
		case ethertypeIP:
			b0 := g.cmp(orLinkType, 0, bpf.H, pppIP)
			b1 := g.cmp(orLinkType, 0, bpf.H, pppVJC)
			b1 = or(b0, b1)
			b0 = g.cmp(orLinkType, 0, bpf.H, pppVJNC)
			return or(b1, b0)
		}
		return g.cmp(orLinkType, 0, bpf.H, ethertypeToPPP(p))
	case dltNULL, dltLOOP, dltENC:
		return g.loopbackLinktype(p)
	case dltIPNET:
		switch p {
		case ethertypeIP:
			return g.cmp(orLinkType, 0, bpf.B, 2)
		case ethertypeIPV6:
			return g.cmp(orLinkType, 0, bpf.B, 26)
		}
		return g.gfalse()
	case dltFDDI, dltIEEE802:
		return g.llcLinktype(p)
	}
	fail(g.pos, "link-layer type filtering not implemented for %s", dltName(g.dlt))
	return nil
}

// etherLinktype tests the type/length field of an Ethernet frame.
func (g *gen) etherLinktype(p uint32) *expr {
	switch p {
	case llcsapISONS, llcsapIP, llcsapNETBEUI:
		b0 := not(g.cmpGT(orLinkType, 0, bpf.H, ethermtu))
		b1 := g.cmp(orLLC, 0, bpf.H, p<<8|p)
		return and(b0, b1)
	case llcsapIPX:
		// Raw 802.3 (0xFFFF), 802.2 with the IPX SAP, or SNAP with
		// the IPX Ethernet type; or Ethernet II with type 0x8137.
		b0 := g.cmp(orLLC, 0, bpf.B, llcsapIPX)
		b1 := g.cmp(orLLC, 0, bpf.H, 0xffff)
		b1 = or(b0, b1)
		b0 = g.snap(0x000000, 0x8137)
		b1 = or(b0, b1)
		b0 = not(g.cmpGT(orLinkType, 0, bpf.H, ethermtu))
		b1 = and(b0, b1)
		b0 = g.cmp(orLinkType, 0, bpf.H, 0x8137)
		return or(b0, b1)
	case ethertypeATALK, ethertypeAARP:
		b0 := not(g.cmpGT(orLinkType, 0, bpf.H, ethermtu))
		var b1 *expr
		if p == ethertypeATALK {
			b1 = g.snap(0x080007, ethertypeATALK)
		} else {
			b1 = g.snap(0x000000, ethertypeAARP)
		}
		b1 = and(b0, b1)
		b0 = g.cmp(orLinkType, 0, bpf.H, p)
		return or(b0, b1)
	}
	if p <= ethermtu {
		b0 := not(g.cmpGT(orLinkType, 0, bpf.H, ethermtu))
		b1 := g.cmp(orLinkType, 2, bpf.B, p)
		return and(b0, b1)
	}
	return g.cmp(orLinkType, 0, bpf.H, p)
}

// snap tests for an 802.2 SNAP header with the given OUI and type.
func (g *gen) snap(oui, ptype uint32) *expr {
	snapblock := []byte{llcsapSNAP, llcsapSNAP, 0x03, byte(oui >> 16), byte(oui >> 8), byte(oui), byte(ptype >> 8), byte(ptype)}
	return g.bcmp(orLLC, 0, snapblock)
}

// llcLinktype tests the protocol of an 802.2 LLC-encapsulated frame.
func (g *gen) llcLinktype(p uint32) *expr {
	switch p {
	case llcsapIP, llcsapISONS, llcsapNETBEUI:
		return g.cmp(orLLC, 0, bpf.H, p<<8|p)
	case llcsapIPX:
		return g.cmp(orLLC, 0, bpf.B, llcsapIPX)
	case ethertypeATALK:
		return g.snap(0x080007, ethertypeATALK)
	}
	if p <= ethermtu {
		return g.cmp(orLLC, 0, bpf.B, p)
	}
	return g.cmp(orLLC, 6, bpf.H, p)
}

// linuxSLLLinktype tests the protocol field of a Linux cooked header.
func (g *gen) linuxSLLLinktype(p uint32) *expr {
	const sllP8022 = 0x0004
	const sllP8023 = 0x0001
	switch p {
	case llcsapIP, llcsapISONS, llcsapNETBEUI:
		b0 := g.cmp(orLinkType, 0, bpf.H, sllP8022)
		b1 := g.cmp(orLinkPl, 0, bpf.H, p<<8|p)
		return and(b0, b1)
	case llcsapIPX:
		b0 := g.cmp(orLinkPl, 0, bpf.B, llcsapIPX)
		b1 := g.snap(0x000000, 0x8137)
		b1 = or(b0, b1)
		b0 = g.cmp(orLinkType, 0, bpf.H, sllP8022)
		b1 = and(b0, b1)
		b0 = g.cmp(orLinkType, 0, bpf.H, sllP8023)
		b1 = or(b0, b1)
		b0 = g.cmp(orLinkType, 0, bpf.H, 0x8137)
		return or(b0, b1)
	case ethertypeATALK, ethertypeAARP:
		var b1 *expr
		if p == ethertypeATALK {
			b1 = g.snap(0x080007, ethertypeATALK)
		} else {
			b1 = g.snap(0x000000, ethertypeAARP)
		}
		b0 := g.cmp(orLinkType, 0, bpf.H, sllP8022)
		b1 = and(b0, b1)
		b0 = g.cmp(orLinkType, 0, bpf.H, p)
		return or(b0, b1)
	}
	if p <= ethermtu {
		b0 := g.cmp(orLinkType, 0, bpf.H, sllP8022)
		b1 := g.cmp(orLinkHdr, g.offLinkPl.constant, bpf.B, p)
		return and(b0, b1)
	}
	return g.cmp(orLinkType, 0, bpf.H, p)
}

// loopbackLinktype tests the address family of a BSD loopback header
// (host byte order for NULL and ENC, network byte order for LOOP).
func (g *gen) loopbackLinktype(p uint32) *expr {
	var fams []uint32
	switch p {
	case ethertypeIP:
		fams = []uint32{2}
	case ethertypeIPV6:
		// AF_INET6 of the host (Linux).
		fams = []uint32{10}
	default:
		return g.gfalse()
	}
	one := func(af uint32) *expr {
		if g.dlt == dltNULL || g.dlt == dltENC {
			return g.cmp(orLinkType, 0, bpf.W, swap32(af))
		}
		return g.cmp(orLinkType, 0, bpf.W, af)
	}
	if len(fams) == 1 {
		return one(fams[0])
	}
	b0 := one(fams[0])
	b1 := one(fams[1])
	b1 = or(b0, b1)
	b0 = one(fams[2])
	return or(b0, b1)
}

func swap32(v uint32) uint32 {
	return v>>24 | (v>>8)&0xff00 | (v<<8)&0xff0000 | v<<24
}
