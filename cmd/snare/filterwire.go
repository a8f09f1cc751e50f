package main

import (
	"fmt"
	"strings"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/filter"
	"github.com/snare-pcap/snare/link"
)

// compileProgram compiles cfg's expression for link type lt, as
// pcap_compile does for tcpdump: optimized unless -O, with the netmask
// tcpdump passes (0 when reading files).
func compileProgram(cfg *config, lt link.Type, snap int, netmask uint32) (bpf.Program, error) {
	prog, err := filter.Compile(cfg.expr, filter.Options{
		LinkType: lt,
		SnapLen:  snap,
		Netmask:  netmask,
		Optimize: !cfg.noOptimize,
	})
	if err != nil {
		return nil, filterError(err)
	}
	return prog, nil
}

// filterError words a compilation error as tcpdump does: syntax errors
// come after "can't parse filter expression: ".
func filterError(err error) error {
	msg := err.Error()
	if strings.HasPrefix(msg, "syntax error") {
		return errorf("can't parse filter expression: %s", msg)
	}
	return errorf("%s", msg)
}

// compileMatcher compiles cfg's expression for packets of link type lt
// and returns a function that says whether a packet (its captured
// bytes and wire length) matches; nil means every packet does.
func compileMatcher(cfg *config, lt link.Type, snap int) (func([]byte, int) bool, error) {
	if strings.TrimSpace(cfg.expr) == "" {
		return nil, nil
	}
	prog, err := compileProgram(cfg, lt, snap, 0)
	if err != nil {
		return nil, err
	}
	m, err := bpf.NewMachine(prog)
	if err != nil {
		return nil, errorf("filter program: %v", err)
	}
	return func(pkt []byte, wire int) bool { return m.Run(pkt, wire) != 0 }, nil
}

// matcher filters packets whose link type may change from packet to
// packet (pcapng files with several interfaces): it compiles the
// expression once per link type, on first sight.
type matcher struct {
	cfg     *config
	snap    int
	lastLT  link.Type
	last    func([]byte, int) bool
	byType  map[link.Type]func([]byte, int) bool
	noMatch bool // no expression: everything matches
}

// newMatcher compiles cfg's expression for the file's link type lt (so
// a bad expression fails before any packet is read).
func newMatcher(cfg *config, lt link.Type, snap int) (*matcher, error) {
	m := &matcher{cfg: cfg, snap: snap, byType: map[link.Type]func([]byte, int) bool{}}
	if strings.TrimSpace(cfg.expr) == "" {
		m.noMatch = true
		return m, nil
	}
	f, err := compileMatcher(cfg, lt, snap)
	if err != nil {
		return nil, err
	}
	m.lastLT, m.last, m.byType[lt] = lt, f, f
	return m, nil
}

// match reports whether the packet passes the filter.
func (m *matcher) match(data []byte, wire int, lt link.Type) (bool, error) {
	if m.noMatch {
		return true, nil
	}
	if lt != m.lastLT {
		f, ok := m.byType[lt]
		if !ok {
			var err error
			if f, err = compileMatcher(m.cfg, lt, m.snap); err != nil {
				return false, err
			}
			m.byType[lt] = f
		}
		m.lastLT, m.last = lt, f
	}
	return m.last(data, wire), nil
}

// dumpProgram prints the compiled expression for -d, -dd or -ddd.
func dumpProgram(cfg *config, e *env, lt link.Type, snap int) error {
	prog, err := compileProgram(cfg, lt, snap, 0)
	if err != nil {
		return err
	}
	return printProgram(cfg, e, prog)
}

// printProgram prints prog in -d's, -dd's or -ddd's form.
func printProgram(cfg *config, e *env, prog bpf.Program) error {
	var text string
	switch cfg.dump {
	case 1:
		text = prog.Disassemble()
	case 2:
		text = prog.FormatC()
	default:
		text = prog.FormatDecimal()
	}
	_, err := fmt.Fprint(e.stdout, text)
	return err
}

// dumpDead compiles for -y's link type (Ethernet if none, with
// tcpdump's warning) and -s's snap length without a device, as
// pcap_open_dead does, and prints the program.
func dumpDead(cfg *config, e *env) error {
	lt := link.Type(1)
	if cfg.linkType != "" {
		t, err := linkTypeByName(cfg.linkType)
		if err != nil {
			return err
		}
		lt = t
	} else {
		fmt.Fprintln(e.stderr, "Warning: assuming Ethernet")
	}
	snap := cfg.snaplen
	if snap <= 0 {
		snap = maxSnaplen
	}
	return dumpProgram(cfg, e, lt, snap)
}

// linkTypeByName resolves -y's argument.
func linkTypeByName(name string) (link.Type, error) {
	t, ok := link.ByName(name)
	if !ok {
		return 0, errorf("invalid data link type %s", name)
	}
	return t, nil
}
