package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/snare-pcap/snare/printer"
)

// helpGroup is a titled group of option help lines for --help.
type helpGroup struct {
	title string
	lines [][2]string // spelling, description
}

// optionTable is every option snare accepts: tcpdump's short options
// (its getopt string minus the ones that need libsmi, IPsec secrets or
// monitor mode), tcpdump 4.99's long options, and snare's own long
// options (--pcapng, --skip, --lengths).
var optionTable = []option{
	{short: 'A', id: "A"},
	{short: 'B', long: "buffer-size", arg: true, id: "B"},
	{short: 'c', arg: true, id: "c"},
	{long: "count", id: "count"},
	{short: 'C', arg: true, id: "C"},
	{short: 'd', id: "d"},
	{short: 'D', long: "list-interfaces", id: "D"},
	{short: 'e', id: "e"},
	{short: 'F', arg: true, id: "F"},
	{short: 'G', arg: true, id: "G"},
	{short: 'h', long: "help", id: "h"},
	{short: 'i', long: "interface", arg: true, id: "i"},
	{short: 'I', long: "monitor-mode", id: "I"},
	{short: 'j', long: "time-stamp-type", arg: true, id: "j"},
	{short: 'J', long: "list-time-stamp-types", id: "J"},
	{short: 'K', long: "dont-verify-checksums", id: "K"},
	{short: 'l', id: "l"},
	{short: 'L', long: "list-data-link-types", id: "L"},
	{short: 'n', id: "n"},
	{short: 'N', id: "N"},
	{short: 'O', long: "no-optimize", id: "O"},
	{short: 'p', long: "no-promiscuous-mode", id: "p"},
	{short: 'q', id: "q"},
	{short: 'Q', long: "direction", arg: true, id: "Q"},
	{short: 'r', arg: true, id: "r"},
	{short: 's', long: "snapshot-length", arg: true, id: "s"},
	{short: 'S', long: "absolute-tcp-sequence-numbers", id: "S"},
	{short: 't', id: "t"},
	{short: 'T', arg: true, id: "T"},
	{short: 'U', long: "packet-buffered", id: "U"},
	{short: 'v', id: "v"},
	{short: 'V', arg: true, id: "V"},
	{short: 'w', arg: true, id: "w"},
	{short: 'W', arg: true, id: "W"},
	{short: 'x', id: "x"},
	{short: 'X', id: "X"},
	{short: 'y', long: "linktype", arg: true, id: "y"},
	{short: 'z', arg: true, id: "z"},
	{short: 'Z', long: "relinquish-privileges", arg: true, id: "Z"},
	{short: '#', long: "number", id: "#"},
	{long: "immediate-mode", id: "immediate-mode"},
	{long: "time-stamp-precision", arg: true, id: "time-stamp-precision"},
	{long: "micro", id: "micro"},
	{long: "nano", id: "nano"},
	{long: "print", id: "print"},
	{long: "version", id: "version"},
	{long: "pcapng", id: "pcapng"},
	{long: "skip", arg: true, id: "skip"},
	{long: "lengths", id: "lengths"},
}

