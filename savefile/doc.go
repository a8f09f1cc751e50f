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
// Errors name the input (the path, or "standard input" for "-") and,
// from the format readers, the record or block and its byte offset in
// the decompressed data. A compressed file cut short gives every packet
// it holds and then an error wrapping snare.ErrTruncated; corrupt
// compressed data is a *DecompressError wrapping snare.ErrFormat. Memory
// stays bounded however far a file expands: gzip needs its 32 KiB window,
// zstd at most a 128 MiB window (larger ones are refused, as the zstd
// command and Wireshark refuse them), and the readers grow their buffers
// only as data arrives.
//
// The package also registers the "file://" capture module with package
// snare, so that snare.NewHandle("file://trace.pcap.gz") reads a file
// through the Handle's API, filtering in user space.
//
// The formats themselves are packages pcapfile and pcapng; live capture
// sources are elsewhere.
package savefile
