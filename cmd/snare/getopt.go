package main

import (
	"fmt"
	"sort"
	"strings"
)

// An option is one entry of the command's option table: a short letter
// (0 for a long-only option), a long name ("" for none) and whether it
// takes an argument.
type option struct {
	short rune
	long  string
	arg   bool
	// id names the option for the code that applies it: the short letter
	// as a string, or the long name for a long-only option.
	id string
}

// A usageError is a command-line mistake: the message is printed
// after "snare: " and followed by the usage lines, as getopt does in
// tcpdump.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// parsed is one option occurrence found by getopt.
type parsed struct {
	id    string
	value string
	// name is how the user spelled it ("-c", "--count"), for messages.
	name string
}

// getopt parses args the way glibc's getopt_long does for tcpdump:
// short options cluster ("-nnvr file", "-c5"), an option's argument may
// be attached or be the next word, long options take "--name=value" or
// "--name value" and may be abbreviated to a unique prefix, "--" ends
// the options, and words that are not options are collected (in order)
// wherever they appear, as GNU getopt permutes them to the end.
func getopt(table []option, args []string) (opts []parsed, rest []string, err error) {
	byShort := map[rune]*option{}
	for i := range table {
		if table[i].short != 0 {
			byShort[table[i].short] = &table[i]
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i+1:]...)
			return opts, rest, nil
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			o, err := findLong(table, name)
			if err != nil {
				return nil, nil, err
			}
			switch {
			case !o.arg && hasVal:
				return nil, nil, &usageError{fmt.Sprintf("option '--%s' doesn't allow an argument", o.long)}
			case o.arg && !hasVal:
				if i+1 >= len(args) {
					return nil, nil, &usageError{fmt.Sprintf("option '--%s' requires an argument", o.long)}
				}
				i++
				val = args[i]
			}
			opts = append(opts, parsed{id: o.id, value: val, name: "--" + o.long})
		case len(a) > 1 && a[0] == '-':
			for j := 1; j < len(a); {
				c := rune(a[j])
				o := byShort[c]
				if o == nil || c >= 0x80 {
					return nil, nil, &usageError{fmt.Sprintf("invalid option -- '%c'", a[j])}
				}
				j++
				if !o.arg {
					opts = append(opts, parsed{id: o.id, name: "-" + string(c)})
					continue
				}
				var val string
				if j < len(a) {
					val = a[j:]
				} else {
					if i+1 >= len(args) {
						return nil, nil, &usageError{fmt.Sprintf("option requires an argument -- '%c'", c)}
					}
					i++
					val = args[i]
				}
				opts = append(opts, parsed{id: o.id, value: val, name: "-" + string(c)})
				break
			}
		default:
			rest = append(rest, a)
		}
	}
	return opts, rest, nil
}

// findLong finds a long option by its name or a unique prefix of it.
func findLong(table []option, name string) (*option, error) {
	var matches []*option
	for i := range table {
		o := &table[i]
		if o.long == "" {
			continue
		}
		if o.long == name {
			return o, nil
		}
		if name != "" && strings.HasPrefix(o.long, name) {
			matches = append(matches, o)
		}
	}
	switch len(matches) {
	case 0:
		return nil, &usageError{fmt.Sprintf("unrecognized option '--%s'", name)}
	case 1:
		return matches[0], nil
	}
	var names []string
	for _, m := range matches {
		names = append(names, "'--"+m.long+"'")
	}
	sort.Strings(names)
	return nil, &usageError{fmt.Sprintf("option '--%s' is ambiguous; possibilities: %s", name, strings.Join(names, " "))}
}
