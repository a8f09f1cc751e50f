package main

import (
	"reflect"
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