// helpGroups is the --help text, grouped as tcpdump's manual presents
// the options, one line each.
var helpGroups = []helpGroup{
	{"Reading and capturing", [][2]string{
		{"-r file", "read packets from a pcap or pcapng file (gzip/zstd too); - is stdin; repeat for more"},
		{"-V file", "read packets from each file named in file, one per line (- is stdin)"},
		{"-i interface, --interface=interface", "capture on interface: a name, a number from -D, or any"},
		{"-D, --list-interfaces", "list the interfaces snare can capture on, numbered, and exit"},
		{"-L, --list-data-link-types", "list the interface's data link types and exit"},
		{"-y type, --linktype=type", "capture with (or, with -d, compile for) data link type (EN10MB, RAW, ...)"},
		{"-s snaplen, --snapshot-length=snaplen", "capture at most snaplen bytes of each packet (0 = 262144)"},
		{"-p, --no-promiscuous-mode", "don't put the interface into promiscuous mode"},
		{"-I, --monitor-mode", "capture in 802.11 monitor mode (not supported: refused as by tcpdump on other devices)"},
		{"-B size, --buffer-size=size", "kernel capture buffer size, in KiB"},
		{"-Q in|out|inout, --direction=...", "capture only packets received, sent, or both"},
		{"--immediate-mode", "deliver each packet as it arrives, without buffering"},
		{"-j type, --time-stamp-type=type", "time stamp type (see -J)"},
		{"-J, --list-time-stamp-types", "list the interface's time stamp types and exit"},
		{"--time-stamp-precision=micro|nano", "time stamp precision of capture and of -w files"},
		{"--micro, --nano", "shorthands for --time-stamp-precision=micro or nano"},
		{"-c count", "stop after count packets (after the filter)"},
		{"--skip count", "skip the first count packets (after the filter) before printing or writing"},
		{"--count", "print only the number of packets (matching the filter)"},
	}},
	{"Filtering", [][2]string{
		{"expression", "a pcap-filter(7) expression; the remaining words, joined by spaces"},
		{"-F file", "read the filter expression from file (# starts a comment)"},
		{"-d", "print the compiled filter program as assembly and exit"},
		{"-dd", "print the compiled filter program as a C array and exit"},
		{"-ddd", "print the compiled filter program as decimal numbers and exit"},
		{"-O, --no-optimize", "don't run the filter optimizer"},
	}},
	{"Writing files", [][2]string{
		{"-w file", "write raw packets to file (- is stdout) instead of printing them"},
		{"--pcapng", "write -w files as pcapng (keeps interface names and comments) instead of pcap"},
		{"--print", "print packets even while writing them with -w"},
		{"-C file_size", "start a new -w file when it would exceed file_size million bytes"},
		{"-G seconds", "start a new -w file every seconds; file may hold strftime(3) patterns"},
		{"-W filecount", "with -C, reuse filecount files in a ring; with -G, stop after filecount files"},
		{"-z command", "run command file after each -w file is closed by rotation"},
		{"-Z user, --relinquish-privileges=user", "drop privileges to user after opening the capture"},
		{"-U, --packet-buffered", "flush -w output after every packet"},
	}},
	{"Printing", [][2]string{
		{"-n", "don't convert addresses (host names); -nn: don't convert ports or protocols either"},
		{"-N", "print host names without domain"},
		{"-q", "quiet: print less protocol information"},
		{"-e", "print the link-level header"},
		{"-t", "don't print a time stamp; -tt: seconds since the epoch; -ttt: delta to previous"},
		{"-tttt", "date and time; -ttttt: delta to the first packet"},
		{"-#, --number", "print a packet number at the start of each line"},
		{"--lengths", "print the capture and wire lengths at the start of each line"},
		{"-v", "more verbose output; -vv and -vvv still more"},
		{"-x", "print each packet's data in hex, without link header; -xx with it"},
		{"-X", "print each packet's data in hex and ASCII, without link header; -XX with it"},
		{"-A", "print each packet's data in ASCII, without link header; -AA with it"},
		{"-K, --dont-verify-checksums", "don't verify IP, TCP or UDP checksums"},
		{"-S, --absolute-tcp-sequence-numbers", "print absolute, not relative, TCP sequence numbers"},
		{"-T type", "decode every UDP payload as type, whatever the ports: vxlan, domain or snmp"},
		{"-l", "line-buffer standard output"},
	}},
	{"Information", [][2]string{
		{"-h, --help", "print this help and exit"},
		{"--version", "print the version and exit"},
	}},
}

