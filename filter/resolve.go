package filter

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

// Service is a port number and the IP protocol ("tcp", "udp", "sctp")
// a service name was found for.
type Service struct {
	Port  uint16 // the port number
	Proto string // "tcp", "udp" or "sctp"
}

// Tables are the name tables a Resolver consults. Keys are matched
// without regard to case.
type Tables struct {
	Hosts     map[string][]netip.Addr // host name -> addresses
	Ethers    map[string][6]byte      // host name -> Ethernet address
	Networks  map[string]uint32       // network name -> IPv4 network number
	Services  map[string][]Service    // service name -> ports
	Protocols map[string]int          // protocol name -> IP protocol number
}

// Resolver resolves the names used in filter expressions.
type Resolver struct {
	t Tables
	// dns enables lookups of host names missing from the tables through
	// the system's resolver (DefaultResolver only).
	dns bool
}

// NewResolver returns a resolver that consults only the given tables
// (and the built-in names for common protocols and services). Nil maps
// are treated as empty.
func NewResolver(t Tables) *Resolver {
	r := &Resolver{t: Tables{
		Hosts: map[string][]netip.Addr{}, Ethers: map[string][6]byte{},
		Networks: map[string]uint32{}, Services: map[string][]Service{}, Protocols: map[string]int{},
	}}
	for k, v := range t.Hosts {
		r.t.Hosts[strings.ToLower(k)] = v
	}
	for k, v := range t.Ethers {
		r.t.Ethers[strings.ToLower(k)] = v
	}
	for k, v := range t.Networks {
		r.t.Networks[strings.ToLower(k)] = v
	}
	for k, v := range t.Services {
		r.t.Services[strings.ToLower(k)] = v
	}
	for k, v := range t.Protocols {
		r.t.Protocols[strings.ToLower(k)] = v
	}
	return r
}

var (
	defaultOnce     sync.Once
	defaultResolver *Resolver
)

// DefaultResolver returns a resolver that reads the system files
// (/etc/hosts, /etc/ethers, /etc/networks, /etc/services,
// /etc/protocols) once, on first use. It does not query DNS; see
// WithDNS.
func DefaultResolver() *Resolver {
	defaultOnce.Do(func() {
		defaultResolver = NewResolver(SystemTables("/etc"))
	})
	return defaultResolver
}

// SystemTables reads hosts, ethers, networks, services and protocols
// files from dir; missing files give empty tables.
func SystemTables(dir string) Tables {
	t := Tables{
		Hosts: map[string][]netip.Addr{}, Ethers: map[string][6]byte{},
		Networks: map[string]uint32{}, Services: map[string][]Service{}, Protocols: map[string]int{},
	}
	eachLine(dir+"/hosts", func(f []string) {
		a, err := netip.ParseAddr(f[0])
		if err != nil {
			return
		}
		for _, n := range f[1:] {
			n = strings.ToLower(n)
			t.Hosts[n] = append(t.Hosts[n], a)
		}
	})
	eachLine(dir+"/ethers", func(f []string) {
		if len(f) < 2 {
			return
		}
		m, ok := parseMAC(f[0])
		if ok {
			t.Ethers[strings.ToLower(f[1])] = m
		}
	})
	eachLine(dir+"/networks", func(f []string) {
		if len(f) < 2 {
			return
		}
		if v, _, ok := atoin(f[1]); ok {
			for _, n := range append([]string{f[0]}, f[2:]...) {
				t.Networks[strings.ToLower(n)] = v
			}
		}
	})
	eachLine(dir+"/services", func(f []string) {
		if len(f) < 2 {
			return
		}
		i := strings.IndexByte(f[1], '/')
		if i < 0 {
			return
		}
		port, err := strconv.ParseUint(f[1][:i], 10, 16)
		if err != nil {
			return
		}
		s := Service{Port: uint16(port), Proto: f[1][i+1:]}
		for _, n := range append([]string{f[0]}, f[2:]...) {
			n = strings.ToLower(n)
			t.Services[n] = append(t.Services[n], s)
		}
	})
	eachLine(dir+"/protocols", func(f []string) {
		if len(f) < 2 {
			return
		}
		v, err := strconv.Atoi(f[1])
		if err != nil {
			return
		}
		for _, n := range append([]string{f[0]}, f[2:]...) {
			t.Protocols[strings.ToLower(n)] = v
		}
	})
	return t
}

