package filter

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/link"
)

func testResolver() *Resolver {
	return NewResolver(Tables{
		Hosts: map[string][]netip.Addr{
			"alpha":  {netip.MustParseAddr("10.1.2.3")},
			"beta":   {netip.MustParseAddr("10.9.9.9"), netip.MustParseAddr("2001:db8::9")},
			"v6only": {netip.MustParseAddr("2001:db8::1")},
		},
		Ethers:    map[string][6]byte{"gw": {0xaa, 0, 4, 0, 1, 8}},
		Networks:  map[string]uint32{"tennet": 0x0a000000 >> 24},
		Services:  map[string][]Service{"web": {{Port: 8080, Proto: "tcp"}}},
		Protocols: map[string]int{"myproto": 99},
	})
}

func compile(t *testing.T, expr string, dlt link.Type) bpf.Program {
	t.Helper()
	p, err := Compile(expr, Options{LinkType: dlt, Resolver: testResolver()})
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	return p
}

func same(a, b bpf.Program) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestScanner(t *testing.T) {
	tests := []struct {
		in    string
		kinds []tok
		texts []string
	}{
		{"host 10.0.0.1", []tok{tKW, tHID}, []string{"host", "10.0.0.1"}},
		{"portrange 25-53", []tok{tKW, tID}, []string{"portrange", "25-53"}},
		{"ether host ab:cd:ef:00:00:01", []tok{tKW, tKW, tEID}, nil},
		{"abcdef000003", []tok{tEID}, nil},
		{"ip6 host ::1", []tok{tKW, tKW, tHID6}, nil},
		{"link[7:2]", []tok{tKW, tOP, tNUM, tOP, tNUM, tOP}, nil},
		{"tcp-syn", []tok{tNUM}, nil},
		{"\\ip", []tok{tID}, []string{"ip"}},
		{"a&&b||!c", []tok{tID, tKW, tID, tKW, tKW, tID}, nil},
		{"0x10 >= 020", []tok{tNUM, tOP, tNUM}, nil},
		{"net 192.168/16", []tok{tKW, tHID, tOP, tNUM}, nil},
	}
	for _, tc := range tests {
		toks := scan(tc.in)
		toks = toks[:len(toks)-1] // EOF
		if len(toks) != len(tc.kinds) {
			t.Errorf("scan(%q): %d tokens %v, want %d", tc.in, len(toks), toks, len(tc.kinds))
			continue
		}
		for i, k := range tc.kinds {
			if toks[i].kind != k {
				t.Errorf("scan(%q)[%d] = kind %d (%q), want %d", tc.in, i, toks[i].kind, toks[i].text, k)
			}
			if tc.texts != nil && i < len(tc.texts) && toks[i].text != tc.texts[i] && toks[i].kw != tc.texts[i] {
				t.Errorf("scan(%q)[%d] = %q, want %q", tc.in, i, toks[i].text, tc.texts[i])
			}
		}
	}
	if toks := scan("0x10 020"); toks[0].num != 16 || toks[1].num != 16 {
		t.Errorf("hex/octal numbers: got %d, %d; want 16, 16", toks[0].num, toks[1].num)
	}
}

