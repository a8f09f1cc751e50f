//go:build linux

// Package testnet builds private network namespaces for tests that send
// and capture real packets: two namespaces joined by a veth pair, with
// addresses from the RFC 2544 benchmark range (198.18.0.0/15), static
// neighbour entries and IPv6 disabled, so the only traffic on the pair is
// what the test sends. Nothing can leave: neither namespace has any other
// interface or route. The namespaces are always deleted by t.Cleanup.
//
// Tests skip (with the reason) when not run as root or when the ip
// command is missing.
package testnet

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Pair is two namespaces, A and B, joined by a veth pair: interface
// IfA (address AddrA) in A, IfB (AddrB) in B.
type Pair struct {
	NS         [2]string  // namespace names: NS[A], NS[B]
	IfA, IfB   string     // the veth ends: IfA in NS[A], IfB in NS[B]
	AddrA      netip.Addr // IfA's address
	AddrB      netip.Addr // IfB's address
	MACA, MACB string     // the ends' Ethernet addresses
}

// Namespace indexes for Pair.NS, Do and Exec.
const (
	A = 0
	B = 1
)

var counter atomic.Uint32

// Skip skips t unless namespaces can be created here.
func Skip(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("testnet: needs root to create network namespaces")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("testnet: the ip command (iproute2) is not installed")
	}
}

func run(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("testnet: %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// New creates the two namespaces and the veth pair, up, with addresses
// 198.18.N.1/30 (A) and 198.18.N.2/30 (B) and permanent neighbour entries
// (no ARP). It registers their deletion with t.Cleanup.
func New(t testing.TB) *Pair {
	t.Helper()
	Skip(t)
	n := counter.Add(1)
	id := fmt.Sprintf("snare%d-%d", os.Getpid(), n)
	p := &Pair{
		NS:    [2]string{id + "a", id + "b"},
		IfA:   "veth0",
		IfB:   "veth1",
		AddrA: netip.AddrFrom4([4]byte{198, 18, byte(n % 64 * 4), 1}),
		AddrB: netip.AddrFrom4([4]byte{198, 18, byte(n % 64 * 4), 2}),
	}
	for _, ns := range p.NS {
		run(t, "ip", "netns", "add", ns)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	}
	for _, ns := range p.NS {
		exec.Command("ip", "netns", "exec", ns, "sysctl", "-qw",
			"net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1").Run()
	}
	run(t, "ip", "link", "add", p.IfA, "netns", p.NS[A], "type", "veth", "peer", "name", p.IfB, "netns", p.NS[B])
	run(t, "ip", "-n", p.NS[A], "addr", "add", p.AddrA.String()+"/30", "brd", "+", "dev", p.IfA)
	run(t, "ip", "-n", p.NS[B], "addr", "add", p.AddrB.String()+"/30", "brd", "+", "dev", p.IfB)
	for _, ns := range p.NS {
		run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	}
	run(t, "ip", "-n", p.NS[A], "link", "set", p.IfA, "up")
	run(t, "ip", "-n", p.NS[B], "link", "set", p.IfB, "up")
	// Wait until both ends are operationally up (RUNNING), so device
	// flags and the first packets do not race the kernel's link watch.
	for i, ifname := range []string{p.IfA, p.IfB} {
		for try := 0; ; try++ {
			out := run(t, "ip", "-n", p.NS[i], "-o", "link", "show", "dev", ifname)
			if strings.Contains(out, "state UP") {
				break
			}
			if try == 250 {
				t.Fatalf("testnet: %s did not come up: %s", ifname, out)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	p.MACA = run(t, "ip", "netns", "exec", p.NS[A], "cat", "/sys/class/net/"+p.IfA+"/address")
	p.MACB = run(t, "ip", "netns", "exec", p.NS[B], "cat", "/sys/class/net/"+p.IfB+"/address")
	run(t, "ip", "-n", p.NS[A], "neigh", "replace", p.AddrB.String(), "lladdr", p.MACB, "dev", p.IfA, "nud", "permanent")
	run(t, "ip", "-n", p.NS[B], "neigh", "replace", p.AddrA.String(), "lladdr", p.MACA, "dev", p.IfB, "nud", "permanent")
	return p
}

// Run runs a command in namespace ns (ip -n NS ...). It fails t on error.
func (p *Pair) Run(t testing.TB, ns int, args ...string) string {
	t.Helper()
	return run(t, append([]string{"ip", "netns", "exec", p.NS[ns]}, args...)...)
}

// Command returns a command that runs in namespace ns (ip netns exec).
func (p *Pair) Command(ns int, name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", p.NS[ns], name}, args...)...)
}

// Do runs fn on an OS thread that has entered namespace ns, and waits for
// it. Sockets fn creates belong to that namespace for their whole life,
// whichever goroutine uses them later. The thread is discarded afterwards
// (its goroutine exits still locked), so no other goroutine ever runs in
// the namespace.
func (p *Pair) Do(t testing.TB, ns int, fn func()) {
	t.Helper()
	errc := make(chan error, 1)
	panicc := make(chan any, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		fd, err := unix.Open("/run/netns/"+p.NS[ns], unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- err
			return
		}
		err = unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
		if err != nil {
			errc <- fmt.Errorf("setns %s: %w", p.NS[ns], err)
			return
		}
		defer func() {
			if r := recover(); r != nil {
				panicc <- r
				errc <- nil
			}
		}()
		fn()
		errc <- nil
	}()
	if err := <-errc; err != nil {
		t.Fatalf("testnet: %v", err)
	}
	select {
	case r := <-panicc:
		panic(r)
	default:
	}
}
