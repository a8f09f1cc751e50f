// Package snare is packet capture for Go without cgo.
//
// The root package holds what every capture module and every consumer
// shares: the per-packet metadata ([CaptureInfo]), the packet direction,
// the sentinel errors modelled on libpcap's error codes, the [Source]
// interface that capture modules implement, their registry, and the
// [Handle] that drives a source through libpcap's life cycle (create,
// set options, activate, read, close).
//
// Capture modules live in their own packages and register themselves
// the way database/sql drivers do: savefile claims "file://", afpacket
// claims Linux interface names and "any", rpcap claims "rpcap://".
package snare
