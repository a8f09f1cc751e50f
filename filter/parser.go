package filter

import "strings"

// qual is a set of qualifiers: protocol ("ip", "tcp", "link", ...),
// direction ("src", "dst", "or", "and", ...) and address kind ("host",
// "net", "port", ...). The empty string means "not given".
type qual struct {
	proto, dir, addr string
}

// qerr marks the qualifier of a term that may not be followed by a bare
// identifier (libpcap's qerr).
var qerr = qual{addr: "undef"}

// Expression tree nodes.
type (
	node interface{ position() int }

	andNode struct {
		l, r node
		pos  int
	}
	orNode struct {
		l, r node
		pos  int
	}
	notNode struct {
		x   node
		pos int
	}
	// idNode is an operand with its (possibly inherited) qualifiers:
	// a name, number, address or net.
	idNode struct {
		q       qual
		kind    tok    // tNUM, tID, tHID, tHID6, tEID, tAID
		text    string // as written (for tNUM: empty when a pure number)
		num     uint32
		raw     string // the token as written
		mask    string // "mask" operand for HID mask HID
		masklen int    // /len, -1 when absent
		pos     int
	}
	// protoNode is a bare protocol name ("tcp", "ip6", "l1", ...).
	protoNode struct {
		proto string
		pos   int
	}
	// relNode compares two arithmetic expressions.
	relNode struct {
		op   string // ">", ">=", "=", "<", "<=", "!="
		l, r *arth
		pos  int
	}
	// otherNode is a primitive with a fixed shape: broadcast, less,
	// vlan, inbound, ...
	otherNode struct {
		what  string
		proto string
		num   uint32
		hasN  bool
		op    string
		num2  uint32
		text  string
		pos   int
	}
)

func (n *andNode) position() int   { return n.pos }
func (n *orNode) position() int    { return n.pos }
func (n *notNode) position() int   { return n.pos }
func (n *idNode) position() int    { return n.pos }
func (n *protoNode) position() int { return n.pos }
func (n *relNode) position() int   { return n.pos }
func (n *otherNode) position() int { return n.pos }

// arth is an arithmetic expression.
type arth struct {
	op    string // "num", "len", "load", "neg", or a binary operator
	num   uint32
	proto string // for "load"
	size  uint32 // for "load"
	l, r  *arth
	pos   int
}

// parser is a recursive-descent parser for libpcap's grammar.
type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

// maxDepth bounds the nesting of parentheses, "not" and unary minus, so
// that no input can exhaust the stack.
const maxDepth = 500

