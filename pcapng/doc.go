// Package pcapng reads and writes capture files in the pcapng format
// (draft-ietf-opsawg-pcapng), the format Wireshark writes by default.
//
// A [Reader] delivers the packets of every Enhanced, Simple and (obsolete)
// Packet Block of a file, in order, each with its interface index, link
// type and a nanosecond [time.Time] timestamp converted with the
// interface's if_tsresol and if_tsoffset. It follows every section (each
// Section Header Block may switch byte order and starts a new set of
// interfaces), keeps the Interface Description Blocks, Name Resolution
// Blocks, Interface Statistics Blocks and Decryption Secrets Blocks it
// has seen, hands custom blocks to a callback and skips blocks it does
// not know. Corrupt input gets a [*FormatError] naming the file, the
// block and its byte offset, wrapping [snare.ErrFormat] or
// [snare.ErrTruncated]; the reader refuses blocks over its maximum block
// size (16 MiB unless the link type needs more, as libpcap does) and
// grows its buffer only as a block's data arrives, so a corrupt length
// in a small file cannot make it allocate the length it claims.
//
// A [Writer] writes one section: a Section Header Block, one Interface
// Description Block per [Writer.AddInterface], Enhanced Packet Blocks
// with flags and comments, optional Name Resolution Blocks, and
// Interface Statistics Blocks on Close.
//
// Opening a file by its magic number, and compressed files, are the job
// of package savefile; classic pcap files are package pcapfile's.
package pcapng
