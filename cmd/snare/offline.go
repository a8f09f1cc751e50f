package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/dumper"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/pcapng"
	"github.com/snare-pcap/snare/savefile"
)

// openSource opens a capture file ("-" is standard input).
func openSource(name string, stdin io.Reader) (*savefile.File, error) {
	if name == "-" {
		return savefile.NewFile(stdin, "-")
	}
	f, err := savefile.OpenFile(name)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, errorf("%s: %s", name, errText(err))
		}
		return nil, err
	}
	return f, nil
}

// pipeline is what happens to each packet that passes the filter:
// skipping, counting, writing and printing.
type pipeline struct {
	cfg  *config
	e    *env
	out  *bufio.Writer  // stdout, buffered
	sink *dumper.Dumper // -w, or nil
	// ng, when set, is the pcapng file being read, whose packet
	// options (comments, flags) go to a pcapng -w file.
	ng *pcapng.Reader
	pr packetPrinter // nil when not printing

	skipped int64
	passed  int64 // packets after --skip (what -c limits and --count counts)

	// sinkIfaces is the number of pcapng interfaces declared in -w's
	// file; nano, whether the input has nanosecond time stamps.
	sinkIfaces int
	nano       bool

	// linkType is the -w file's link type; pcapOut says it is a pcap
	// file, which can hold no other.
	linkType link.Type
	pcapOut  bool

	// events are signals for the read loop (eventStop), set by the
	// signal goroutine and checked before each packet.
	events atomic.Uint32
	// sinkMu guards sink: SIGUSR2 flushes it from the signal goroutine
	// at once, even while the read loop waits for input, as tcpdump's
	// handler does.
	sinkMu sync.Mutex
}

// Read loop events.
const (
	eventStop = 1 << iota // SIGINT, SIGTERM, SIGHUP: stop reading, finish cleanly
)

// errInterrupted ends a read loop stopped by a signal.
var errInterrupted = errors.New("interrupted")

// onEvents acts on the events in ev.
func (p *pipeline) onEvents(ev uint32) error {
	p.events.And(^ev)
	if ev&eventStop != 0 {
		return errInterrupted
	}
	return nil
}

// watchSignals turns SIGINT, SIGTERM and SIGHUP into eventStop for p
// and flushes p's -w file on SIGUSR2, until the returned function is
// called. The signals stay caught after that, as tcpdump's handlers stay
// until it exits: a SIGINT that races with the end of the input must
// not kill the process after its output is complete (exit 0, not death
// by signal).
func watchSignals(p *pipeline) (stop func()) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR2)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case s := <-sigs:
				if s == syscall.SIGUSR2 {
					// A write error stays in the writer and is
					// reported by the next write or the close.
					p.sinkMu.Lock()
					if p.sink != nil {
						p.sink.Flush()
					}
					p.sinkMu.Unlock()
				} else {
					p.events.Or(eventStop)
				}
			}
		}
	}()
	return func() { close(done) }
}

// packetPrinter prints one packet.
type packetPrinter interface {
	Print(data []byte, ci snare.CaptureInfo) error
	Flush() error
}

// errCountReached ends a read loop when -c's count has been reached.
var errCountReached = errors.New("count reached")

// handle takes one packet that passed the filter.
func (p *pipeline) handle(data []byte, ci snare.CaptureInfo) error {
	if p.skipped < p.cfg.skip {
		p.skipped++
		return nil
	}
	p.passed++
	if p.sink != nil {
		p.sinkMu.Lock()
		err := p.write(data, ci)
		p.sinkMu.Unlock()
		if err != nil {
			return err
		}
	}
	if p.pr != nil {
		if err := p.pr.Print(data, ci); err != nil {
			return err
		}
		if p.cfg.lineBuf {
			if err := p.pr.Flush(); err != nil {
				return err
			}
		}
	}
	if p.cfg.count > 0 && p.passed >= p.cfg.count {
		return errCountReached
	}
	return nil
}

// flushOutput writes out the lines printed so far.
func (p *pipeline) flushOutput() error {
	if p.pr != nil {
		if err := p.pr.Flush(); err != nil {
			return err
		}
	}
	return p.out.Flush()
}