// TestPrecedence checks libpcap's grammar: "and" and "or" have the same
// precedence and associate left; "not" binds tighter; a bare operand
// inherits the qualifiers before it.
func TestPrecedence(t *testing.T) {
	pairs := [][2]string{
		{"tcp or udp and icmp", "(tcp or udp) and icmp"},
		{"tcp and udp or icmp", "(tcp and udp) or icmp"},
		{"not tcp and udp", "(not tcp) and udp"},
		{"host 10.0.0.1 or 10.0.0.2", "host 10.0.0.1 or host 10.0.0.2"},
		{"tcp port 80 or 443", "tcp port 80 or tcp port 443"},
		{"not host alpha and beta", "not host alpha and host beta"},
		{"host alpha and not beta", "host alpha and not host beta"},
		{"src host alpha or (beta or 10.0.0.7)", "src host alpha or (src host beta or src host 10.0.0.7)"},
		{"ip[2:2] - 4 * 2 > 10 + 3 & 7", "ip[2:2] - (4 * 2) > (10 + 3) & 7"},
		{"tcp && udp || !icmp", "tcp and udp or not icmp"},
		{"len > 100", "greater 101"},
	}
	for _, p := range pairs {
		a := compile(t, p[0], 1)
		b := compile(t, p[1], 1)
		if p[0] == "len > 100" {
			// Different code, same meaning: just check both compiled.
			continue
		}
		if !same(a, b) {
			t.Errorf("%q and %q compile differently:\n%s\n---\n%s", p[0], p[1], a.Disassemble(), b.Disassemble())
		}
	}
	// And the shapes really differ where precedence matters.
	if same(compile(t, "tcp or udp and icmp", 1), compile(t, "tcp or (udp and icmp)", 1)) {
		t.Error("'tcp or udp and icmp' compiled like 'tcp or (udp and icmp)'")
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		expr   string
		column int
		substr string
	}{
		{"tcp port 80 and prot 6", 22, "syntax error"},
		{"host", 5, "syntax error"},
		{"host nosuchhost", 6, "unknown host 'nosuchhost'"},
		{"port 70000", 6, "port number 70000 greater than maximum 65535"},
		{"tcp port nosuchsvc", 10, "unknown port 'nosuchsvc'"},
		{"ip proto nosuchproto", 10, "unknown 'ip proto' value 'nosuchproto'"},
		{"ether proto nosuch", 13, "unknown 'link proto' value 'nosuch'"},
		{"net nosuchnet", 5, "unknown network 'nosuchnet'"},
		{"ip broadcast", 1, "netmask not known"},
		{"vlan 5000", 1, "VLAN tag 5000 greater than maximum 4095"},
		{"tcp[1] / 0 > 1", 8, "division by zero"},
		{"ip[1:3] = 1", 1, "data size must be 1, 2, or 4"},
		{"ip6 host fe80::256.1.2.3", 10, "invalid IPv6 address"},
		{"inbound", 1, "not supported"},
		{"host 10.0.0.1 )", 15, "syntax error"},
		{"(tcp", 5, "syntax error"},
		{"ip6 host 10.0.0.1", 10, "'ip6' is not a valid qualifier for 'host <IPv4 address>'"},
		{"tcp port 1.2.3.4", 10, "'port' qualifier applied to IPv4 address"},
		{"addr1 host 1.2.3.4", 12, "'addr1' is valid for 802.11 syntax only"},
		{"ta port 25", 9, "'ta' is not a valid qualifier for 'port'"},
		{"lat proto nosuch", 11, "unknown 'lat proto' value 'nosuch'"},
		{"host 1.2.3.0/24", 6, "'host' is not a valid qualifier for '1.2.3.0/24'"},
		{"4294967296", 1, "decimal number 4294967296 overflows 32 bits"},
	}
	for _, tc := range tests {
		_, err := Compile(tc.expr, Options{LinkType: 1, Netmask: NetmaskUnknown, Resolver: testResolver()})
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("Compile(%q) = %v, want *Error", tc.expr, err)
			continue
		}
		if ce.Column != tc.column || !strings.Contains(ce.Msg, tc.substr) || ce.Expr != tc.expr {
			t.Errorf("Compile(%q) error = column %d %q (expr %q), want column %d containing %q",
				tc.expr, ce.Column, ce.Msg, ce.Expr, tc.column, tc.substr)
		}
		if !strings.Contains(ce.Error(), "column") {
			t.Errorf("Error() = %q, want the column", ce.Error())
		}
	}
}

func TestEmptyAcceptsAll(t *testing.T) {
	for _, snap := range []int{0, 96} {
		p, err := Compile("", Options{LinkType: 1, SnapLen: snap})
		if err != nil {
			t.Fatal(err)
		}
		want := uint32(snap)
		if snap == 0 {
			want = DefaultSnapLen
		}
		if len(p) != 1 || p[0].Op != bpf.RET|bpf.K || p[0].K != want {
			t.Errorf("snaplen %d: empty expression compiled to %v", snap, p)
		}
	}
}

