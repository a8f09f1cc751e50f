package pcapng

import (
	"fmt"

	"github.com/snare-pcap/snare/link"
)

// Block types (the first word of every block).
const (
	BlockTypeSHB          uint32 = 0x0A0D0D0A // Section Header Block
	BlockTypeIDB          uint32 = 0x00000001 // Interface Description Block
	BlockTypePB           uint32 = 0x00000002 // Packet Block (obsolete)
	BlockTypeSPB          uint32 = 0x00000003 // Simple Packet Block
	BlockTypeNRB          uint32 = 0x00000004 // Name Resolution Block
	BlockTypeISB          uint32 = 0x00000005 // Interface Statistics Block
	BlockTypeEPB          uint32 = 0x00000006 // Enhanced Packet Block
	BlockTypeDSB          uint32 = 0x0000000A // Decryption Secrets Block
	BlockTypeCustom       uint32 = 0x00000BAD // Custom Block that may be copied
	BlockTypeCustomNoCopy uint32 = 0x40000BAD // Custom Block that must not be copied
)

// byteOrderMagic is the Section Header Block's byte-order magic.
const byteOrderMagic = 0x1A2B3C4D

// Option codes.
const (
	optEndOfOpt = 0
	optComment  = 1

	optSHBHardware = 2
	optSHBOS       = 3
	optSHBUserAppl = 4

	optIfName        = 2
	optIfDescription = 3
	optIfSpeed       = 8
	optIfTSResol     = 9
	optIfFilter      = 11
	optIfOS          = 12
	optIfFCSLen      = 13
	optIfTSOffset    = 14
	optIfHardware    = 15

	optEPBFlags     = 2
	optEPBHash      = 3
	optEPBDropCount = 4
	optEPBPacketID  = 5
	optEPBQueue     = 6

	optISBStartTime    = 2
	optISBEndTime      = 3
	optISBIfRecv       = 4
	optISBIfDrop       = 5
	optISBFilterAccept = 6
	optISBOSDrop       = 7
	optISBUsrDeliv     = 8

	nrbRecordEnd  = 0
	nrbRecordIPv4 = 1
	nrbRecordIPv6 = 2
)

// DefaultMaxBlockSize is the largest block a Reader accepts unless an
// interface's link type needs more (libpcap's initial limit).
const DefaultMaxBlockSize = 16 << 20

// maxSHBSize is the largest Section Header Block accepted (as libpcap).
const maxSHBSize = 1 << 20

// maxInterfaces bounds the number of interfaces in one section.
const maxInterfaces = 1 << 16

// maxRetained bounds the bytes of name records and decryption secrets
// a Reader keeps.
const maxRetained = 64 << 20

// BlockTypeName returns a short description of a block type, such as
// "Enhanced Packet Block".
func BlockTypeName(t uint32) string {
	switch t {
	case BlockTypeSHB:
		return "Section Header Block"
	case BlockTypeIDB:
		return "Interface Description Block"
	case BlockTypePB:
		return "Packet Block"
	case BlockTypeSPB:
		return "Simple Packet Block"
	case BlockTypeNRB:
		return "Name Resolution Block"
	case BlockTypeISB:
		return "Interface Statistics Block"
	case BlockTypeEPB:
		return "Enhanced Packet Block"
	case BlockTypeDSB:
		return "Decryption Secrets Block"
	case BlockTypeCustom, BlockTypeCustomNoCopy:
		return "Custom Block"
	}
	return fmt.Sprintf("block of type 0x%08X", t)
}

// fromLinktype converts a LINKTYPE_ value from a file to a link.Type.
func fromLinktype(v uint32) link.Type { return link.FromLinktype(v) }

// toLinktype converts a link.Type to the LINKTYPE_ value stored in files.
func toLinktype(t link.Type) uint32 { return link.ToLinktype(t) }

// maxSnapLen is the largest snapshot length for a link type.
func maxSnapLen(t link.Type) int { return t.MaxSnapLen() }
