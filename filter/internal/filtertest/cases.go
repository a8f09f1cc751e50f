// Package filtertest is the test harness of the pcap-filter compiler: it
// loads libpcap's filter test suite (cases.json), parses the expected
// programs from tcpdump -d text, runs programs in a small reference cBPF
// interpreter with libpcap's bpf_filter semantics (an oracle independent of
// package bpf's fast machine), generates packet corpora that reach every
// branch of a program, and reads the small capture files the suite applies
// filters to. It holds no test logic of its own; the tests are in package
// filter.
package filtertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/snare-pcap/snare/link"
)

// Cases is the whole of cases.json.
type Cases struct {
	About    string   `json:"about"`
	Hosts    []string `json:"hosts"`
	Ethers   []string `json:"ethers"`
	Networks []string `json:"networks"`
	Accept   []Accept `json:"accept"`
	Apply    []Apply  `json:"apply"`
	Reject   []Reject `json:"reject"`
}

// Accept is one accept block: aliases that all compile to the expected code.
type Accept struct {
	Name     string   `json:"name"`
	DLT      string   `json:"dlt"`
	Aliases  []string `json:"aliases"`
	Opt      []string `json:"opt"`   // tcpdump -d lines, nil if not checked
	Unopt    []string `json:"unopt"` // tcpdump -d lines, nil if not checked
	Needs    string   `json:"needs"`
	Skip     string   `json:"skip_on_linux_glibc"`
	SnapLen  int      `json:"snaplen"`
	Netmask  string   `json:"netmask"`
	LinuxExt bool     `json:"linuxext"`
	// Offline is "swapped" or "unswapped" for blocks whose code depends on
	// the byte order of the savefile the filter is compiled for (DLT_NULL
	// and DLT_LOOP headers), which compiler options do not express.
	Offline string `json:"generate_offline_filter"`
}

// Apply is one apply block: per-packet results of a filter on a capture.
type Apply struct {
	Name     string   `json:"name"`
	Savefile string   `json:"savefile"`
	Expr     string   `json:"expr"`
	Results  []uint32 `json:"results"`
	Needs    string   `json:"needs"`
	Netmask  string   `json:"netmask"`
}

// Reject is one reject case: an expression that must not compile.
type Reject struct {
	Name     string  `json:"name"`
	DLT      *string `json:"dlt"`
	Expr     *string `json:"expr"`
	ErrStr   string  `json:"errstr"`
	Needs    string  `json:"needs"`
	Skip     string  `json:"skip_on_linux_glibc"`
	Netmask  string  `json:"netmask"`
	Savefile string  `json:"savefile"`
}

// InScope lists the link types (DLT_ names without the prefix) whose cases
// the harness runs.
var InScope = []string{"EN10MB", "RAW", "IPV4", "IPV6", "NULL", "LOOP", "LINUX_SLL",
	"LINUX_SLL2", "PPP", "PPP_BSDOS", "PPP_PPPD", "C_HDLC", "SLIP", "ENC", "IPNET"}

// IsInScope reports whether the DLT name is one of InScope.
func IsInScope(dlt string) bool {
	for _, s := range InScope {
		if s == dlt {
			return true
		}
	}
	return false
}

// DLT returns the link type for a DLT_ name without the prefix.
func DLT(name string) (link.Type, error) {
	if t, ok := link.ByName(name); ok {
		return t, nil
	}
	if t, ok := link.ByName("DLT_" + name); ok {
		return t, nil
	}
	return 0, fmt.Errorf("unknown DLT name %q", name)
}

// NetmaskUnknown is libpcap's PCAP_NETMASK_UNKNOWN, what filtertest passes
// when no -m option is given.
const NetmaskUnknown = 0xffffffff

// Netmask parses a dotted-quad netmask into host byte order; the empty
// string gives NetmaskUnknown, as filtertest does.
func Netmask(s string) (uint32, error) {
	if s == "" {
		return NetmaskUnknown, nil
	}
	var a [4]uint32
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return 0, fmt.Errorf("bad netmask %q", s)
	}
	for i, p := range parts {
		var v uint32
		if _, err := fmt.Sscanf(p, "%d", &v); err != nil || v > 255 {
			return 0, fmt.Errorf("bad netmask %q", s)
		}
		a[i] = v
	}
	return a[0]<<24 | a[1]<<16 | a[2]<<8 | a[3], nil
}

// SuiteDir returns the directory that holds cases.json and captures/, found
// as ../shared/testdata/libpcap-filter relative to the module root above the
// working directory, or an error saying where it looked.
func SuiteDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(d, "..", "shared", "testdata", "libpcap-filter")
			if _, err := os.Stat(filepath.Join(s, "cases.json")); err != nil {
				return "", fmt.Errorf("libpcap filter suite not found: %w", err)
			}
			return s, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("module root (go.mod) not found above " + dir)
		}
	}
}

// Load reads and decodes cases.json from dir.
func Load(dir string) (*Cases, error) {
	b, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		return nil, err
	}
	var c Cases
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("cases.json: %w", err)
	}
	return &c, nil
}

// Table splits the "address name" lines of a hosts/ethers table into
// name -> addresses (first field is the address, the rest are names); for
// the networks table ("name address") pass swapped true.
func Table(lines []string, swapped bool) map[string][]string {
	m := map[string][]string{}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		addr, names := f[0], f[1:]
		if swapped {
			addr, names = f[len(f)-1], f[:len(f)-1]
		}
		for _, n := range names {
			m[n] = append(m[n], addr)
		}
	}
	return m
}