// enter counts one level of nesting; the caller defers p.leave().
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		fail(p.peek().pos, "expression nested too deeply (more than %d levels)", maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

func newParser(src string) *parser {
	return &parser{src: src, toks: scan(src)}
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekN(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}
func (p *parser) isKW(kw string) bool { t := p.peek(); return t.kind == tKW && t.kw == kw }
func (p *parser) isOP(op string) bool { t := p.peek(); return t.kind == tOP && t.text == op }

// syntaxError aborts at the current token.
func (p *parser) syntaxError() {
	t := p.peek()
	if t.kind == tEOF {
		fail(t.pos, "syntax error: unexpected end of expression")
	}
	fail(t.pos, "syntax error: unexpected '%s'", t.text)
}

func (p *parser) expectOP(op string) token {
	if !p.isOP(op) {
		p.syntaxError()
	}
	return p.next()
}

// parseProgram parses the whole expression; nil means "accept all".
func (p *parser) parseProgram() node {
	if p.peek().kind == tEOF {
		return nil
	}
	n, _ := p.parseExpr(qerr)
	if p.peek().kind != tEOF {
		p.syntaxError()
	}
	return n
}

// protoNames are the keywords that name a protocol (grammar's pname).
var protoNames = map[string]bool{
	"link": true, "ip": true, "arp": true, "rarp": true, "sctp": true, "tcp": true,
	"udp": true, "icmp": true, "igmp": true, "igrp": true, "pim": true, "vrrp": true,
	"carp": true, "atalk": true, "aarp": true, "decnet": true, "lat": true, "sca": true,
	"mopdl": true, "moprc": true, "ip6": true, "icmp6": true, "ah": true, "esp": true,
	"iso": true, "esis": true, "isis": true, "l1": true, "l2": true, "iih": true,
	"lsp": true, "snp": true, "psnp": true, "csnp": true, "clnp": true, "stp": true,
	"ipx": true, "netbeui": true, "radio": true,
}

// parseExpr: expr := term { (and|or) (term | id) }. AND and OR have the
// same precedence and associate to the left. q is the qualifier in force
// before the expression; the returned qualifier is the one a following
// bare identifier inherits.
func (p *parser) parseExpr(q qual) (node, qual) {
	left, q := p.parseTerm(q)
	for p.isKW("and") || p.isKW("or") {
		opTok := p.next()
		var right node
		if p.startsID() {
			right = p.parseID(q)
		} else {
			right, q = p.parseTerm(q)
		}
		if opTok.kw == "and" {
			left = &andNode{left, right, opTok.pos}
		} else {
			left = &orNode{left, right, opTok.pos}
		}
	}
	return left, q
}

// startsID reports whether the tokens at the cursor form a bare
// identifier (grammar's id) rather than a term.
func (p *parser) startsID() bool {
	j := p.i
	for p.toks[j].kind == tKW && p.toks[j].kw == "not" {
		j++
	}
	t := p.toks[j]
	switch t.kind {
	case tID, tHID, tHID6, tEID, tAID:
		return true
	case tNUM:
		// A number followed by an arithmetic or relational operator
		// starts a relation.
		n := p.toks[j+1]
		return !(n.kind == tOP && n.text != "(" && n.text != ")" && n.text != "[" && n.text != "]")
	case tOP:
		if t.text == "(" {
			// "( id ..." is a parenthesized id list unless it is
			// arithmetic.
			save := p.i
			p.i = j
			ok := p.tryParenID()
			p.i = save
			return ok
		}
	}
	return false
}

// tryParenID reports whether a parenthesized id list (grammar's
// "paren pid ')'") starts at the cursor.
func (p *parser) tryParenID() (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, isErr := r.(*Error); !isErr {
				panic(r)
			}
			ok = false
		}
	}()
	p.parseID(qual{proto: "ip"})
	return true
}

// parseID parses grammar's id with inherited qualifier q.
func (p *parser) parseID(q qual) node {
	p.enter()
	defer p.leave()
	t := p.peek()
	if t.kind == tKW && t.kw == "not" {
		p.next()
		return &notNode{p.parseID(q), t.pos}
	}
	if t.kind == tOP && t.text == "(" {
		p.next()
		n := p.parseID(q)
		for p.isKW("and") || p.isKW("or") {
			opTok := p.next()
			r := p.parseID(q)
			if opTok.kw == "and" {
				n = &andNode{n, r, opTok.pos}
			} else {
				n = &orNode{n, r, opTok.pos}
			}
		}
		p.expectOP(")")
		return n
	}
	return p.parseNID(q)
}

// parseNID parses one operand (grammar's nid and pnum).
func (p *parser) parseNID(q qual) node {
	t := p.next()
	if q == qerr {
		fail(t.pos, "syntax error: '%s' needs a qualifier (such as 'host', 'net' or 'port')", t.text)
	}
	n := &idNode{q: q, kind: t.kind, text: t.text, raw: t.text, num: t.num, masklen: -1, pos: t.pos}
	switch t.kind {
	case tNUM:
		n.text = ""
	case tID, tEID, tAID:
	case tHID:
		if p.isOP("/") {
			p.next()
			nt := p.next()
			if nt.kind != tNUM {
				fail(nt.pos, "syntax error: expected a mask length after '/'")
			}
			n.masklen = int(nt.num)
			if nt.num > 32 {
				fail(nt.pos, "netmask length %d greater than maximum 32; mask length must be <= 32", nt.num)
			}
		} else if p.isKW("mask") {
			p.next()
			mt := p.next()
			if mt.kind != tHID {
				fail(mt.pos, "syntax error: expected a netmask after 'mask'")
			}
			n.mask = mt.text
		}
	case tHID6:
		if p.isOP("/") {
			p.next()
			nt := p.next()
			if nt.kind != tNUM {
				fail(nt.pos, "syntax error: expected a mask length after '/'")
			}
			if nt.num > 128 {
				fail(nt.pos, "mask length must be <= 128")
			}
			n.masklen = int(nt.num)
		}
	case tOP:
		if t.text == "(" {
			// paren pnum ')'
			p.i--
			v := p.parsePNum()
			n.kind, n.text, n.num = tNUM, "", v
			return n
		}
		p.i--
		p.syntaxError()
	default:
		if t.kind != tEOF {
			p.i--
		}
		p.syntaxError()
	}
	return n
}

