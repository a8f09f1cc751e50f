package pcapng

import (
	"net/netip"
	"path/filepath"
)

// sharedDir returns ../shared/testdata relative to the module root, for
// fuzz seeds (tests use testenv.Shared, which skips when it is absent).
func sharedDir() string {
	return filepath.Join("..", "..", "shared", "testdata")
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
