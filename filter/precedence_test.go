package filter

import (
	"testing"
)

// arithPrecedence pairs an expression with the same expression fully
// parenthesized the way libpcap's grammar groups it. libpcap's grammar
// gives '|', '&', the shifts, '+'/'-' and '*'/'/' left associativity at
// rising levels, and gives '^' and '%' no precedence at all: yacc then
// always shifts, so '^' and '%' take everything to their right and
// anything to their left binds only its nearest operand ("a << 1 ^ 3" is
// "a << (1 ^ 3)", "a * 2 % 3 + 1" is "a * (2 % (3 + 1))"). Unary minus
// binds tighter than every operator but '^' and '%'.
var arithPrecedence = [][2]string{
	{"ip[0] << 1 ^ 3 > 5", "ip[0] << (1 ^ 3) > 5"},
	{"ip[0] ^ 1 + 2 > 5", "ip[0] ^ (1 + 2) > 5"},
	{"ip[0] % 3 + 1 > 2", "ip[0] % (3 + 1) > 2"},
	{"ip[0] + 1 % 3 > 2", "ip[0] + (1 % 3) > 2"},
	{"ip[0] * 2 % 3 > 1", "ip[0] * (2 % 3) > 1"},
	{"ip[0] * 2 % 3 + 1 > 1", "ip[0] * (2 % (3 + 1)) > 1"},
	{"ip[0] ^ 1 ^ 2 > 0", "ip[0] ^ (1 ^ 2) > 0"},
	{"ip[0] % 5 % 3 > 0", "ip[0] % (5 % 3) > 0"},
	{"ip[0] ^ 1 | 2 > 3", "ip[0] ^ (1 | 2) > 3"},
	{"ip[0] | 1 ^ 2 > 3", "ip[0] | (1 ^ 2) > 3"},
	{"ip[0] & 1 ^ 2 & 3 > 3", "ip[0] & (1 ^ (2 & 3)) > 3"},
	{"ip[0] | 1 & 2 > 0", "ip[0] | (1 & 2) > 0"},
	{"ip[0] & 1 | 2 > 0", "(ip[0] & 1) | 2 > 0"},
	{"ip[0] | 1 | 2 > 0", "(ip[0] | 1) | 2 > 0"},
	{"ip[0] & 3 << 1 > 0", "ip[0] & (3 << 1) > 0"},
	{"ip[0] << 1 >> 2 > 0", "(ip[0] << 1) >> 2 > 0"},
	{"ip[0] << 1 + 2 > 0", "ip[0] << (1 + 2) > 0"},
	{"ip[0] + 1 << 2 > 0", "(ip[0] + 1) << 2 > 0"},
	{"ip[0] - 1 - 2 > 0", "(ip[0] - 1) - 2 > 0"},
	{"ip[0] + 2 * 3 > 0", "ip[0] + (2 * 3) > 0"},
	{"ip[0] * 2 + 3 > 0", "(ip[0] * 2) + 3 > 0"},
	{"ip[0] / 2 * 3 > 0", "(ip[0] / 2) * 3 > 0"},
	{"ip[0] / 2 - 3 & 7 | 8 > 0", "(((ip[0] / 2) - 3) & 7) | 8 > 0"},
	{"-ip[0] ^ 1 > 0", "-(ip[0] ^ 1) > 0"},
	{"-ip[0] + 1 > 0", "(-ip[0]) + 1 > 0"},
	{"-ip[0] % 3 * 2 > 0", "-(ip[0] % (3 * 2)) > 0"},
	{"ip[0] > 1 ^ 2 + len", "ip[0] > 1 ^ (2 + len)"},
	{"len % 7 - 1 > ip[0] << 1 ^ 3", "len % (7 - 1) > ip[0] << (1 ^ 3)"},
	{"ip[1 ^ 2 + 1] > 0", "ip[1 ^ (2 + 1)] > 0"},
}

// TestArithPrecedence checks the arithmetic operators group as in
// libpcap's grammar.
func TestArithPrecedence(t *testing.T) {
	for _, p := range arithPrecedence {
		a := compile(t, p[0], 1)
		b := compile(t, p[1], 1)
		if !same(a, b) {
			t.Errorf("%q and %q compile differently:\n%s\n---\n%s", p[0], p[1], a.Disassemble(), b.Disassemble())
		}
	}
	// The groupings do change the programs.
	if same(compile(t, "ip[0] << 1 ^ 3 = 5", 1), compile(t, "(ip[0] << 1) ^ 3 = 5", 1)) {
		t.Error("'ip[0] << 1 ^ 3' compiled like '(ip[0] << 1) ^ 3'")
	}
}

// TestArithPrecedenceTcpdump compiles the same expressions with the real
// libpcap (tcpdump -ddd -O, unoptimized) and requires the very same
// instructions.
func TestArithPrecedenceTcpdump(t *testing.T) {
	tcpdump := lookTcpdump(t)
	for _, p := range arithPrecedence {
		for _, expr := range p {
			theirs, msg := libpcapCompile(tcpdump, "EN10MB", expr, false)
			if theirs == nil {
				t.Errorf("tcpdump -d %q: %s", expr, msg)
				continue
			}
			ours, err := Compile(expr, Options{LinkType: 1, Netmask: 0})
			if err != nil {
				t.Errorf("Compile(%q): %v", expr, err)
				continue
			}
			if !same(ours, theirs) {
				t.Errorf("%q: ours differs from libpcap's:\n%s\n--- libpcap\n%s", expr, ours.Disassemble(), theirs.Disassemble())
			}
		}
	}
}
