package link

import (
	"sort"
	"strconv"
	"strings"
)

// Link-layer types as DLT_ values on Linux. The comment after each gives
// libpcap's name (pcap_datalink_val_to_name) where it differs from the Go
// name.
const (
	Null               Type = 0   // NULL: BSD loopback
	EN10MB             Type = 1   // Ethernet
	IEEE802            Type = 6   // token ring
	ARCNET             Type = 7   // BSD ARCNET
	SLIP               Type = 8   // SLIP
	PPP                Type = 9   // PPP
	FDDI               Type = 10  // FDDI
	ATMRFC1483         Type = 11  // ATM_RFC1483
	Raw                Type = 12  // RAW: raw IP (DLT 12 on Linux, LINKTYPE 101 in files)
	SLIPBSDOS          Type = 15  // SLIP_BSDOS
	PPPBSDOS           Type = 16  // PPP_BSDOS
	ATMCLIP            Type = 19  // ATM_CLIP
	PPPSerial          Type = 50  // PPP_SERIAL: PPP in HDLC-like framing
	PPPEther           Type = 51  // PPP_ETHER: PPPoE
	SymantecFirewall   Type = 99  // SYMANTEC_FIREWALL
	CHDLC              Type = 104 // C_HDLC: Cisco HDLC
	IEEE802_11         Type = 105 // 802.11
	FrameRelay         Type = 107 // FRELAY
	Loop               Type = 108 // LOOP: OpenBSD loopback
	Enc                Type = 109 // ENC: OpenBSD encapsulated IP
	LinuxSLL           Type = 113 // LINUX_SLL: Linux cooked v1
	LocalTalk          Type = 114 // LTALK
	PFLog              Type = 117 // PFLOG
	PrismHeader        Type = 119 // PRISM_HEADER
	IPOverFC           Type = 122 // IP_OVER_FC
	SunATM             Type = 123 // SUNATM
	IEEE802_11Radio    Type = 127 // IEEE802_11_RADIO: 802.11 with radiotap
	ARCNETLinux        Type = 129 // ARCNET_LINUX
	LinuxIRDA          Type = 144 // LINUX_IRDA
	IEEE802_11RadioAVS Type = 163 // IEEE802_11_RADIO_AVS
	PPPPPPD            Type = 166 // PPP_PPPD
	LinuxLAPD          Type = 177 // LINUX_LAPD
	BluetoothHCIH4     Type = 187 // BLUETOOTH_HCI_H4
	USBLinux           Type = 189 // USB_LINUX
	PPI                Type = 192 // PPI
	IEEE802_15_4       Type = 195 // IEEE802_15_4 (with FCS)
	ERF                Type = 197 // ERF
	BluetoothHCIH4PHdr Type = 201 // BLUETOOTH_HCI_H4_WITH_PHDR
	MPLS               Type = 219 // MPLS
	USBLinuxMmapped    Type = 220 // USB_LINUX_MMAPPED
	IPNet              Type = 226 // IPNET: Solaris ipnet
	CANSocketCAN       Type = 227 // CAN_SOCKETCAN
	IPv4               Type = 228 // IPV4: raw IPv4
	IPv6               Type = 229 // IPV6: raw IPv6
	IEEE802_15_4NoFCS  Type = 230 // IEEE802_15_4_NOFCS
	DBUS               Type = 231 // DBUS
	NFLog              Type = 239 // NFLOG: Linux netfilter log
	IPoIB              Type = 242 // IPOIB: RFC 4391 IP over InfiniBand
	MPEG2TS            Type = 243 // MPEG_2_TS
	PFSync             Type = 246 // PFSYNC
	USBPcap            Type = 249 // USBPCAP
	BluetoothLELL      Type = 251 // BLUETOOTH_LE_LL
	Netlink            Type = 253 // NETLINK: Linux netlink
	BluetoothLinuxMon  Type = 254 // BLUETOOTH_LINUX_MONITOR
	BluetoothLELLPHdr  Type = 256 // BLUETOOTH_LE_LL_WITH_PHDR
	PKTAP              Type = 258 // PKTAP
	VSock              Type = 271 // VSOCK
	NordicBLE          Type = 272 // NORDIC_BLE
	EthernetMPacket    Type = 274 // ETHERNET_MPACKET
	LinuxSLL2          Type = 276 // LINUX_SLL2: Linux cooked v2
	EBHSCR             Type = 279 // EBHSCR
	IEEE802_15_4TAP    Type = 283 // IEEE802_15_4_TAP
	USB2_0             Type = 288 // USB_2_0
	ATSCALP            Type = 289 // ATSC_ALP
	User0              Type = 147 // DLT_USER0 (no libpcap name); User0+n for USER1..USER15
	WiresharkUpperPDU  Type = 252 // DLT_WIRESHARK_UPPER_PDU (no libpcap name)
)

