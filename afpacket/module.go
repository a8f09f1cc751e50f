//go:build linux

package afpacket

import "github.com/snare-pcap/snare"

func init() { snare.Register(module{}) }

// module is the afpacket capture module: it claims plain interface names
// and "any".
type module struct{}

// Name is "afpacket".
func (module) Name() string { return "afpacket" }

// Prefixes claims plain names (no "scheme://").
func (module) Prefixes() []string { return []string{""} }

// Devices lists the interfaces of the calling thread's network namespace
// and "any".
func (module) Devices() ([]snare.Interface, error) { return devices() }

// Create returns an inactive source; the device is looked up on
// activation.
func (module) Create(device string) (snare.Source, error) { return newSource(device), nil }

var _ snare.Source = (*src)(nil)
var _ snare.Pender = (*src)(nil)
