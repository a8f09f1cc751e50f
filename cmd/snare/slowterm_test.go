//go:build linux

package main

import (
	"bytes"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/snare-pcap/snare/internal/testnet"
)

// stalledReader collects what a command writes to a pipe, but reads
// nothing until release is called: until then the command's writes
// block once the pipe's 64 KiB are full, as on a terminal that cannot
// keep up.
type stalledReader struct {
	r       *os.File
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	buf     bytes.Buffer
	done    chan struct{}
}

// stallStdout gives cmd a pipe as standard output and returns its
// stalled reading end. Call before cmd.Start.
func stallStdout(t *testing.T, cmd *exec.Cmd) *stalledReader {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = w
	s := &stalledReader{r: r, release: make(chan struct{}), done: make(chan struct{})}
	t.Cleanup(func() { s.unstall(); r.Close() })
	go func() {
		defer close(s.done)
		<-s.release
		b := make([]byte, 64<<10)
		for {
			n, err := r.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

func (s *stalledReader) unstall() { s.once.Do(func() { close(s.release) }) }

func (s *stalledReader) lines() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Count(s.buf.Bytes(), []byte("\n"))
}

// closeWriter closes the parent's copy of the pipe's writing end, so
// the reader sees EOF when the command exits.
func closeWriter(cmd *exec.Cmd) {
	if f, ok := cmd.Stdout.(*os.File); ok {
		f.Close()
	}
}

// dropped returns the "N packets dropped by kernel" count in stderr.
func dropped(t *testing.T, stderr string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^(\d+) packets? dropped by kernel$`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no 'dropped by kernel' line in:\n%s", stderr)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestSlowTerminalDoesNotDrop checks that capture is decoupled from
// printing: snare prints into a pipe that nobody reads for the whole
// burst (its writes block after 64 KiB, about a thousand lines), with a
// kernel ring of 1 MiB (-B 1024, some 8,000 small frames), while 20,000
// datagrams arrive. Every packet must be printed once the reader wakes
// up, and the kernel must report no drop. tcpdump runs on the same
// interface, with the same flags and an equally stalled pipe, as the
// control: it prints as it reads, so it must drop (which shows that the
// test overruns the ring of a capture that is not decoupled).
func TestSlowTerminalDoesNotDrop(t *testing.T) {
	p := testnet.New(t)
	const port = 9
	// No --immediate-mode: the ring's blocks are handed over when full,
	// so it holds its 8,000 frames whatever the scheduling delays.
	args := []string{"-i", p.IfB, "-nn", "-B", "1024", "udp dst port " + strconv.Itoa(port)}

	sn := p.Command(testnet.B, snareBin, args...)
	snOut := stallStdout(t, sn)
	snErr := started(t, sn)
	closeWriter(sn)

	var td *exec.Cmd
	var tdOut *stalledReader
	var tdErr *syncBuffer
	if tcpdumpPath, err := exec.LookPath("tcpdump"); err == nil {
		td = p.Command(testnet.B, tcpdumpPath, args...)
		tdOut = stallStdout(t, td)
		tdErr = started(t, td)
		closeWriter(td)
	} else {
		t.Log("tcpdump is not installed: no control run")
	}

	sent := sendBurst(t, p, port, 20000, 20*time.Second)
	if sent < 20000 {
		t.Logf("the time bound stopped the burst at %d datagrams", sent)
	}
	// Keep the terminal stalled a moment after the burst, then read.
	time.Sleep(time.Second)
	snOut.unstall()
	deadline := time.Now().Add(30 * time.Second)
	for snOut.lines() < sent && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	signalSnare(t, sn, syscall.SIGINT)
	if code := waitExit(t, sn); code != 0 {
		t.Errorf("snare exited %d", code)
	}
	<-snOut.done
	stderr := snErr.wait(t)
	if got := strings.Count(snOut.buf.String(), " > "+p.AddrB.String()+"."+strconv.Itoa(port)+": UDP, length 8\n"); got != sent {
		t.Errorf("%d datagram lines, want %d", got, sent)
	}
	if d := dropped(t, stderr); d != 0 {
		t.Errorf("snare: %d packets dropped by kernel behind a stalled terminal:\n%s", d, stderr)
	}
	if want := strconv.Itoa(sent) + " packets captured\n"; !strings.Contains(stderr, want) {
		t.Errorf("snare's statistics lack %q:\n%s", want, stderr)
	}

	if td == nil {
		return
	}
	tdOut.unstall()
	time.Sleep(500 * time.Millisecond)
	signalSnare(t, td, syscall.SIGINT)
	waitExit(t, td)
	<-tdOut.done
	if d := dropped(t, tdErr.wait(t)); d == 0 {
		t.Errorf("control: tcpdump dropped nothing behind the same stalled pipe; the burst does not overrun the ring, so this test proves nothing")
	} else {
		t.Logf("control: tcpdump dropped %d of %d packets", d, sent)
	}
}

// sendBurst sends up to n 8-byte datagrams from namespace A to B's
// port, in bursts of 100 every 20ms (about 5,000 a second: neither the
// veth backlog nor a capture that keeps reading, even on a loaded
// machine, is overrun), and stops after limit. It returns how many were sent.
func sendBurst(t *testing.T, p *testnet.Pair, port, n int, limit time.Duration) int {
	t.Helper()
	sent := 0
	p.Do(t, testnet.A, func() {
		c, err := net.ListenUDP("udp4", nil)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		to := net.UDPAddrFromAddrPort(netip.AddrPortFrom(p.AddrB, uint16(port)))
		msg := []byte("datagram")
		stop := time.Now().Add(limit)
		for sent < n && time.Now().Before(stop) {
			if _, err := c.WriteToUDP(msg, to); err != nil {
				t.Error(err)
				return
			}
			sent++
			if sent%100 == 0 {
				time.Sleep(20 * time.Millisecond)
			}
		}
	})
	return sent
}
