package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestGetopt(t *testing.T) {
	cases := []struct {
		args []string
		opts []string // id=value
		rest []string
		err  string
	}{
		{[]string{"-nnvr", "f", "tcp", "port", "80"}, []string{"n=", "n=", "v=", "r=f"}, []string{"tcp", "port", "80"}, ""},
		{[]string{"-c5", "-w-"}, []string{"c=5", "w=-"}, nil, ""},
		{[]string{"host", "a", "-n", "or", "b"}, []string{"n="}, []string{"host", "a", "or", "b"}, ""},
		{[]string{"--count", "--snapshot-length=96", "--interface", "lo"}, []string{"count=", "s=96", "i=lo"}, nil, ""},
		{[]string{"--cou", "--nan"}, []string{"count=", "nano="}, nil, ""},
		{[]string{"-n", "--", "-c", "x"}, []string{"n="}, []string{"-c", "x"}, ""},
		{[]string{"-", "x"}, nil, []string{"-", "x"}, ""},
		{[]string{"-dd"}, []string{"d=", "d="}, nil, ""},
		{[]string{"-k"}, nil, nil, "invalid option -- 'k'"},
		{[]string{"-nr"}, nil, nil, "option requires an argument -- 'r'"},
		{[]string{"--count=1"}, nil, nil, "option '--count' doesn't allow an argument"},
		{[]string{"--interface"}, nil, nil, "option '--interface' requires an argument"},
		{[]string{"--frob"}, nil, nil, "unrecognized option '--frob'"},
		{[]string{"--mi"}, []string{"micro="}, nil, ""},
		{[]string{"--n"}, nil, nil, "option '--n' is ambiguous; possibilities: '--nano' '--no-optimize' '--no-promiscuous-mode' '--number'"},
	}
	for _, c := range cases {
		opts, rest, err := getopt(optionTable, c.args)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%q: error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		var got []string
		for _, o := range opts {
			got = append(got, o.id+"="+o.value)
		}
		if !reflect.DeepEqual(got, c.opts) || !reflect.DeepEqual(rest, c.rest) {
			t.Errorf("%q: opts %q rest %q, want %q %q", c.args, got, rest, c.opts, c.rest)
		}
	}
}

func TestParseArgsValues(t *testing.T) {
	c, err := parseArgs([]string{"-C", "2", "-W", "3", "-G", "60", "-s", "0", "-tttt", "-XX", "--nano", "-F", "f", "not", "arp"})
	if err != nil {
		t.Fatal(err)
	}
	if c.fileSize != 2000000 || c.fileCount != 3 || c.rotateSeconds != 60 || c.snaplen != maxSnaplen ||
		c.tflag != 4 || c.Xflag != 2 || c.tsPrecision != "nano" || c.filterFile != "f" || c.expr != "not arp" {
		t.Errorf("parsed %+v", c)
	}
}

// FuzzParseArgs feeds arbitrary command lines (words separated by NUL)
// to the option parser: it must not panic, and every option it returns
// must be one of the table's.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"-nnvr\x00f\x00tcp", "-c5\x00-w-", "--count\x00--snapshot-length=96", "--n", "-\x00--\x00-x",
		"-C\x001\x00-W\x003\x00-G\x0010", "-y\x00EN10MB\x00-ddd", "--time-stamp-precision=nano", "-tttttt", "-s\x00-1", "\xff\x00-\xff"} {
		f.Add(s)
	}
	ids := map[string]bool{}
	for _, o := range optionTable {
		ids[o.id] = true
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		opts, _, err := getopt(optionTable, args)
		if err == nil {
			for _, o := range opts {
				if !ids[o.id] {
					t.Fatalf("option %q not in the table", o.id)
				}
			}
		}
		parseArgs(args)
	})
}

// TestStrtol checks -s's number syntax, C's strtol with base 0.
func TestStrtol(t *testing.T) {
	for in, want := range map[string]int64{"96": 96, "0x10": 16, "0X1f": 31, "010": 8, "0": 0, "+5": 5, "-1": -1} {
		if n, ok := strtol(in); !ok || n != want {
			t.Errorf("strtol(%q) = %d, %v; want %d", in, n, ok, want)
		}
	}
	for _, in := range []string{"", "x", "0x", "08", "1_0", "1x", "+-1", "--1", " 1", "99999999999999999999"} {
		if n, ok := strtol(in); ok {
			t.Errorf("strtol(%q) = %d, want an error", in, n)
		}
	}
	if c, err := parseArgs([]string{"-s", "0x100"}); err != nil || c.snaplen != 256 {
		t.Errorf("-s 0x100: %v, %v", c, err)
	}
}