func eachLine(path string, fn func([]string)) {
	f, err := os.Open(path)
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
		fields := strings.Fields(line)
		if len(fields) > 0 {
			fn(fields)
		}
	}
}

// builtinProtocols are IP protocol names known without /etc/protocols.
var builtinProtocols = map[string]int{
	"ip": 0, "hopopt": 0, "icmp": 1, "igmp": 2, "ggp": 3, "ipencap": 4, "st": 5,
	"tcp": 6, "egp": 8, "igp": 9, "pup": 12, "udp": 17, "hmp": 20, "xns-idp": 22,
	"rdp": 27, "iso-tp4": 29, "dccp": 33, "xtp": 36, "ddp": 37, "idpr-cmtp": 38,
	"ipv6": 41, "ipv6-route": 43, "ipv6-frag": 44, "idrp": 45, "rsvp": 46,
	"gre": 47, "esp": 50, "ah": 51, "skip": 57, "ipv6-icmp": 58, "icmp6": 58,
	"ipv6-nonxt": 59, "ipv6-opts": 60, "rspf": 73, "vmtp": 81, "eigrp": 88,
	"ospf": 89, "ax.25": 93, "ipip": 94, "etherip": 97, "encap": 98, "pim": 103,
	"ipcomp": 108, "vrrp": 112, "l2tp": 115, "isis": 124, "sctp": 132, "fc": 133,
	"mobility-header": 135, "udplite": 136, "mpls-in-ip": 137, "manet": 138,
	"hip": 139, "shim6": 140, "wesp": 141, "rohc": 142, "ethernet": 143,
	"ip6": 41, "igrp": 9,
}

// builtinServices are well-known services known without /etc/services.
var builtinServices = map[string][]Service{
	"ftp-data": {{20, "tcp"}}, "ftp": {{21, "tcp"}}, "ssh": {{22, "tcp"}},
	"telnet": {{23, "tcp"}}, "smtp": {{25, "tcp"}}, "time": {{37, "tcp"}, {37, "udp"}},
	"domain": {{53, "tcp"}, {53, "udp"}}, "bootps": {{67, "udp"}}, "bootpc": {{68, "udp"}},
	"tftp": {{69, "udp"}}, "gopher": {{70, "tcp"}}, "finger": {{79, "tcp"}},
	"http": {{80, "tcp"}, {80, "udp"}}, "www": {{80, "tcp"}}, "kerberos": {{88, "tcp"}, {88, "udp"}},
	"pop3": {{110, "tcp"}}, "sunrpc": {{111, "tcp"}, {111, "udp"}}, "auth": {{113, "tcp"}},
	"nntp": {{119, "tcp"}}, "ntp": {{123, "udp"}}, "netbios-ns": {{137, "udp"}},
	"netbios-dgm": {{138, "udp"}}, "netbios-ssn": {{139, "tcp"}}, "imap2": {{143, "tcp"}},
	"imap": {{143, "tcp"}}, "snmp": {{161, "tcp"}, {161, "udp"}}, "snmp-trap": {{162, "tcp"}, {162, "udp"}},
	"bgp": {{179, "tcp"}}, "irc": {{194, "tcp"}}, "ldap": {{389, "tcp"}, {389, "udp"}},
	"https": {{443, "tcp"}, {443, "udp"}}, "microsoft-ds": {{445, "tcp"}}, "isakmp": {{500, "udp"}},
	"syslog": {{514, "udp"}}, "printer": {{515, "tcp"}}, "submission": {{587, "tcp"}},
	"ldaps": {{636, "tcp"}}, "imaps": {{993, "tcp"}}, "pop3s": {{995, "tcp"}},
	"openvpn": {{1194, "tcp"}, {1194, "udp"}}, "radius": {{1812, "tcp"}, {1812, "udp"}},
	"nfs": {{2049, "tcp"}, {2049, "udp"}}, "mysql": {{3306, "tcp"}}, "rdp": {{3389, "tcp"}},
	"sip": {{5060, "tcp"}, {5060, "udp"}}, "amqp": {{5672, "tcp"}, {5672, "udp"}, {5672, "sctp"}},
	"postgresql": {{5432, "tcp"}}, "x11": {{6000, "tcp"}}, "http-alt": {{8080, "tcp"}},
}

