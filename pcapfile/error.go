package pcapfile

import (
	"strconv"
	"strings"
)

// Error is a problem with a pcap file: what, and where.
type Error struct {
	// File is the file's name, or "" when the reader was not given one.
	File string
	// Record is the number of the record (the first is 1), or 0 for the
	// file header.
	Record int64
	// Offset is the byte offset of the record (or header) in the file.
	Offset int64
	// Msg says what is wrong, in libpcap's words where libpcap has some.
	Msg string
	// Err is snare.ErrFormat, snare.ErrTruncated or an I/O error.
	Err error
}

// Error returns "FILE: record N at byte offset O: MSG".
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Record > 0 {
		b.WriteString("record ")
		b.WriteString(strconv.FormatInt(e.Record, 10))
		b.WriteString(" at byte offset ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
		b.WriteString(": ")
	} else {
		b.WriteString("file header: ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns Err, so errors.Is(err, snare.ErrTruncated) works.
func (e *Error) Unwrap() error { return e.Err }