// DefaultMaxSnapLen is libpcap's MAXIMUM_SNAPLEN: the largest snapshot
// length, and the largest packet a savefile may hold, for every link type
// except the few MaxSnapLen lists.
const DefaultMaxSnapLen = 262144

// entry is one row of the table.
type entry struct {
	t           Type
	name        string
	description string
}

// lookup returns the table row for t.
func lookup(t Type) (entry, bool) {
	i := sort.Search(len(table), func(i int) bool { return table[i].t >= t })
	if i < len(table) && table[i].t == t {
		return table[i], true
	}
	return entry{}, false
}

// Name returns libpcap's name for t without the "DLT_" prefix ("EN10MB"),
// as pcap_datalink_val_to_name does, or "" when libpcap has none.
func (t Type) Name() string {
	e, _ := lookup(t)
	return e.name
}

// Description returns libpcap's description of t ("Ethernet"), as
// pcap_datalink_val_to_description does, or "" when libpcap has none.
func (t Type) Description() string {
	e, _ := lookup(t)
	return e.description
}

// Known reports whether libpcap has a name for t.
func (t Type) Known() bool {
	_, ok := lookup(t)
	return ok
}

// String returns t's libpcap name, or its decimal value when libpcap has
// no name for it (tcpdump prints such types as numbers too).
func (t Type) String() string {
	if e, ok := lookup(t); ok {
		return e.name
	}
	return strconv.FormatUint(uint64(t), 10)
}

// MaxSnapLen returns the largest captured length a packet of type t may
// have, as libpcap's max_snaplen_for_dlt does: 128 MiB for D-Bus, 8 MiB for
// EBHSCR, 1 MiB for USBPcap and DefaultMaxSnapLen (262144) for the rest.
func (t Type) MaxSnapLen() int {
	switch t {
	case DBUS:
		return 128 << 20
	case EBHSCR:
		return 8 << 20
	case USBPcap:
		return 1 << 20
	}
	return DefaultMaxSnapLen
}

// aliases are names libpcap's dlt.h defines as synonyms, or DLT_ names
// that have a value but no entry in libpcap's name table.
var aliases = map[string]Type{
	"CHDLC":                   CHDLC,
	"IEEE802_15_4_WITHFCS":    IEEE802_15_4,
	"LINUX_PPP_WITHDIRECTION": PPPPPPD,
	"PPP_WITH_DIRECTION":      PPPPPPD,
	"USB":                     186,
	"WIRESHARK_UPPER_PDU":     WiresharkUpperPDU,
	"EN3MB":                   2,
	"AX25":                    3,
	"PRONET":                  4,
	"CHAOS":                   5,
	"HDLC":                    112,
	"ECONET":                  115,
	"IPFILTER":                116,
	"CISCO_IOS":               118,
	"AIRONET_HEADER":          120,
	"RIO":                     124,
	"PCI_EXP":                 125,
	"AURORA":                  126,
	"TZSP":                    128,
	"IBM_SP":                  145,
	"IBM_SN":                  146,
	"GCOM_T1E1":               172,
	"GCOM_SERIAL":             173,
	"LAPD":                    203,
	"PPP_WITH_DIR":            204,
	"C_HDLC_WITH_DIR":         205,
	"FRELAY_WITH_DIR":         206,
	"LAPB_WITH_DIR":           207,
	"FLEXRAY":                 210,
	"MOST":                    211,
	"LIN":                     212,
	"X2E_SERIAL":              213,
	"X2E_XORAYA":              214,
	"GSMTAP_UM":               217,
	"GSMTAP_ABIS":             218,
	"LORATAP":                 270,
	"SERCOS_MONITOR":          277,
}

func init() {
	for i := 0; i < 16; i++ {
		aliases["USER"+strconv.Itoa(i)] = User0 + Type(i)
	}
}

// ByName returns the type with the given libpcap name, as
// pcap_datalink_name_to_val does: the match ignores case, and the name may
// carry a "DLT_" prefix ("en10mb", "DLT_EN10MB"). It also knows dlt.h's
// synonyms ("CHDLC") and the DLT_ names libpcap defines without listing
// ("USER0".."USER15", "LORATAP", ...).
func ByName(name string) (Type, bool) {
	n := strings.ToUpper(name)
	n = strings.TrimPrefix(n, "DLT_")
	for _, e := range table {
		if e.name == n {
			return e.t, true
		}
	}
	t, ok := aliases[n]
	return t, ok
}

// Types returns every type libpcap has a name for, in increasing order.
func Types() []Type {
	ts := make([]Type, len(table))
	for i, e := range table {
		ts[i] = e.t
	}
	return ts
}