// write writes one packet to the -w file; p.sinkMu is held.
func (p *pipeline) write(data []byte, ci snare.CaptureInfo) error {
	if p.pcapOut && ci.LinkType != p.linkType {
		return errorf("%s: a packet has link type %s, the output file %s: write pcapng (--pcapng) to keep both",
			p.cfg.writeFile, ci.LinkType.Name(), p.linkType.Name())
	}
	var err error
	if p.ng != nil {
		if ci.InterfaceIndex >= p.sinkIfaces {
			if err := p.addInterfaces(); err != nil {
				return err
			}
		}
		err = p.sink.WritePacketWithOptions(ci, data, p.ng.PacketOptions())
	} else {
		err = p.sink.WritePacket(ci, data)
	}
	return err
}

// finish flushes and closes the outputs, and prints --count's line.
func (p *pipeline) finish() error {
	var errs []error
	if p.pr != nil {
		errs = append(errs, p.pr.Flush())
	}
	if p.cfg.countOnly {
		fmt.Fprintf(p.out, "%d packet%s\n", p.passed, plural(p.passed))
	}
	if p.sink != nil {
		p.sinkMu.Lock()
		if err := p.sink.Close(); err != nil {
			errs = append(errs, err)
		}
		p.sinkMu.Unlock()
	}
	errs = append(errs, p.out.Flush())
	return errors.Join(errs...)
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// outputSpec describes the packets a -w file will hold.
type outputSpec struct {
	linkType link.Type
	snapLen  int
	// ifaces are the pcapng interfaces to declare (from a pcapng input
	// or a live device); nil means one interface of linkType.
	ifaces []pcapng.Interface
	// nano: the input has nanosecond time stamps.
	nano bool
}

// newPipeline sets up the outputs.
func newPipeline(cfg *config, e *env, spec outputSpec) (*pipeline, error) {
	p := &pipeline{cfg: cfg, e: e, out: bufio.NewWriterSize(e.stdout, 64<<10), linkType: spec.linkType, pcapOut: !cfg.pcapng}
	if cfg.writeFile != "" {
		sink, err := openSink(cfg, e, spec)
		if err != nil {
			return nil, err
		}
		p.sink = sink
		p.sinkIfaces = max(1, len(spec.ifaces))
	}
	p.nano = spec.nano
	if !cfg.countOnly && (cfg.writeFile == "" || cfg.print) {
		p.pr = newPrinter(cfg, e.stdout)
	}
	return p, nil
}

// addInterfaces declares in the pcapng output the interfaces the pcapng
// input has described since the output was opened.
func (p *pipeline) addInterfaces() error {
	ifs := p.ng.Interfaces()
	for ; p.sinkIfaces < len(ifs); p.sinkIfaces++ {
		if _, err := p.sink.AddInterface(outputInterface(p.cfg, p.nano, ifs[p.sinkIfaces])); err != nil {
			return err
		}
	}
	return nil
}

// outputInterface is intf as a pcapng -w file declares it: the input's
// resolution unless --micro or --nano says otherwise (tcpdump has no
// pcapng output to follow), no time offset.
func outputInterface(cfg *config, nano bool, intf pcapng.Interface) pcapng.Interface {
	switch {
	case cfg.tsPrecision == "nano" || (cfg.tsPrecision == "" && nano):
		intf.TSResolution = pcapng.Nanosecond
	case cfg.tsPrecision == "micro" || intf.TSResolution == 0:
		intf.TSResolution = pcapng.Microsecond
	}
	intf.TSOffset = 0
	return intf
}

// openSink opens -w's output, rotated as -C, -G and -W ask.
func openSink(cfg *config, e *env, spec outputSpec) (*dumper.Dumper, error) {
	var format dumper.Format
	if cfg.pcapng {
		ifaces := spec.ifaces
		if len(ifaces) == 0 {
			ifaces = []pcapng.Interface{{LinkType: spec.linkType, SnapLen: spec.snapLen, Name: cfg.device}}
		}
		for i := range ifaces {
			ifaces[i] = outputInterface(cfg, spec.nano, ifaces[i])
		}
		format = dumper.Pcapng{
			Section:    pcapng.WriterOptions{UserApplication: "snare " + version, OS: runtime.GOOS},
			Interfaces: ifaces,
		}
	} else {
		format = dumper.Pcap{LinkType: spec.linkType, SnapLen: spec.snapLen, Nanosecond: cfg.tsPrecision == "nano"}
	}
	opts := dumper.Options{
		Name:           cfg.writeFile,
		Format:         format,
		FileSize:       cfg.fileSize,
		RotateEvery:    time.Duration(cfg.rotateSeconds) * time.Second,
		FileCount:      cfg.fileCount,
		PacketBuffered: cfg.packetBuffered,
		Stdout:         e.stdout,
	}
	if cfg.postRotate != "" {
		opts.PostRotate = func(name string) { runPostRotate(cfg.postRotate, name, e) }
	}
	d, err := dumper.Open(opts)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, errorf("%s: %s", pe.Path, errText(err))
		}
		return nil, err
	}
	return d, nil
}