// parsePNum parses NUM or ( pnum ).
func (p *parser) parsePNum() uint32 {
	p.enter()
	defer p.leave()
	if p.isOP("(") {
		p.next()
		v := p.parsePNum()
		p.expectOP(")")
		return v
	}
	t := p.next()
	if t.kind != tNUM {
		p.i--
		p.syntaxError()
	}
	return t.num
}

// parseTerm: term := not term | rterm.
func (p *parser) parseTerm(q qual) (node, qual) {
	p.enter()
	defer p.leave()
	if p.isKW("not") {
		t := p.next()
		n, q2 := p.parseTerm(q)
		return &notNode{n, t.pos}, q2
	}
	return p.parseRTerm(q)
}

var pqualDirs = map[string]bool{"src": true, "dst": true, "addr1": true, "addr2": true,
	"addr3": true, "addr4": true, "ra": true, "ta": true}
var aquals = map[string]bool{"host": true, "net": true, "port": true, "portrange": true,
	"gateway": true, "proto": true, "protochain": true}

// parseRTerm parses grammar's rterm.
func (p *parser) parseRTerm(q qual) (node, qual) {
	t := p.peek()
	start := p.i
	// Parenthesized expression or arithmetic.
	if t.kind == tOP && t.text == "(" {
		if n, ok := p.tryRelation(); ok {
			return n, qerr
		}
		p.i = start
		p.next()
		n, _ := p.parseExpr(q)
		p.expectOP(")")
		return n, q
	}
	if t.kind == tNUM || (t.kind == tOP && t.text == "-") || (t.kind == tKW && t.kw == "len") {
		n, ok := p.tryRelation()
		if !ok {
			p.i = start
			p.next()
			p.syntaxError()
		}
		return n, qerr
	}
	if t.kind != tKW {
		p.syntaxError()
	}
	// pname '[' starts a relation.
	if protoNames[t.kw] && p.peekN(1).kind == tOP && p.peekN(1).text == "[" {
		n, ok := p.tryRelation()
		if !ok {
			p.syntaxError()
		}
		return n, qerr
	}
	switch t.kw {
	case "less", "greater":
		p.next()
		nt := p.next()
		if nt.kind != tNUM {
			p.i--
			p.syntaxError()
		}
		return &otherNode{what: t.kw, num: nt.num, pos: t.pos}, qerr
	case "byte":
		p.next()
		idx := p.next()
		if idx.kind != tNUM {
			p.i--
			p.syntaxError()
		}
		op := p.next()
		switch {
		case op.kind == tOP && (op.text == "&" || op.text == "|" || op.text == "<" || op.text == ">" || op.text == "=" || op.text == "=="):
		default:
			p.i--
			p.syntaxError()
		}
		val := p.next()
		if val.kind != tNUM {
			p.i--
			p.syntaxError()
		}
		opText := op.text
		if opText == "==" {
			opText = "="
		}
		return &otherNode{what: "byte", num: idx.num, op: opText, num2: val.num, pos: t.pos}, qerr
	case "type", "subtype":
		fail(t.pos, "'type/subtype' not supported on DLT_%s; 802.11 link-layer types supported only on 802.11", "%DLT%")
	case "dir":
		fail(t.pos, "'dir' not supported on DLT_%s; frame direction supported only with 802.11 headers", "%DLT%")
	case "vpi", "vci", "lane", "oam", "oamf4", "oamf4ec", "oamf4sc", "sc", "ilmic", "metac", "bcc", "connectmsg", "metaconnect":
		fail(t.pos, "'%s' supported only on SUNATM; '%s' supported only on raw ATM", t.kw, t.kw)
	case "ifname", "rnr", "srnr", "reason", "rset", "action":
		fail(t.pos, "'%s' supported only on PFLOG linktype", t.kw)
	case "fisu", "lssu", "msu", "hfisu", "hlssu", "hmsu", "sio", "opc", "dpc", "sls", "hsio", "hopc", "hdpc", "hsls":
		fail(t.pos, "'%s' supported only on SS7; '%s' supported only on MTP2", t.kw, t.kw)
	case "inbound", "outbound", "pppoed":
		p.next()
		return &otherNode{what: t.kw, pos: t.pos}, qerr
	case "ifindex":
		p.next()
		v := p.parsePNum()
		return &otherNode{what: t.kw, num: v, hasN: true, pos: t.pos}, qerr
	case "vlan", "mpls", "pppoes", "geneve", "vxlan":
		p.next()
		o := &otherNode{what: t.kw, pos: t.pos}
		if p.peek().kind == tNUM || (p.isOP("(") && p.parenNum()) {
			o.num = p.parsePNum()
			o.hasN = true
		}
		return o, qerr
	case "llc":
		p.next()
		o := &otherNode{what: "llc", pos: t.pos}
		if p.peek().kind == tID || p.isKW("rnr") {
			nt := p.next()
			o.text = strings.ToLower(nt.text)
			if nt.kind == tKW {
				o.text = "rnr"
			}
		}
		return o, qerr
	}
	// head: pqual [dqual] [aqual] | pqual proto/protochain ...
	var hq qual
	pq := ""
	if protoNames[t.kw] {
		pq = t.kw
		p.next()
		// pqual broadcast / multicast
		if p.isKW("broadcast") || p.isKW("multicast") {
			bt := p.next()
			return &otherNode{what: bt.kw, proto: pq, pos: t.pos}, qerr
		}
	} else if t.kw == "broadcast" || t.kw == "multicast" {
		p.next()
		return &otherNode{what: t.kw, pos: t.pos}, qerr
	}
	hq.proto = pq
	nq := 0
	if p.peek().kind == tKW && (p.peek().kw == "src" || p.peek().kw == "dst") {
		d := p.next().kw
		if p.isKW("or") || p.isKW("and") {
			nt := p.peekN(1)
			if nt.kind == tKW && (nt.kw == "src" || nt.kw == "dst") && nt.kw != d {
				conj := p.next().kw
				p.next()
				d = conj
			}
		}
		hq.dir = d
		nq++
	} else if p.peek().kind == tKW && pqualDirs[p.peek().kw] {
		hq.dir = p.next().kw
		nq++
	}
	if p.peek().kind == tKW && aquals[p.peek().kw] {
		a := p.next()
		if (a.kw == "proto" || a.kw == "protochain" || a.kw == "gateway") && hq.dir != "" {
			p.i--
			p.syntaxError()
		}
		hq.addr = a.kw
		nq++
	}
	if nq == 0 {
		if pq != "" {
			return &protoNode{proto: pq, pos: t.pos}, qerr
		}
		p.syntaxError()
	}
	if hq.addr == "" {
		hq.addr = ""
	}
	id := p.parseID(hq)
	return id, hq
}

