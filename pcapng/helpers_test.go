package pcapng

import (
	"net/netip"
	"os"
	"path/filepath"
)

// sharedDir returns ../shared/testdata relative to the module root.
func sharedDir() string {
	return filepath.Join("..", "..", "shared", "testdata")
}

func hasShared() bool {
	_, err := os.Stat(sharedDir())
	return err == nil
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