// usageText is the short synopsis printed after a command-line error,
// in the shape of tcpdump's.
const usageText = `Usage: snare [-AdDehIJKlLnNOpqStUvxX#] [ -B size ] [ -c count ] [--count]
		[ -C file_size ] [ -F file ] [ -G seconds ]
		[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]
		[ --number ] [ --pcapng ] [ --print ] [ -Q in|out|inout ]
		[ -r file ] [ -s snaplen ] [ --skip count ] [ -T type ] [ --version ]
		[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]
		[ --time-stamp-precision precision ] [ --micro ] [ --nano ]
		[ -z postrotate-command ] [ -Z user ] [ expression ]
`

func printVersion(w io.Writer) {
	fmt.Fprintf(w, "snare version %s\n", version)
}

func printUsage(w io.Writer) {
	printVersion(w)
	io.WriteString(w, usageText)
}

func printHelp(w io.Writer) {
	printVersion(w)
	io.WriteString(w, "Usage: snare [options] [expression]\n")
	for _, g := range helpGroups {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, l := range g.lines {
			fmt.Fprintf(w, "  %-38s %s\n", l[0], l[1])
		}
	}
}

// config is what the command line asks for.
type config struct {
	help, showVersion bool

	inputs    []string // -r, each one (tcpdump keeps the last)
	listFile  string   // -V
	device    string   // -i
	listIfs   bool     // -D
	listLinks bool     // -L
	listTS    bool     // -J

	count     int64 // -c (0: no limit)
	skip      int64 // --skip
	countOnly bool  // --count

	filterFile string // -F
	expr       string
	dump       int  // -d, -dd, -ddd
	noOptimize bool // -O

	linkType    string // -y
	snaplen     int    // -s (-1: not given)
	noPromisc   bool   // -p
	monitor     bool   // -I
	bufferKiB   int    // -B
	direction   string // -Q
	immediate   bool
	tsType      string // -j
	tsPrecision string // "", "micro" or "nano"

	writeFile      string // -w
	pcapng         bool
	print          bool  // --print
	fileSize       int64 // -C, in bytes
	rotateSeconds  int   // -G
	fileCount      int   // -W
	postRotate     string
	user           string // -Z
	packetBuffered bool   // -U

	nflag, Nflag, verbose, tflag, xflag, Xflag, eflag int
	Aflag                                             int
	quiet, noChecksums, absSeq, lineBuf, number       bool
	lengths                                           bool
	packetType                                        printer.PacketType // -T
}