// parenNum reports whether a parenthesized number starts at the cursor.
func (p *parser) parenNum() bool {
	j := p.i
	for p.toks[j].kind == tOP && p.toks[j].text == "(" {
		j++
	}
	return p.toks[j].kind == tNUM
}

var relops = map[string]bool{">": true, ">=": true, "=": true, "==": true, "<": true, "<=": true, "!=": true}

// tryRelation parses "arth relop arth" at the cursor; ok is false (and
// the cursor undefined) when the tokens are not a relation.
func (p *parser) tryRelation() (n node, ok bool) {
	start := p.i
	defer func() {
		if r := recover(); r != nil {
			if _, isErr := r.(*Error); !isErr {
				panic(r)
			}
			// An error inside a well-started relation is reported when
			// the relation is certain: re-raise unless it looked like a
			// parenthesized expression.
			if p.toks[start].kind == tOP && p.toks[start].text == "(" && !p.relAhead(start) {
				ok = false
				return
			}
			panic(r)
		}
	}()
	l := p.parseArth(0)
	op := p.peek()
	if op.kind != tOP || !relops[op.text] {
		if p.toks[start].kind == tOP && p.toks[start].text == "(" {
			return nil, false
		}
		p.syntaxError()
	}
	p.next()
	r := p.parseArth(0)
	o := op.text
	if o == "==" {
		o = "="
	}
	return &relNode{op: o, l: l, r: r, pos: op.pos}, true
}

