// Command snare captures, filters, prints and writes packets. Its flags
// are tcpdump's: "snare -r file.pcap", "snare -nn -i eth0 tcp port 80",
// "snare -r in.pcapng -w out.pcap 'udp and not port 53'". Run
// "snare --help" for the list.
//
// The command only wires snare's packages together: savefile to read
// capture files, filter and bpf to compile and run expressions, the
// capture handle for live interfaces, printer to print packets the way
// tcpdump does, and dumper to write (and rotate) output files.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// version is the command's version string.
const version = "0.1.0"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// cliError is an error whose text is printed as is after "snare: ".
type cliError string

func (e cliError) Error() string { return string(e) }

func errorf(format string, args ...any) error {
	return cliError(fmt.Sprintf(format, args...))
}

// exitError carries an exit status with no message (the message, if
// any, has already been printed).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// env is the command's view of the process: its standard streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// run is the whole command; it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "snare: %v\n", err)
		var ue *usageError
		if errors.As(err, &ue) {
			printUsage(stderr)
		}
		return 1
	}
	if cfg.help {
		printHelp(stdout)
		return 0
	}
	if cfg.showVersion {
		printVersion(stdout)
		return 0
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if err := execute(cfg, e); err != nil {
		var xe exitError
		if errors.As(err, &xe) {
			return int(xe)
		}
		fmt.Fprintf(stderr, "snare: %v\n", err)
		return 1
	}
	return 0
}

// execute does what cfg asks.
func execute(cfg *config, e *env) error {
	switch {
	case cfg.listIfs:
		return listInterfaces(e)
	case cfg.listLinks:
		return listLinkTypes(cfg, e)
	case cfg.listTS:
		return listTimestampTypes(cfg, e)
	}
	files, err := inputFiles(cfg, e)
	if err != nil {
		return err
	}
	if cfg.dump > 0 && (files == nil && cfg.device == "") {
		if err := loadFilterFile(cfg); err != nil {
			return err
		}
		return dumpDead(cfg, e)
	}
	if files != nil {
		// The filter file is read once the first input is open, as
		// tcpdump does (readFiles).
		return readFiles(cfg, e, files)
	}
	if err := loadFilterFile(cfg); err != nil {
		return err
	}
	if cfg.monitor {
		return monitorMode(cfg)
	}
	return capture(cfg, e)
}

// loadFilterFile sets cfg's expression from -F's file, if given.
func loadFilterFile(cfg *config) error {
	if cfg.filterFile == "" {
		return nil
	}
	expr, err := readFilterFile(cfg.filterFile)
	if err != nil {
		return err
	}
	cfg.expr = expr
	return nil
}

// readFilterFile reads the expression of -F, blanking "#" comments to
// the end of the line as tcpdump does.
func readFilterFile(name string) (string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return "", errorf("can't open %s: %s", name, errText(err))
	}
	var sb strings.Builder
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i] + "\n"
		}
		sb.WriteString(line)
	}
	return sb.String(), nil
}

// inputFiles returns the files to read: -r's (snare reads every -r in
// turn, as -V's list; tcpdump only the last), -V's list, or nil for live
// capture.
func inputFiles(cfg *config, e *env) ([]string, error) {
	if len(cfg.inputs) > 0 {
		return cfg.inputs, nil
	}
	if cfg.listFile == "" {
		return nil, nil
	}
	var r io.Reader
	if cfg.listFile == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(cfg.listFile)
		if err != nil {
			return nil, errorf("Unable to open file: %s", errText(err))
		}
		defer f.Close()
		r = f
	}
	var files []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if name := strings.TrimRight(sc.Text(), "\r"); name != "" {
			files = append(files, name)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, errorf("%s: %s", cfg.listFile, errText(err))
	}
	if len(files) == 0 {
		return nil, errorf("%s: no file names in the list", cfg.listFile)
	}
	return files, nil
}

// errText is the C library's wording of an OS error ("No such file or
// directory"), without Go's "open NAME:" prefix.
func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	s := err.Error()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

// monitorMode answers -I for a live capture: snare's capture source has
// no 802.11 monitor mode, so every device is refused, with tcpdump's
// message for devices that are not wireless (-I with -r is ignored, as
// in tcpdump).
func monitorMode(cfg *config) error {
	dev, err := deviceName(cfg)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join("/sys/class/net", filepath.Base(dev), "phy80211")); err == nil {
		return errorf("%s: snare does not support monitor mode", dev)
	}
	return errorf("%s: That device doesn't support monitor mode", dev)
}