// runPostRotate starts -z's command on a file closed by rotation, as
// tcpdump does: the command (no shell) with the file name as its only
// argument, not waited for.
func runPostRotate(command, name string, e *env) {
	cmd := exec.Command(command, name)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(e.stderr, "snare: -z: %s %s: %v\n", command, name, err)
		return
	}
	go cmd.Wait()
}

// readFiles reads each file in turn through the filter into the
// outputs, as tcpdump does with -r and -V.
func readFiles(cfg *config, e *env, files []string) (err error) {
	var p *pipeline
	defer func() {
		if p != nil {
			if ferr := p.finish(); err == nil && ferr != nil {
				err = ferr
			}
		}
	}()
	var firstLT link.Type
	for i, name := range files {
		src, err := openSource(name, e.stdin)
		if err != nil {
			return err
		}
		lt := src.LinkType()
		if i > 0 {
			if p.sink != nil && lt != firstLT {
				src.Close()
				return errorf("%s: new dlt does not match original", name)
			}
			// The previous file's lines come out before this file's
			// header line, as with tcpdump.
			if err := p.flushOutput(); err != nil {
				src.Close()
				return err
			}
		}
		fmt.Fprintf(e.stderr, "reading from file %s, link-type %s (%s), snapshot length %d\n",
			name, lt.Name(), lt.Description(), src.SnapLen())
		if i == 0 {
			if err := loadFilterFile(cfg); err != nil {
				src.Close()
				return err
			}
		}
		if cfg.dump > 0 {
			defer src.Close()
			return dumpProgram(cfg, e, lt, src.SnapLen())
		}
		match, err := newMatcher(cfg, lt, src.SnapLen())
		if err != nil {
			src.Close()
			return err
		}
		if i == 0 {
			firstLT = lt
			spec := outputSpec{linkType: lt, snapLen: src.SnapLen(), nano: src.Nanosecond()}
			if ng := src.PcapNG(); ng != nil {
				spec.ifaces = append([]pcapng.Interface(nil), ng.Interfaces()...)
			}
			p, err = newPipeline(cfg, e, spec)
			if err != nil {
				src.Close()
				return err
			}
			if cfg.user != "" {
				if err := dropPrivileges(cfg.user); err != nil {
					src.Close()
					return err
				}
			}
			defer watchSignals(p)()
		}
		p.ng = nil
		if cfg.pcapng && src.PcapNG() != nil {
			p.ng = src.PcapNG()
		}
		err = readLoop(src, match, p)
		src.Close()
		if errors.Is(err, errCountReached) || errors.Is(err, errInterrupted) {
			return nil
		}
		if errors.Is(err, dumper.ErrFileLimit) {
			fmt.Fprintf(e.stderr, "Maximum file limit reached: %d\n", cfg.fileCount)
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readLoop runs one source to its end through match into p.
func readLoop(src reader, m *matcher, p *pipeline) error {
	for {
		if ev := p.events.Load(); ev != 0 {
			if err := p.onEvents(ev); err != nil {
				return err
			}
		}
		data, ci, err := src.ZeroCopyReadPacketData()
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		if ok, err := m.match(data, ci.Length, ci.LinkType); err != nil {
			return err
		} else if !ok {
			continue
		}
		if err := p.handle(data, ci); err != nil {
			return err
		}
	}
}
