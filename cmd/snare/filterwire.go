package main

import (
	"strings"

	"github.com/snare-pcap/snare/link"
)

// compileMatcher compiles cfg's expression for packets of link type lt
// and returns a function that says whether a packet (its captured
// bytes and wire length) matches; nil means every packet does.
func compileMatcher(cfg *config, lt link.Type, snap int) (func([]byte, int) bool, error) {
	if strings.TrimSpace(cfg.expr) == "" {
		return nil, nil
	}
	return nil, errorf("filter expressions are not supported yet")
}

// dumpProgram prints the compiled expression for -d, -dd or -ddd.
func dumpProgram(cfg *config, e *env, lt link.Type, snap int) error {
	return errorf("-d is not supported yet")
}

// dumpDead compiles for -y's link type (Ethernet if none) without a
// device, as pcap_open_dead does, and prints the program.
func dumpDead(cfg *config, e *env) error {
	return errorf("-d is not supported yet")
}
