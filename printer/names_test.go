package printer

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeDNS is a reverse lookup for DNSResolver that needs no network: it
// answers from a table, and for any other address blocks until the
// context ends, like a server that never answers. It counts the calls
// and records whether each had a deadline within the resolver's timeout.
type fakeDNS struct {
	mu       sync.Mutex
	names    map[string]string
	calls    map[string]int
	timeout  time.Duration
	deadline []bool // per call: the context had a deadline at most timeout away
}

func (f *fakeDNS) lookup(ctx context.Context, addr string) ([]string, error) {
	dl, ok := ctx.Deadline()
	f.mu.Lock()
	f.calls[addr]++
	f.deadline = append(f.deadline, ok && time.Until(dl) <= f.timeout)
	name, known := f.names[addr]
	f.mu.Unlock()
	if known {
		return []string{name}, nil
	}
	<-ctx.Done() // no answer: the resolver's timeout must end the wait
	return nil, ctx.Err()
}

func newFakeDNS(timeout time.Duration, names map[string]string) (*DNSResolver, *fakeDNS) {
	f := &fakeDNS{names: names, calls: map[string]int{}, timeout: timeout}
	r := NewDNSResolver(timeout)
	r.lookup = f.lookup
	return r, f
}

// TestDNSResolverTimeoutAndCache checks the default (no -n) resolver
// without the network: names come from reverse lookups with a trailing
// dot removed; a lookup that gets no answer gives up at the timeout and
// the address prints as a number; every answer, found or not, is
// cached, so each address is asked about once.
func TestDNSResolverTimeoutAndCache(t *testing.T) {
	const timeout = 50 * time.Millisecond
	r, f := newFakeDNS(timeout, map[string]string{"10.0.0.1": "alpha.example."})
	lines := printAll(t, "tcp", Options{Resolver: r, NoResolve: 0, Location: time.UTC})
	if !strings.Contains(lines[0], "IP alpha.example.43210 > 192.168.1.20.") {
		t.Errorf("first line %q: want alpha.example for 10.0.0.1 and 192.168.1.20 as a number", lines[0])
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatal("the printer never asked the resolver")
	}
	for addr, n := range f.calls {
		if n != 1 {
			t.Errorf("%s looked up %d times, want once (cache)", addr, n)
		}
	}
	for i, ok := range f.deadline {
		if !ok {
			t.Errorf("lookup %d ran without a deadline within %v", i, timeout)
		}
	}
	if name, ok := r.LookupAddr(netip.MustParseAddr("192.168.1.20")); ok || name != "" {
		t.Errorf("unanswered address: %q, %v; want no name", name, ok)
	}
	if f.calls["192.168.1.20"] != 1 {
		t.Errorf("a failed lookup was not cached: %d calls", f.calls["192.168.1.20"])
	}
}

// TestDNSResolverNotUsedWithN checks that -n and -nn never ask the
// resolver, and that the default printer uses a DNSResolver.
func TestDNSResolverNotUsedWithN(t *testing.T) {
	for _, n := range []int{1, 2} {
		r, f := newFakeDNS(time.Second, nil)
		printAll(t, "tcp", Options{Resolver: r, NoResolve: n, Location: time.UTC})
		if len(f.calls) != 0 {
			t.Errorf("-n x%d: %d lookups", n, len(f.calls))
		}
	}
	if _, ok := New(nil, Options{}).res.(*DNSResolver); !ok {
		t.Error("the default resolver is not a DNSResolver")
	}
}

// TestDNSResolverCacheBounded fills the cache past its bound: it is
// emptied, not grown.
func TestDNSResolverCacheBounded(t *testing.T) {
	r := NewDNSResolver(time.Second)
	calls := 0
	r.lookup = func(context.Context, string) ([]string, error) { calls++; return nil, errors.New("no name") }
	for i := range maxCache + 10 {
		r.LookupAddr(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}))
	}
	if len(r.cache) > maxCache || calls != maxCache+10 {
		t.Errorf("cache %d entries (bound %d), %d lookups", len(r.cache), maxCache, calls)
	}
}
