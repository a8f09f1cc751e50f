// Package link is the table of link-layer header types that libpcap knows.
//
// A Type is a DLT_ value. Its Name, Description and String follow
// libpcap's pcap_datalink_val_to_name and pcap_datalink_val_to_description
// (libpcap 1.10.3's table), ByName follows pcap_datalink_name_to_val, and
// MaxSnapLen follows max_snaplen_for_dlt. FromLinktype and ToLinktype
// convert between DLT_ values and the LINKTYPE_ values stored in capture
// files; SplitField and JoinField handle the extra bits (FCS length,
// reserved) of a pcap file header's link-type word.
//
// The package holds no packet decoding.
package link

// Type is a link-layer header type, as a DLT_ value (what
// pcap_datalink returns). Capture files store LINKTYPE_ values; convert
// with FromLinktype and ToLinktype.
type Type uint32
