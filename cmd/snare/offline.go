package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// openSource opens a capture file ("-" is standard input).
func openSource(name string, stdin io.Reader) (packetSource, error) {
	return openMini(name, stdin)
}

// pipeline is what happens to each packet that passes the filter:
// skipping, counting, writing and printing.
type pipeline struct {
	cfg  *config
	e    *env
	out  *bufio.Writer // stdout, buffered
	sink packetSink    // -w, or nil
	pr   packetPrinter // nil when not printing

	skipped int64
	passed  int64 // packets after --skip (what -c limits and --count counts)
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
		if err := p.sink.WritePacket(ci, data); err != nil {
			return err
		}
		if p.cfg.packetBuffered {
			if err := p.sink.Flush(); err != nil {
				return err
			}
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
		if err := p.sink.Close(); err != nil {
			errs = append(errs, err)
		}
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

// newPipeline sets up the outputs for packets of link type lt.
func newPipeline(cfg *config, e *env, lt link.Type, snap int) (*pipeline, error) {
	p := &pipeline{cfg: cfg, e: e, out: bufio.NewWriterSize(e.stdout, 64<<10)}
	if cfg.writeFile != "" {
		sink, err := openSink(cfg, e, lt, snap)
		if err != nil {
			return nil, err
		}
		p.sink = sink
	}
	if !cfg.countOnly && (cfg.writeFile == "" || cfg.print) {
		p.pr = newPrinter(cfg, p.out)
	}
	return p, nil
}

// openSink opens -w's output.
func openSink(cfg *config, e *env, lt link.Type, snap int) (packetSink, error) {
	nano := cfg.tsPrecision == "nano"
	if cfg.writeFile == "-" {
		return newMiniWriter(e.stdout, io.NopCloser(nil), lt, snap, nano)
	}
	f, err := os.Create(cfg.writeFile)
	if err != nil {
		return nil, errorf("%s: %s", cfg.writeFile, errText(err))
	}
	return newMiniWriter(f, f, lt, snap, nano)
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
		fmt.Fprintf(e.stderr, "reading from file %s, link-type %s (%s), snapshot length %d\n",
			name, lt.Name(), lt.Description(), src.SnapLen())
		if cfg.dump > 0 {
			defer src.Close()
			return dumpProgram(cfg, e, lt, src.SnapLen())
		}
		match, err := compileMatcher(cfg, lt, src.SnapLen())
		if err != nil {
			src.Close()
			return err
		}
		if i == 0 {
			firstLT = lt
			p, err = newPipeline(cfg, e, lt, src.SnapLen())
			if err != nil {
				src.Close()
				return err
			}
		} else if p.sink != nil && lt != firstLT {
			src.Close()
			return errorf("%s: new dlt does not match original", name)
		}
		err = readLoop(src, match, p)
		src.Close()
		if errors.Is(err, errCountReached) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readLoop runs one source to its end through match into p.
func readLoop(src packetSource, match func([]byte, int) bool, p *pipeline) error {
	for {
		data, ci, err := src.ZeroCopyReadPacketData()
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		if match != nil && !match(data, ci.Length) {
			continue
		}
		if err := p.handle(data, ci); err != nil {
			return err
		}
	}
}