// TestRun runs compiled programs over hand-made packets.
func TestRun(t *testing.T) {
	eth := func(etype uint16, payload ...byte) []byte {
		b := []byte{1, 2, 3, 4, 5, 6, 0xaa, 0, 4, 0, 1, 8, byte(etype >> 8), byte(etype)}
		return append(b, payload...)
	}
	ipv4 := func(proto byte, src, dst [4]byte, l4 ...byte) []byte {
		h := []byte{0x45, 0, 0, byte(20 + len(l4)), 0, 0, 0, 0, 64, proto, 0, 0}
		h = append(h, src[:]...)
		h = append(h, dst[:]...)
		return append(h, l4...)
	}
	tcp80 := eth(0x0800, ipv4(6, [4]byte{10, 1, 2, 3}, [4]byte{10, 0, 0, 2}, 0x30, 0x39, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x02, 0, 0)...)
	udp53 := eth(0x0800, ipv4(17, [4]byte{10, 9, 9, 9}, [4]byte{10, 0, 0, 2}, 0x30, 0x39, 0, 53, 0, 8, 0, 0)...)
	arp := eth(0x0806, make([]byte, 28)...)
	tests := []struct {
		expr string
		pkt  []byte
		want bool
	}{
		{"tcp port 80", tcp80, true},
		{"tcp port 81", tcp80, false},
		{"udp port domain", udp53, true},
		{"tcp[tcpflags] & tcp-syn != 0", tcp80, true},
		{"host alpha", tcp80, true},
		{"host alpha", udp53, false},
		{"src host beta and udp", udp53, true},
		{"not tcp", tcp80, false},
		{"arp", arp, true},
		{"ip", arp, false},
		{"ether src gw", tcp80, true},
		{"net 10.0.0.0/8", udp53, true},
		{"net tennet", udp53, true},
		{"less 60", tcp80, true},
		{"greater 100", tcp80, false},
		{"ip[9] = 6 and ip[0] & 0xf = 5", tcp80, true},
		{"portrange 50-60", udp53, true},
		{"tcp port web", tcp80, false},
	}
	for _, tc := range tests {
		p := compile(t, tc.expr, 1)
		for _, opt := range []bool{false, true} {
			if opt {
				var err error
				p, err = Compile(tc.expr, Options{LinkType: 1, Optimize: true, Resolver: testResolver()})
				if err != nil {
					t.Fatal(err)
				}
			}
			m, err := bpf.NewMachine(p)
			if err != nil {
				t.Fatalf("%q: NewMachine: %v", tc.expr, err)
			}
			got := m.Run(tc.pkt, len(tc.pkt)) != 0
			if got != tc.want {
				t.Errorf("%q (optimize %v) on packet: got %v, want %v\n%s", tc.expr, opt, got, tc.want, p.Disassemble())
			}
		}
	}
}

func TestResolverPorts(t *testing.T) {
	r := NewResolver(Tables{Services: map[string][]Service{
		"both":  {{Port: 7, Proto: "tcp"}, {Port: 7, Proto: "udp"}},
		"tonly": {{Port: 9, Proto: "tcp"}},
	}})
	if p, proto, ok := r.port("both", ""); !ok || p != 7 || proto != protoUndef {
		t.Errorf("both: %d %d %v", p, proto, ok)
	}
	if p, proto, ok := r.port("TONLY", ""); !ok || p != 9 || proto != ipprotoTCP {
		t.Errorf("tonly: %d %d %v", p, proto, ok)
	}
	if _, _, ok := r.port("tonly", "udp"); ok {
		t.Error("tonly resolved for udp")
	}
	if p, _, ok := r.port("smtp", "tcp"); !ok || p != 25 {
		t.Errorf("built-in smtp: %d %v", p, ok)
	}
	if v, ok := r.protocol("tcp"); !ok || v != 6 {
		t.Errorf("built-in tcp protocol: %d %v", v, ok)
	}
}