// WithDNS returns a copy of r that looks up host names missing from its
// tables with the system's DNS resolver, as libpcap does with
// getaddrinfo, waiting at most 5 seconds per name. Compiling then may
// send DNS queries, so tests should not use it.
func (r *Resolver) WithDNS() *Resolver {
	c := *r
	c.dns = true
	return &c
}

func (r *Resolver) host(name string) []netip.Addr {
	if a, ok := r.t.Hosts[strings.ToLower(name)]; ok || !r.dns {
		return a
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", name)
	if err != nil {
		return nil
	}
	for i := range addrs {
		addrs[i] = addrs[i].Unmap()
	}
	return addrs
}

func (r *Resolver) ether(name string) ([6]byte, bool) {
	m, ok := r.t.Ethers[strings.ToLower(name)]
	return m, ok
}

func (r *Resolver) network(name string) (uint32, bool) {
	v, ok := r.t.Networks[strings.ToLower(name)]
	return v, ok
}

func (r *Resolver) protocol(name string) (int, bool) {
	n := strings.ToLower(name)
	if v, ok := r.t.Protocols[n]; ok {
		return v, true
	}
	v, ok := builtinProtocols[n]
	return v, ok
}

// port resolves a service name; proto restricts it to "tcp", "udp" or
// "sctp" ("" for any). It returns the port and the IP protocol
// (protoUndef when the name is known for more than one).
func (r *Resolver) port(name, proto string) (uint32, int, bool) {
	if v, ok := parseNum(name); ok && name != "" && isDigit(name[0]) {
		if v > 65535 {
			return 0, 0, false
		}
		return v, protoUndef, true
	}
	n := strings.ToLower(name)
	svcs, ok := r.t.Services[n]
	if !ok {
		svcs, ok = builtinServices[n]
	}
	if !ok {
		return 0, 0, false
	}
	var tcp, udp, sctp = -1, -1, -1
	for _, s := range svcs {
		switch s.Proto {
		case "tcp":
			tcp = int(s.Port)
		case "udp":
			udp = int(s.Port)
		case "sctp":
			sctp = int(s.Port)
		}
	}
	switch proto {
	case "tcp":
		if tcp >= 0 {
			return uint32(tcp), ipprotoTCP, true
		}
	case "udp":
		if udp >= 0 {
			return uint32(udp), ipprotoUDP, true
		}
	case "sctp":
		if sctp >= 0 {
			return uint32(sctp), ipprotoSCTP, true
		}
	}
	// libpcap: tcp first, then udp, then sctp; the protocol is
	// undefined when the same port is known for several.
	port, real := -1, protoUndef
	switch {
	case tcp >= 0:
		port, real = tcp, ipprotoTCP
		if udp == tcp || sctp == tcp {
			real = protoUndef
		}
	case udp >= 0:
		port, real = udp, ipprotoUDP
		if sctp == udp {
			real = protoUndef
		}
	case sctp >= 0:
		port, real = sctp, ipprotoSCTP
	}
	if port < 0 {
		return 0, 0, false
	}
	if proto != "" {
		// Known, but not for the requested protocol: libpcap rejects.
		return 0, 0, false
	}
	return uint32(port), real, true
}
