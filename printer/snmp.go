package printer

// SNMP: snare decodes the outer ASN.1 element and the version, as far as
// tcpdump's snmp_print goes before the PDU, and reproduces tcpdump's
// diagnostics for malformed data (the common case for random payloads).

var asnUniversal = []string{"U-0", "Boolean", "Integer", "Bitstring", "String", "Null", "ObjID",
	"ObjectDes", "U-8", "U-9", "U-10", "U-11", "U-12", "U-13", "U-14", "U-15", "Sequence", "Set"}
var asnApplication = []string{"IpAddress", "Counter", "Gauge", "TimeTicks", "Opaque", "C-5", "Counter64"}
var asnContext = []string{"GetRequest", "GetNextRequest", "GetResponse", "SetRequest", "Trap",
	"GetBulk", "Inform", "V2Trap", "Report"}
var asnExceptions = []string{"noSuchObject", "noSuchInstance", "endOfMibView"}
var asnPrivate = []string{"P-0"}
var asnClasses = [][]string{asnUniversal, asnApplication, asnContext, asnPrivate}

type asnType int

const (
	beAny asnType = iota
	beInt
	beStr
	beOID
	beNull
	beOctet
	beSeq
	beInetAddr
	beUns
	beUns64
	bePDU
	beException
)

type asnElem struct {
	typ    asnType
	id     uint32
	asnlen uint32
	data   []byte // the element's contents (may be shorter when truncated)
	ival   int32
	uval   uint64
}

// asn1Parse decodes one element; n < 0 means an error was printed.
func (p *Printer) asn1Parse(b, d []byte, length int) ([]byte, asnElem, int) {
	var e asnElem
	if length < 1 {
		return append(b, "[nothing to parse]"...), e, -1
	}
	if len(d) < 1 {
		return p.trunc(b, "snmp"), e, -1
	}
	id := uint32(d[0] & 0x1f)
	form := (d[0] & 0x20) >> 5
	class := (d[0] & 0xc0) >> 6
	i := 1
	length--
	if id == 0x1f {
		id = 0
		for {
			if i >= len(d) {
				return p.trunc(b, "snmp"), e, -1
			}
			if d[i]&0x80 == 0 {
				break
			}
			if length < 1 {
				return append(b, "[Xtagfield?]"...), e, -1
			}
			id = (id<<7 | uint32(d[i]&0x7f)) & 0xff
			length--
			i++
		}
		if length < 1 {
			return append(b, "[Xtagfield?]"...), e, -1
		}
		id = (id<<7 | uint32(d[i])) & 0xff
		length--
		i++
	}
	e.id = id
	if length < 1 {
		return append(b, "[no asnlen]"...), e, -1
	}
	if i >= len(d) {
		return p.trunc(b, "snmp"), e, -1
	}
	alen := uint32(d[i])
	i++
	length--
	if alen&0x80 != 0 {
		noct := int(alen % 0x80)
		alen = 0
		if length < noct {
			b = append(b, "[asnlen? "...)
			b = appendInt(b, int64(length))
			b = append(b, '<')
			b = appendInt(b, int64(noct))
			return append(b, ']'), e, -1
		}
		if i+noct > len(d) {
			return p.trunc(b, "snmp"), e, -1
		}
		for ; noct > 0; noct-- {
			alen = alen<<8 | uint32(d[i])
			i++
			length--
		}
	}
	e.asnlen = alen
	if uint32(length) < alen {
		b = append(b, "[len"...)
		b = appendInt(b, int64(int32(length)))
		b = append(b, "<asnlen"...)
		b = appendUint(b, uint64(alen))
		return append(b, ']'), e, -1
	}
	formC := byte('P')
	if form == 1 {
		formC = 'C'
	}
	if int(id) >= len(asnClasses[class]) {
		b = append(b, "[id?"...)
		b = append(b, formC, '/', 'x', '/')
		b = appendInt(b, int64(int32(id)))
		return append(b, ']'), e, -1
	}
	if uint64(i)+uint64(alen) > uint64(len(d)) {
		return p.trunc(b, "snmp"), e, -1
	}
	e.data = d[i : i+int(alen)]
	name := asnClasses[class][id]
	if form == 0 {
		switch class {
		case 0:
			switch id {
			case 4:
				e.typ = beStr
			case 2:
				e.typ = beInt
				if alen == 0 {
					return append(b, "[asnlen=0]"...), e, -1
				}
				var v uint32
				if e.data[0]&0x80 != 0 {
					v = 0xffffffff
				}
				for _, c := range e.data {
					v = v<<8 | uint32(c)
				}
				e.ival = int32(v)
			case 6:
				e.typ = beOID
			case 5:
				e.typ = beNull
			default:
				e.typ = beOctet
				b = append(b, "[P/U/"...)
				b = append(b, name...)
				b = append(b, ']')
			}
		case 1:
			switch id {
			case 0:
				e.typ = beInetAddr
			case 1, 2, 3:
				e.typ = beUns
				var v uint32
				for _, c := range e.data {
					v = v<<8 + uint32(c)
				}
				e.uval = uint64(v)
			case 6:
				e.typ = beUns64
				var v uint64
				for _, c := range e.data {
					v = v<<8 + uint64(c)
				}
				e.uval = v
			default:
				e.typ = beOctet
				b = append(b, "[P/A/"...)
				b = append(b, name...)
				b = append(b, ']')
			}
		case 2:
			if id <= 2 {
				e.typ = beException
			}
		default:
			b = append(b, "[P/x/"...)
			b = append(b, name...)
			b = append(b, ']')
			e.typ = beOctet
		}
	} else {
		switch class {
		case 0:
			if id == 16 {
				e.typ = beSeq
			} else {
				e.typ = beOctet
				b = append(b, "C/U/"...)
				b = append(b, name...)
			}
		case 2:
			e.typ = bePDU
		default:
			e.typ = beOctet
			b = append(b, "C/x/"...)
			b = append(b, name...)
		}
	}
	return b, e, int(alen) + i
}