// relAhead reports whether a relational operator appears at paren depth 0
// after the parenthesized group starting at start.
func (p *parser) relAhead(start int) bool {
	depth := 0
	for j := start; j < len(p.toks); j++ {
		t := p.toks[j]
		if t.kind == tOP {
			switch t.text {
			case "(":
				depth++
			case ")":
				depth--
				if depth < 0 {
					return false
				}
			default:
				if depth == 0 && relops[t.text] {
					return true
				}
			}
		}
		if t.kind == tKW && (t.kw == "and" || t.kw == "or") && depth == 0 {
			return false
		}
	}
	return false
}

// Arithmetic precedence levels, loosest first, as libpcap's grammar
// declares them: each level associates to the left.
var arthLevels = [][]string{{"|"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/"}}

// isShiftOp reports whether op is '^' or '%'. libpcap's grammar declares
// no precedence for them, so its parser always shifts: '^' and '%' bind
// the operand just before them (even after a tighter operator or a unary
// minus) and take everything that follows as their right operand, which
// makes them right-associative: "a << 1 ^ 3 + 4" is "a << (1 ^ (3 + 4))".
func isShiftOp(t token) bool { return t.kind == tOP && (t.text == "^" || t.text == "%") }

func (p *parser) parseArth(level int) *arth {
	if level == len(arthLevels) {
		return p.parseArthOperand()
	}
	l := p.parseArth(level + 1)
	for {
		t := p.peek()
		if t.kind != tOP || !contains(arthLevels[level], t.text) {
			return l
		}
		p.next()
		r := p.parseArth(level + 1)
		l = &arth{op: t.text, l: l, r: r, pos: t.pos}
	}
}

// parseArthOperand parses a unary operand and a '^' or '%' right after
// it, whose right operand is a whole arithmetic expression.
func (p *parser) parseArthOperand() *arth {
	l := p.parseArthUnary()
	if t := p.peek(); isShiftOp(t) {
		p.next()
		p.enter()
		r := p.parseArth(0)
		p.leave()
		l = &arth{op: t.text, l: l, r: r, pos: t.pos}
	}
	return l
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) parseArthUnary() *arth {
	p.enter()
	defer p.leave()
	t := p.peek()
	switch {
	case t.kind == tOP && t.text == "-":
		p.next()
		x := p.parseArthOperand()
		return &arth{op: "neg", l: x, pos: t.pos}
	case t.kind == tOP && t.text == "(":
		p.next()
		x := p.parseArth(0)
		p.expectOP(")")
		return x
	case t.kind == tNUM:
		p.next()
		return &arth{op: "num", num: t.num, pos: t.pos}
	case t.kind == tKW && t.kw == "len":
		p.next()
		return &arth{op: "len", pos: t.pos}
	case t.kind == tKW && protoNames[t.kw]:
		p.next()
		p.expectOP("[")
		idx := p.parseArth(0)
		size := uint32(1)
		if p.isOP(":") {
			p.next()
			st := p.next()
			if st.kind != tNUM {
				p.i--
				p.syntaxError()
			}
			size = st.num
		}
		p.expectOP("]")
		return &arth{op: "load", proto: t.kw, size: size, l: idx, pos: t.pos}
	}
	p.syntaxError()
	return nil
}
