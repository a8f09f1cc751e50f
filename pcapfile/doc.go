// Package pcapfile reads and writes classic libpcap capture files ("pcap",
// the format of tcpdump -w), as described in pcap-savefile(5).
//
// The Reader accepts both byte orders, microsecond (magic 0xa1b2c3d4) and
// nanosecond (0xa1b23c4d) timestamps and Alexey Kuznetzov's modified
// format (0xa1b2cd34, 24-byte record headers). It checks the header the way
// libpcap's sf-pcap.c does: version 2.0 to 2.4 (and DG/UX's 543.0) with
// the caplen/len swap of versions before 2.3, no reserved bits in the
// link-type word, the snapshot length clamped to the link type's maximum.
// It reads the file in large chunks and hands out packets without copying
// (ZeroCopyReadPacketData) or as fresh slices (ReadPacketData).
//
// The Writer writes µs or ns files in either byte order; OpenAppend adds
// packets to an existing file after checking that it matches.
//
// Errors are *Error values naming the file, the record (numbered from 1)
// and the byte offset; they wrap snare.ErrFormat, snare.ErrTruncated or the
// underlying I/O error. A file that ends inside a record yields every
// complete packet and then an error wrapping snare.ErrTruncated, not
// io.EOF; so does an input that ends with io.ErrUnexpectedEOF (a
// decompressor whose stream was cut short), even between records. The
// read buffer grows only as data arrives, so a corrupt length never
// makes the Reader allocate what it claims.
//
// Opening a file of either format by its magic, and compressed files, is
// package savefile's job; pcapng is package pcapng's.
package pcapfile