// TestLinkTypes compiles a few expressions for every link type the
// compiler must support.
func TestLinkTypes(t *testing.T) {
	dlts := []link.Type{0, 1, 8, 9, 12, 16, 104, 108, 109, 113, 166, 226, 228, 229, 276}
	for _, d := range dlts {
		for _, e := range []string{"ip", "ip6 and tcp", "udp port 53", "host 10.0.0.1", "ip[0] & 0xf0 = 0x40"} {
			if _, err := Compile(e, Options{LinkType: d}); err != nil {
				t.Errorf("DLT %d: Compile(%q): %v", d, e, err)
			}
		}
	}
	if _, err := Compile("ip", Options{LinkType: 99999}); err == nil {
		t.Error("unknown link type compiled")
	}
}

// TestDeepNesting checks that absurd nesting is an error, not a crash,
// and that reasonable nesting works.
func TestDeepNesting(t *testing.T) {
	deep := strings.Repeat("(", 100000) + "tcp" + strings.Repeat(")", 100000)
	if _, err := Compile(deep, Options{LinkType: 1}); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("100000 parentheses: err = %v", err)
	}
	nots := strings.Repeat("not ", 100000) + "tcp"
	if _, err := Compile(nots, Options{LinkType: 1}); err == nil {
		t.Error("100000 nots compiled")
	}
	// '^' and '%' associate to the right: a long chain nests too.
	xors := "ip[0]" + strings.Repeat(" ^ 1", 100000) + " > 0"
	if _, err := Compile(xors, Options{LinkType: 1}); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("100000 '^': err = %v", err)
	}
	if _, err := Compile("ip[0]"+strings.Repeat(" % 7", 10)+" > 0", Options{LinkType: 1}); err != nil {
		t.Errorf("10 '%%': %v", err)
	}
	ok := strings.Repeat("(", 50) + "tcp" + strings.Repeat(")", 50)
	if _, err := Compile(ok, Options{LinkType: 1}); err != nil {
		t.Errorf("50 parentheses: %v", err)
	}
}

// TestSystemTables reads the system file formats from a temporary
// directory (never /etc).
func TestSystemTables(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"hosts":     "# comment\n192.0.2.7 gizmo gizmo.example # trailing\n2001:db8::7 gizmo\n",
		"ethers":    "0:1:2:3:4:5 gizmo\n",
		"networks":  "labnet 10.20\n",
		"services":  "zork 999/tcp\nzork 999/udp\nonlyudp 4242/udp\n",
		"protocols": "myproto 200 MYPROTO\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := NewResolver(SystemTables(dir))
	if a := r.host("GIZMO.example"); len(a) != 1 || a[0] != netip.MustParseAddr("192.0.2.7") {
		t.Errorf("host gizmo.example = %v", a)
	}
	if a := r.host("gizmo"); len(a) != 2 {
		t.Errorf("host gizmo = %v, want 2 addresses", a)
	}
	if m, ok := r.ether("gizmo"); !ok || m != [6]byte{0, 1, 2, 3, 4, 5} {
		t.Errorf("ether gizmo = %v %v", m, ok)
	}
	if v, ok := r.network("labnet"); !ok || v != 10<<8|20 {
		t.Errorf("network labnet = %#x %v", v, ok)
	}
	if p, proto, ok := r.port("zork", ""); !ok || p != 999 || proto != protoUndef {
		t.Errorf("port zork = %d %d %v", p, proto, ok)
	}
	if v, ok := r.protocol("MYPROTO"); !ok || v != 200 {
		t.Errorf("protocol MYPROTO = %d %v", v, ok)
	}
	for _, e := range []string{"host gizmo", "ether host gizmo", "net labnet", "port zork", "udp port onlyudp", "ip proto myproto", "gateway gizmo"} {
		if _, err := Compile(e, Options{LinkType: 1, Resolver: r}); err != nil {
			t.Errorf("Compile(%q): %v", e, err)
		}
	}
	if _, err := Compile("tcp port onlyudp", Options{LinkType: 1, Resolver: r}); err == nil {
		t.Error("tcp port onlyudp compiled")
	}
	if NewResolver(SystemTables(filepath.Join(dir, "missing"))).host("gizmo") != nil {
		t.Error("missing directory gave hosts")
	}
}
