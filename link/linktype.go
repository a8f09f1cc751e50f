package link

// Capture files (pcap headers, pcapng interface blocks) store LINKTYPE_
// values, which are the same on every platform; the DLT_ values a Type
// holds are what the running OS and libpcap use. Most are equal: every
// value in the "matching" range 104..289 and a few small ones. The rest
// are mapped here as libpcap's pcap-common.c does on Linux.

// LINKTYPE_ values that differ from the Linux DLT_ value of the same
// link-layer type.
const (
	LinktypeATMRFC1483  uint32 = 100 // DLT_ATM_RFC1483 (11)
	LinktypeRaw         uint32 = 101 // DLT_RAW (12)
	LinktypeSLIPBSDOS   uint32 = 102 // DLT_SLIP_BSDOS (15)
	LinktypePPPBSDOS    uint32 = 103 // DLT_PPP_BSDOS (16)
	LinktypeATMCLIP     uint32 = 106 // DLT_ATM_CLIP (19)
	LinktypePPPHDLC     uint32 = 50  // DLT_PPP_SERIAL (50)
	LinktypeMatchingMin uint32 = 104 // first of the range where LINKTYPE_ == DLT_
	LinktypeMatchingMax uint32 = 289 // last of that range in libpcap 1.10
)

// dltToLinktype maps the DLT_ values outside the matching range that can
// be written to files. Values 0..10 and 99 are the same in both spaces.
var dltToLinktype = map[Type]uint32{
	ATMRFC1483: LinktypeATMRFC1483,
	Raw:        LinktypeRaw,
	SLIPBSDOS:  LinktypeSLIPBSDOS,
	PPPBSDOS:   LinktypePPPBSDOS,
	ATMCLIP:    LinktypeATMCLIP,
	PPPSerial:  LinktypePPPHDLC,
	PPPEther:   51,
}

// FromLinktype converts a LINKTYPE_ value read from a capture file to the
// DLT_ value, as libpcap's linktype_to_dlt does. Values with no mapping
// (for example ones newer than this table) are returned unchanged.
func FromLinktype(lt uint32) Type {
	switch lt {
	case LinktypeATMRFC1483:
		return ATMRFC1483
	case LinktypeRaw:
		return Raw
	case LinktypeSLIPBSDOS:
		return SLIPBSDOS
	case LinktypePPPBSDOS:
		return PPPBSDOS
	case LinktypeATMCLIP:
		return ATMCLIP
	}
	return Type(lt)
}

// ToLinktype converts t to the LINKTYPE_ value written to capture files,
// as libpcap's dlt_to_linktype does. A DLT_ value libpcap cannot write
// (LinktypeOK reports false) is returned unchanged.
func ToLinktype(t Type) uint32 {
	lt, _ := LinktypeOK(t)
	return lt
}

// LinktypeOK is ToLinktype that also reports whether t has a LINKTYPE_
// value at all. libpcap refuses to write a savefile for a type without
// one ("link-layer type %d isn't supported in savefiles").
func LinktypeOK(t Type) (uint32, bool) {
	if lt, ok := dltToLinktype[t]; ok {
		return lt, true
	}
	v := uint32(t)
	switch {
	case v <= 10, v == 99:
		return v, true
	case v >= LinktypeMatchingMin && v <= LinktypeMatchingMax:
		return v, true
	}
	return v, false
}

// The link-type word of a pcap file header (and of nothing else) carries
// more than the LINKTYPE_ value: bits 28-31 give the length in 16-bit
// units of the frame check sequence at the end of every packet, valid
// when bit 26 is set; bits 16-25 are reserved and must be zero.
const (
	FieldLinktypeMask = 0x0000ffff
	FieldReservedMask = 0x03ff0000
	FieldFCSPresent   = 0x04000000
	FieldFCSShift     = 28
)

// SplitField splits a pcap header's link-type word into the LINKTYPE_
// value, the FCS length in bytes (-1 when the file does not say, 0 when
// frames carry none) and the reserved bits (which a valid file keeps 0).
func SplitField(field uint32) (linktype uint32, fcsBytes int, reserved uint32) {
	linktype = field & FieldLinktypeMask
	reserved = field & FieldReservedMask
	fcsBytes = -1
	if field&FieldFCSPresent != 0 {
		fcsBytes = int(field>>FieldFCSShift) * 2
	}
	return linktype, fcsBytes, reserved
}

// JoinField builds a pcap header's link-type word from a LINKTYPE_ value
// and an FCS length in bytes (negative: not given; otherwise an even
// number up to 30).
func JoinField(linktype uint32, fcsBytes int) uint32 {
	f := linktype & FieldLinktypeMask
	if fcsBytes >= 0 {
		f |= FieldFCSPresent | uint32(fcsBytes/2&0xf)<<FieldFCSShift
	}
	return f
}
