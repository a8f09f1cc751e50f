// Package savefile opens capture files of either format, pcap or pcapng,
// choosing by the file's magic number, and transparently decompresses
// gzip- and zstd-compressed captures (which tcpdump cannot read and
// Wireshark can). It also creates files of either format.
//
// Open and NewReader return a Reader: the methods common to
// pcapfile.Reader and pcapng.Reader, with a zero-copy read that allocates
// nothing per packet. The concrete type, *File, also gives the format,
// the compression and the underlying format reader.
//
// The formats themselves are packages pcapfile and pcapng; live capture
// sources are elsewhere.
package savefile
