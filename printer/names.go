package printer

import (
	"bufio"
	"context"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Resolver turns an address into a host name for printing, as tcpdump
// does without -n. LookupAddr returns false when the address has no name;
// the printer then prints the address.
type Resolver interface {
	LookupAddr(ip netip.Addr) (name string, ok bool)
}

func (p *Printer) resolve(a []byte) string {
	ip, ok := netip.AddrFromSlice(a)
	if !ok {
		return ""
	}
	if name, ok := p.res.LookupAddr(ip); ok {
		return name
	}
	return ""
}

// DNSResolver resolves addresses with reverse DNS, waiting at most Timeout
// per address and caching every answer, including failures. It is safe
// for concurrent use.
type DNSResolver struct {
	Timeout time.Duration // how long one reverse lookup may take
	mu      sync.Mutex
	cache   map[netip.Addr]string
	r       net.Resolver
	// lookup is the reverse lookup (r.LookupAddr); tests replace it.
	lookup func(ctx context.Context, addr string) ([]string, error)
}

// NewDNSResolver returns a DNSResolver; a zero timeout means 500ms.
func NewDNSResolver(timeout time.Duration) *DNSResolver {
	if timeout <= 0 {
		timeout = 500 * time.Millisecond
	}
	r := &DNSResolver{Timeout: timeout, cache: make(map[netip.Addr]string)}
	r.lookup = r.r.LookupAddr
	return r
}

// maxCache bounds the resolver's cache; it is emptied when full.
const maxCache = 1 << 16

// LookupAddr implements Resolver.
func (r *DNSResolver) LookupAddr(ip netip.Addr) (string, bool) {
	r.mu.Lock()
	name, ok := r.cache[ip]
	r.mu.Unlock()
	if ok {
		return name, name != ""
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 500 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	lookup := r.lookup
	if lookup == nil { // a DNSResolver made without NewDNSResolver
		lookup = r.r.LookupAddr
	}
	names, err := lookup(ctx, ip.String())
	cancel()
	name = ""
	if err == nil && len(names) > 0 {
		name = strings.TrimSuffix(names[0], ".")
	}
	r.mu.Lock()
	if r.cache == nil {
		r.cache = make(map[netip.Addr]string)
	}
	if len(r.cache) >= maxCache {
		clear(r.cache)
	}
	r.cache[ip] = name
	r.mu.Unlock()
	return name, name != ""
}

// MapResolver is a fixed table of names, for tests and for /etc/hosts-like
// use.
type MapResolver map[netip.Addr]string

// LookupAddr implements Resolver.
func (m MapResolver) LookupAddr(ip netip.Addr) (string, bool) {
	n, ok := m[ip]
	return n, ok
}

var (
	servOnce sync.Once
	tcpServ  map[uint16]string
	udpServ  map[uint16]string
)

func loadServices() {
	tcpServ = map[uint16]string{}
	udpServ = map[uint16]string{}
	f, err := os.Open("/etc/services")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fs := strings.Fields(line)
		if len(fs) < 2 {
			continue
		}
		pp := strings.SplitN(fs[1], "/", 2)
		if len(pp) != 2 {
			continue
		}
		n, err := strconv.Atoi(pp[0])
		if err != nil || n < 0 || n > 65535 {
			continue
		}
		m := tcpServ
		if pp[1] == "udp" {
			m = udpServ
		} else if pp[1] != "tcp" {
			continue
		}
		if _, dup := m[uint16(n)]; !dup {
			m[uint16(n)] = fs[0]
		}
	}
}

func servName(port uint16, udp bool) string {
	servOnce.Do(loadServices)
	if udp {
		return udpServ[port]
	}
	return tcpServ[port]
}

var protoOnce sync.Once
var protoNames map[uint8]string

func protoNetdbName(p uint8) string {
	protoOnce.Do(func() {
		protoNames = map[uint8]string{}
		data, err := os.ReadFile("/etc/protocols")
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(data), "\n") {
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			fs := strings.Fields(line)
			if len(fs) < 2 {
				continue
			}
			n, err := strconv.Atoi(fs[1])
			if err != nil || n < 0 || n > 255 {
				continue
			}
			if _, dup := protoNames[uint8(n)]; !dup {
				protoNames[uint8(n)] = fs[0]
			}
		}
	})
	return protoNames[p]
}
