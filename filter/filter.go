// Package filter compiles pcap-filter(7) expressions ("tcp port 80 and not
// host 10.0.0.1") into classic BPF programs, in pure Go, following
// libpcap's code generator (libpcap master, the version of libpcap's own
// test suite) so that the output is equivalent to, and usually
// instruction for instruction the same as, what pcap_compile produces.
//
// The compiler has the shape of a small compiler: a scanner with column
// positions, a recursive-descent parser that builds an expression tree
// with libpcap's precedence ("and" and "or" bind equally and associate
// left) and its qualifier shorthand ("host a or b", "port 80 or 443"), a
// code generator that builds a graph of basic blocks the way libpcap's
// gencode does, a linearizer that lays the graph out in libpcap's order,
// and an optional optimizer pass (jump threading on known test outcomes,
// constant folding through scratch memory, dead statements, libpcap's
// peepholes, redundant load removal, merging of equal blocks) that keeps
// every program equivalent to the unoptimized one, including on
// truncated packets; 99% of libpcap's test-suite programs come out
// instruction for instruction as libpcap's. Names (hosts, networks, services, protocols,
// Ethernet addresses) are resolved through a Resolver.
//
// Link types: EN10MB, RAW, IPV4, IPV6, NULL, LOOP, ENC, LINUX_SLL,
// LINUX_SLL2, PPP, PPP_PPPD, PPP_BSDOS, C_HDLC, SLIP and IPNET fully;
// FDDI and IEEE802 (token ring) for the common primitives. The "Linux
// socket" mode (Options.LinuxSocket) uses the kernel's ancillary data for
// inbound/outbound, ifindex and VLAN tags, as libpcap does on a live
// PF_PACKET handle.
//
// Programs that use protochain contain a backward jump, as libpcap's do;
// the Linux kernel does not accept them, so such filters must run in
// userland. No forward-only program can be exact: each round of the loop
// steps over one IPv6 extension header (8 bytes or more, about 25
// instructions), and the kernel filters whole packets (up to 64 KiB,
// whatever the snap length), so an unrolled loop would need thousands of
// rounds, far past the kernel's 4096 instructions. An exact split is
// possible: a kernel prefilter unrolled a few rounds that accepts the
// packets whose chain is longer, with this program run in userland on
// what it passes; it needs the capture side to run two programs.
//
// The package knows nothing of sockets or files: callers attach or run
// the resulting program with package bpf.
package filter

import (
	"fmt"
	"strings"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/link"
)

// NetmaskUnknown is the Options.Netmask value that means the netmask is
// not known (libpcap's PCAP_NETMASK_UNKNOWN).
const NetmaskUnknown = 0xffffffff

// DefaultSnapLen is the snapshot length used when Options.SnapLen is 0.
const DefaultSnapLen = 262144

// Options control how an expression is compiled.
type Options struct {
	// LinkType is the DLT_ value of the packets the program will see.
	LinkType link.Type
	// SnapLen is the value a matching packet returns; 0 means 262144.
	SnapLen int
	// Netmask is the IPv4 netmask of the capture network, used by
	// "ip broadcast". NetmaskUnknown (libpcap's PCAP_NETMASK_UNKNOWN)
	// makes "ip broadcast" an error; 0 is a real (if odd) netmask, as in
	// libpcap.
	Netmask uint32
	// Optimize runs the optimizer over the generated code.
	Optimize bool
	// LinuxSocket compiles for a live Linux PF_PACKET socket: direction,
	// interface index and VLAN tags are read from the kernel's ancillary
	// data (SKF_AD_*) rather than from the packet bytes.
	LinuxSocket bool
	// Resolver resolves names; nil means DefaultResolver().
	Resolver *Resolver
}

// Error is a compilation error: the expression, the 1-based column where
// the problem was found (0 when it concerns the expression as a whole),
// and a message that carries libpcap's wording. Where libpcap master and
// libpcap 1.10 (what most systems' tcpdump runs) word an error
// differently, the message gives master's words, then "; " and 1.10's,
// so that a search for either finds it: "port number 99999 greater than
// maximum 65535; illegal port number 99999 > 65535".
type Error struct {
	Expr   string // the expression as given
	Column int    // where the problem starts, counted from 1 (0: not known)
	Msg    string // what is wrong, in libpcap's words where it has some
}

// Error formats the error with its column, for example
// "can't parse filter expression: syntax error at column 12: unexpected
// 'prot'" (libpcap's and tcpdump's words) or "unknown host 'foo' (at
// column 6)".
func (e *Error) Error() string {
	if e.Column <= 0 {
		return e.Msg
	}
	if len(e.Msg) > 12 && e.Msg[:12] == "syntax error" {
		return fmt.Sprintf("can't parse filter expression: syntax error at column %d%s", e.Column, e.Msg[12:])
	}
	return fmt.Sprintf("%s (at column %d)", e.Msg, e.Column)
}

// Compile compiles a pcap-filter expression into a BPF program for the
// link type, snap length and mode given in opts. An empty expression
// compiles to a program that accepts every packet.
func Compile(expr string, opts Options) (prog bpf.Program, err error) {
	if opts.SnapLen <= 0 {
		opts.SnapLen = DefaultSnapLen
	}
	if opts.Resolver == nil {
		opts.Resolver = DefaultResolver()
	}
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			ce.Expr = expr
			ce.Msg = strings.ReplaceAll(ce.Msg, "%DLT%", dltName(uint32(opts.LinkType)))
			prog, err = nil, ce
		}
	}()
	p := newParser(expr)
	tree := p.parseProgram()
	g := newGen(&opts)
	root := g.program(tree)
	if opts.Optimize {
		root = optimize(root)
		if rejectsAll(root) {
			// libpcap's optimizer refuses such programs.
			fail(-1, "expression rejects all packets")
		}
	}
	return linearize(root), nil
}

// fail aborts compilation with an error at byte position pos (-1: none).
func fail(pos int, format string, args ...any) {
	panic(&Error{Column: pos + 1, Msg: fmt.Sprintf(format, args...)})
}
