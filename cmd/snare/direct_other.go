//go:build !linux

package main

import (
	"errors"
	"io"
	"time"

	"github.com/snare-pcap/snare"
)

// directWriter writes pcap records straight from the capture ring; only
// Linux has one (see direct.go).
type directWriter struct{}

// newDirectWriter returns nil: live -w files go through the queue.
func newDirectWriter(io.Writer, bool, int, bool) *directWriter { return nil }

func (*directWriter) write([]snare.Packet, time.Time) (bool, error) {
	return false, errors.New("no direct writer on this system")
}

func (*directWriter) flush() error { return nil }
