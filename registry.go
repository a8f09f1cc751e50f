package snare

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// A Module is a capture module: a kind of device (Linux interfaces, capture
// files, remote hosts). It lists its devices and creates sources for the
// device names it claims. Register modules with [Register], usually from
// the module package's init function, the way database/sql drivers
// register; import the package for its side effect:
//
//	import _ "github.com/snare-pcap/snare/afpacket"
type Module interface {
	// Name identifies the module ("afpacket", "savefile").
	Name() string
	// Prefixes are the device-name prefixes the module claims, such as
	// "file://". The empty prefix claims plain names (no "scheme://"):
	// interface names.
	Prefixes() []string
	// Devices lists the module's devices (may be empty).
	Devices() ([]Interface, error)
	// Create returns an inactive source for device. It returns an error
	// wrapping ErrNoSuchDevice when the device does not exist (it may
	// also defer that check to Activate).
	Create(device string) (Source, error)
}

var registry struct {
	sync.RWMutex
	modules []Module
}

// Register makes a capture module available to NewHandle and
// FindAllDevs. It panics if a module with the same name is already
// registered, or if m is nil.
func Register(m Module) {
	if m == nil {
		panic("snare: Register of nil module")
	}
	registry.Lock()
	defer registry.Unlock()
	for _, o := range registry.modules {
		if o.Name() == m.Name() {
			panic("snare: Register called twice for module " + m.Name())
		}
	}
	registry.modules = append(registry.modules, m)
}

// Modules returns the registered modules in registration order.
func Modules() []Module {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Clone(registry.modules)
}

// moduleFor returns the module that claims device: the one with the
// longest matching prefix. A name without "://" also matches the empty
// prefix.
func moduleFor(device string) (Module, error) {
	registry.RLock()
	defer registry.RUnlock()
	var best Module
	bestLen := -1
	for _, m := range registry.modules {
		for _, p := range m.Prefixes() {
			if p == "" {
				if strings.Contains(device, "://") {
					continue
				}
			} else if !strings.HasPrefix(device, p) {
				continue
			}
			if len(p) > bestLen {
				best, bestLen = m, len(p)
			}
		}
	}
	if best == nil {
		if len(registry.modules) == 0 {
			return nil, fmt.Errorf("%s: no capture module is registered (import _ \"github.com/snare-pcap/snare/afpacket\"): %w", device, ErrNoSuchDevice)
		}
		return nil, fmt.Errorf("%s: no capture module claims this device: %w", device, ErrNoSuchDevice)
	}
	return best, nil
}