func appendASN1(b []byte, e *asnElem) []byte {
	switch e.typ {
	case beOctet:
		for _, c := range e.data {
			b = append(b, '_')
			b = appendHexByte(b, c)
		}
	case beNull:
	case beOID:
		first := -1
		var o uint32
		for _, c := range e.data {
			o = o<<7 + uint32(c&0x7f)
			if c&0x80 != 0 {
				continue
			}
			if first < 0 {
				first = 0
				s := o / 40
				if s > 2 {
					s = 2
				}
				b = append(b, '.') // numeric OIDs start with a dot, as in tcpdump
				b = appendUint(b, uint64(s))
				o -= s * 40
			}
			b = append(b, '.')
			b = appendUint(b, uint64(o))
			first = 0
			o = 0
		}
	case beInt:
		b = appendInt(b, int64(e.ival))
	case beUns, beUns64:
		b = appendUint(b, e.uval)
	case beStr:
		printable := true
		for _, c := range e.data {
			if !isPrint(c) {
				printable = false
				break
			}
		}
		if printable {
			b = append(b, '"')
			b = appendNameChars(b, e.data)
			b = append(b, '"')
		} else {
			for i, c := range e.data {
				if i > 0 {
					b = append(b, '_')
				}
				b = appendHexByte(b, c)
			}
		}
	case beSeq:
		b = append(b, "Seq("...)
		b = appendUint(b, uint64(e.asnlen))
		b = append(b, ')')
	case beInetAddr:
		if e.asnlen != 4 {
			b = append(b, "[inetaddr len!=4]"...)
		}
		for i, c := range e.data {
			if i > 0 {
				b = append(b, '.')
			}
			b = appendUint(b, uint64(c))
		}
	case beException:
		b = append(b, '[')
		b = append(b, asnExceptions[e.id]...)
		b = append(b, ']')
	case bePDU:
		b = append(b, asnContext[e.id]...)
		b = append(b, '(')
		b = appendUint(b, uint64(e.asnlen))
		b = append(b, ')')
	default:
		b = append(b, "[BE_ANY!?]"...)
	}
	return b
}

// snmp prints an SNMP message header (tcpdump's snmp_print, up to the
// version); well-formed messages get the version and community.
func (p *Printer) snmp(b, d []byte, length int) []byte {
	b = append(b, ' ')
	if len(d) > length {
		d = d[:length]
	}
	b, e, n := p.asn1Parse(b, d, length)
	if n < 0 {
		return b
	}
	if e.typ != beSeq {
		b = append(b, "[!init SEQ]"...)
		return appendASN1(b, &e)
	}
	if n < length {
		b = append(b, '[')
		b = appendInt(b, int64(length-n))
		b = append(b, " extra after iSEQ]"...)
	}
	inner := e.data
	ilen := int(e.asnlen)
	b, e, n = p.asn1Parse(b, inner, ilen)
	if n < 0 {
		return b
	}
	if e.typ != beInt {
		b = append(b, "[version!=INT]"...)
		return appendASN1(b, &e)
	}
	switch e.ival {
	case 0:
		b = append(b, "{ SNMPv1 "...)
	case 1:
		b = append(b, "{ SNMPv2c "...)
	case 3:
		b = append(b, "{ SNMPv3 "...)
	default:
		b = append(b, "[version = "...)
		b = appendInt(b, int64(e.ival))
		return append(b, ']')
	}
	inner, ilen = inner[n:], ilen-n
	b, e, n = p.asn1Parse(b, inner, ilen)
	if n < 0 {
		return b
	}
	if e.typ != beStr {
		b = append(b, "[comm!=STR]"...)
		return appendASN1(b, &e)
	}
	if string(e.data) != "public" {
		b = append(b, "C="...)
		b = appendNameChars(b, e.data)
		b = append(b, ' ')
	}
	return append(b, '}')
}
