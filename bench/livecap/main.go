//go:build linux

// Command livecap is the live-capture benchmark's minimal capture program:
// it captures with the snare library (no CLI) and writes classic pcap
// records to a file (like tcpdump -w), optionally over a PACKET_FANOUT
// group of several sockets, and on SIGINT prints libpcap-style statistics
// on stderr:
//
//	livecap -i vethB -B 4096 -Q in -w /dev/null [-fanout 2] [-s 262144] [-loop]
//
// It reads with Handle.NextBatch (-loop: Handle.Loop).
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"github.com/snare-pcap/snare"
	_ "github.com/snare-pcap/snare/afpacket"
)

func main() {
	dev := flag.String("i", "", "interface")
	bufKiB := flag.Int("B", 0, "buffer size in KiB")
	snap := flag.Int("s", 262144, "snapshot length")
	dir := flag.String("Q", "inout", "direction: in, out, inout")
	out := flag.String("w", "/dev/null", "output file")
	fanout := flag.Int("fanout", 1, "sockets in a PACKET_FANOUT hash group (one goroutine each)")
	cpuprof := flag.String("cpuprofile", "", "write a CPU profile to this file")
	loop := flag.Bool("loop", false, "read with Handle.Loop (a callback per packet) instead of Handle.NextBatch")
	flag.Parse()
	if *cpuprof != "" {
		pf, err := os.Create(*cpuprof)
		if err != nil {
			fatal(err)
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	if *dev == "" {
		fmt.Fprintln(os.Stderr, "livecap: -i is required")
		os.Exit(2)
	}
	d := snare.DirectionInOut
	switch *dir {
	case "in":
		d = snare.DirectionIn
	case "out":
		d = snare.DirectionOut
	}
	var hs []*snare.Handle
	for range *fanout {
		h, err := snare.NewHandle(*dev)
		if err != nil {
			fatal(err)
		}
		h.SetSnapLen(*snap)
		h.SetTimeout(time.Second)
		if *bufKiB > 0 {
			h.SetBufferSize(*bufKiB * 1024)
		}
		h.SetDirection(d)
		if *fanout > 1 {
			h.SetFanout(snare.Fanout{Mode: snare.FanoutHash, Group: uint16(os.Getpid())})
		}
		if err := h.Activate(); err != nil {
			fatal(err)
		}
		hs = append(hs, h)
	}
	fmt.Fprintf(os.Stderr, "livecap: listening on %s, link-type %s, snapshot length %d bytes, %d socket(s)\n",
		*dev, hs[0].LinkType().Name(), hs[0].SnapLen(), len(hs))

	f, err := os.Create(*out)
	if err != nil {
		fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex // the file is shared by the fanout readers
	w := bufio.NewWriterSize(f, 1<<20)
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], uint32(hs[0].SnapLen()))
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	w.Write(hdr)
	for _, h := range hs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var rec [16]byte
			var local *bufio.Writer
			if len(hs) > 1 {
				local = bufio.NewWriterSize(f, 1<<20)
			} else {
				local = w
			}
			write := func(data []byte, ci *snare.CaptureInfo) {
				binary.LittleEndian.PutUint32(rec[0:], uint32(ci.Timestamp.Unix()))
				binary.LittleEndian.PutUint32(rec[4:], uint32(ci.Timestamp.Nanosecond()/1000))
				binary.LittleEndian.PutUint32(rec[8:], uint32(len(data)))
				binary.LittleEndian.PutUint32(rec[12:], uint32(ci.Length))
				if local.Available() < 16+len(data) && len(hs) > 1 {
					mu.Lock()
					local.Flush()
					mu.Unlock()
				}
				local.Write(rec[:])
				local.Write(data)
			}
			var err error
			if *loop {
				err = h.Loop(0, func(data []byte, ci snare.CaptureInfo) { write(data, &ci) })
			} else {
				for {
					var pkts []snare.Packet
					pkts, err = h.NextBatch()
					if errors.Is(err, snare.ErrTimeout) {
						continue
					}
					if err != nil {
						break
					}
					for i := range pkts {
						write(pkts[i].Data, &pkts[i].Info)
					}
				}
			}
			if len(hs) > 1 {
				mu.Lock()
				local.Flush()
				mu.Unlock()
			}
			if err != nil && !errors.Is(err, snare.ErrBreak) {
				fmt.Fprintln(os.Stderr, "livecap:", err)
			}
		}()
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	var total snare.Stats
	for _, h := range hs {
		st, err := h.Stats()
		if err != nil {
			fatal(err)
		}
		total.Received += st.Received
		total.Dropped += st.Dropped
		h.BreakLoop()
	}
	wg.Wait()
	for _, h := range hs {
		st, _ := h.Stats()
		total.Captured += st.Captured
		h.Close()
	}
	w.Flush()
	f.Close()
	fmt.Fprintf(os.Stderr, "%d packets captured\n%d packets received by filter\n%d packets dropped by kernel\n",
		total.Captured, total.Received, total.Dropped)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "livecap:", err)
	os.Exit(1)
}