// parseArgs turns the command line (without the program name) into a
// config, with tcpdump's checks and messages for bad values.
func parseArgs(args []string) (*config, error) {
	opts, rest, err := getopt(optionTable, args)
	if err != nil {
		return nil, err
	}
	c := &config{snaplen: -1}
	for _, o := range opts {
		v := o.value
		switch o.id {
		case "A":
			c.Aflag++
		case "B":
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return nil, errorf("invalid packet buffer size %s", v)
			}
			c.bufferKiB = n
		case "c":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return nil, errorf("invalid packet count %s", v)
			}
			c.count = n
		case "count":
			c.countOnly = true
		case "C":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return nil, errorf("invalid file size %s", v)
			}
			if n > math.MaxInt64/1000000 {
				return nil, errorf("file size %s is too large", v)
			}
			c.fileSize = n * 1000000
		case "d":
			c.dump++
		case "D":
			c.listIfs = true
		case "e":
			c.eflag++
		case "F":
			c.filterFile = v
		case "G":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, errorf("invalid number of seconds %s", v)
			}
			c.rotateSeconds = n
		case "h":
			c.help = true
		case "i":
			c.device = v
		case "I":
			c.monitor = true
		case "j":
			if v == "" {
				return nil, errorf("invalid time stamp type %s", v)
			}
			c.tsType = v
		case "J":
			c.listTS = true
		case "K":
			c.noChecksums = true
		case "l":
			c.lineBuf = true
		case "L":
			c.listLinks = true
		case "n":
			c.nflag++
		case "N":
			c.Nflag++
		case "O":
			c.noOptimize = true
		case "p":
			c.noPromisc = true
		case "q":
			c.quiet = true
		case "Q":
			switch strings.ToLower(v) {
			case "in", "out", "inout":
				c.direction = strings.ToLower(v)
			default:
				return nil, errorf("unknown capture direction `%s'", v)
			}
		case "r":
			c.inputs = append(c.inputs, v)
		case "s":
			n, ok := strtol(v)
			if !ok || n < 0 || n > maxSnaplen {
				return nil, errorf("invalid snaplen %s (must be >= 0 and <= %d)", v, maxSnaplen)
			}
			if n == 0 {
				n = maxSnaplen
			}
			c.snaplen = int(n)
		case "S":
			c.absSeq = true
		case "t":
			c.tflag++
		case "T":
			pt, ok := printer.PacketTypeByName(v)
			switch {
			case ok:
				c.packetType = pt
			case tcpdumpPacketTypes[v]:
				return nil, errorf("-T %s is not supported (snare decodes -T vxlan, domain and snmp)", v)
			default:
				return nil, errorf("unknown packet type `%s'", v)
			}
		case "U":
			c.packetBuffered = true
		case "v":
			c.verbose++
		case "V":
			c.listFile = v
		case "w":
			c.writeFile = v
		case "W":
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return nil, errorf("invalid number of output files %s", v)
			}
			c.fileCount = n
		case "x":
			c.xflag++
		case "X":
			c.Xflag++
		case "y":
			if _, err := linkTypeByName(v); err != nil {
				return nil, err
			}
			c.linkType = v
		case "z":
			c.postRotate = v
		case "Z":
			c.user = v
		case "#":
			c.number = true
		case "immediate-mode":
			c.immediate = true
		case "time-stamp-precision":
			switch {
			case strings.HasPrefix(v, "nano"):
				c.tsPrecision = "nano"
			case strings.HasPrefix(v, "micro"):
				c.tsPrecision = "micro"
			default:
				return nil, errorf("unsupported time stamp precision")
			}
		case "micro":
			c.tsPrecision = "micro"
		case "nano":
			c.tsPrecision = "nano"
		case "print":
			c.print = true
		case "version":
			c.showVersion = true
		case "pcapng":
			c.pcapng = true
		case "skip":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, errorf("invalid skip count %s", v)
			}
			c.skip = n
		case "lengths":
			c.lengths = true
		}
	}
	if c.tflag > 5 {
		return nil, errorf("only -t, -tt, -ttt, -tttt and -ttttt are supported")
	}
	if len(c.inputs) > 0 && c.listFile != "" {
		return nil, errorf("-V and -r are mutually exclusive.")
	}
	c.expr = strings.Join(rest, " ")
	return c, nil
}

// tcpdumpPacketTypes are the -T names tcpdump 4.99 knows.
var tcpdumpPacketTypes = map[string]bool{
	"aodv": true, "carp": true, "cnfp": true, "domain": true, "lmp": true, "pgm": true,
	"pgm_zmtp1": true, "ptp": true, "radius": true, "resp": true, "rpc": true, "rtcp": true,
	"rtp": true, "snmp": true, "someip": true, "tftp": true, "vat": true, "vxlan": true,
	"wb": true, "zmtp1": true,
}

// maxSnaplen is libpcap's MAXIMUM_SNAPLEN.
const maxSnaplen = 262144

// strtol parses s as C's strtol with base 0 does, for the options
// tcpdump parses that way (-s): an optional sign, then a hexadecimal
// number after 0x, an octal one after 0, or a decimal one; the whole
// string must be used.
func strtol(s string) (int64, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	base := 10
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if s == "" || s[0] == '+' || s[0] == '-' || strings.ContainsRune(s, '_') {
		return 0, false
	}
	n, err := strconv.ParseInt(s, base, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}
