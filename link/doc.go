// Package link is the table of link-layer header types that libpcap knows.
package link

// Type is a link-layer header type, as a DLT_ value (what
// pcap_datalink returns). Capture files store LINKTYPE_ values; convert
// with FromLinktype and ToLinktype.
type Type uint32
