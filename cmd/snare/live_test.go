//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/snare-pcap/snare/internal/testnet"
)

// started runs cmd and returns once its stderr has said "listening on"
// (the capture is open), with the rest of stderr collected in the
// returned buffer.
func started(t *testing.T, cmd *exec.Cmd) *syncBuffer {
	t.Helper()
	pr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := newSyncBuffer()
	ready := make(chan struct{})
	go func() {
		r := bufio.NewReader(pr)
		signalled := false
		for {
			line, err := r.ReadString('\n')
			buf.Write([]byte(line))
			if !signalled && strings.Contains(line, "listening on") {
				close(ready)
				signalled = true
			}
			if err != nil {
				if !signalled {
					close(ready)
				}
				buf.close()
				return
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatalf("%v did not start listening: %s", cmd.Args, buf.String())
	}
	return buf
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader, that
// says when the writer is done.
type syncBuffer struct {
	mu   sync.Mutex
	b    bytes.Buffer
	done chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{done: make(chan struct{})} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) close() { close(s.done) }

// wait waits for the writer to finish.
func (s *syncBuffer) wait(t *testing.T) string {
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("stderr not closed: %s", s.String())
	}
	return s.String()
}

// sendUDP sends n datagrams "packet i" from namespace A to B's port.
func sendUDP(t *testing.T, p *testnet.Pair, port, n int) {
	t.Helper()
	sendUDPSize(t, p, port, n, 0)
}

// sendUDPSize sends n datagrams "packet i", padded with zeros to size
// bytes when longer, from namespace A to B's port.
func sendUDPSize(t *testing.T, p *testnet.Pair, port, n, size int) {
	t.Helper()
	p.Do(t, testnet.A, func() {
		// Unconnected, so B's port unreachable errors do not fail the
		// next write.
		c, err := net.ListenUDP("udp4", nil)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		to := net.UDPAddrFromAddrPort(netip.AddrPortFrom(p.AddrB, uint16(port)))
		for i := 0; i < n; i++ {
			b := []byte(fmt.Sprintf("packet %d", i))
			if len(b) < size {
				b = append(b, make([]byte, size-len(b))...)
			}
			if _, err := c.WriteToUDP(b, to); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	})
}

func waitExit(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- cmd.Wait() }()
	select {
	case err := <-errc:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(15 * time.Second):
		// Interrupt it, so that its statistics say what it saw, then
		// make sure it is gone; the caller reports its stderr.
		t.Errorf("%v did not exit within 15 s; interrupted", cmd.Args)
		cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-errc:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-errc
		}
	}
	return -1
}

// TestLiveCaptureLikeTcpdump captures the same traffic with snare and
// tcpdump at once, each with -c and a kernel filter, and compares the
// files tcpdump reads back (without time stamps, which each socket takes
// on its own).
func TestLiveCaptureLikeTcpdump(t *testing.T) {
	tcpdumpPath := needTcpdump(t)
	p := testnet.New(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o777) // tcpdump writes as its own user
	ours, theirs := filepath.Join(dir, "snare.pcap"), filepath.Join(dir, "tcpdump.pcap")
	filter := "udp port 9999"
	// -B 8192: in immediate mode each packet of this sparse traffic takes
	// a slot of the size of the largest packet, 16 in the default 2 MiB;
	// on a loaded 2-vCPU machine a reader can be held up for longer than
	// 16 packets take to arrive, and either program then drops.
	sn := p.Command(testnet.B, snareBin, "-i", p.IfB, "-B", "8192", "-c", "20", "--immediate-mode", "-w", ours, filter)
	td := p.Command(testnet.B, tcpdumpPath, "-i", p.IfB, "-B", "8192", "-c", "20", "--immediate-mode", "-w", theirs, filter)
	snErr := started(t, sn)
	tdErr := started(t, td)
	sendUDP(t, p, 9998, 5) // filtered out
	sendUDP(t, p, 9999, 20)
	if code := waitExit(t, sn); code != 0 {
		t.Fatalf("snare exited %d: %s", code, snErr.wait(t))
	}
	waitExit(t, td)
	stderr := snErr.wait(t)
	tdErr.wait(t)
	for _, want := range []string{"snare: listening on " + p.IfB + ", link-type EN10MB (Ethernet), snapshot length 262144 bytes",
		"20 packets captured\n", "packets received by filter\n", "0 packets dropped by kernel\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	read := func(f string) string {
		r := tcpdump(t, "-nn", "-t", "-xx", "-r", f)
		if r.code != 0 {
			t.Fatalf("tcpdump -r %s: %s", f, r.stderr)
		}
		return r.stdout
	}
	got, want := read(ours), read(theirs)
	if got != want {
		t.Errorf("snare captured\n%s\ntcpdump captured\n%s", got, want)
	}
	if n := strings.Count(got, "UDP, length"); n != 20 {
		t.Errorf("captured %d datagrams, want 20", n)
	}
}

// TestLiveSignals checks SIGUSR1's one-line statistics and SIGINT's
// three lines and clean exit, and that printing runs (-nn).
func TestLiveSignals(t *testing.T) {
	p := testnet.New(t)
	// No -l: lines must still come out while the capture runs.
	cmd := p.Command(testnet.B, snareBin, "-i", p.IfB, "-nn", "--immediate-mode", "udp")
	out := newSyncBuffer()
	cmd.Stdout = out
	stderr := started(t, cmd)
	sendUDP(t, p, 7000, 3)
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(out.String(), "\n") < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := strings.Count(out.String(), "\n"); n != 3 {
		t.Errorf("%d lines printed while capturing, want 3", n)
	}
	// ip netns exec runs snare as its child: signal the whole group.
	signalSnare(t, cmd, syscall.SIGUSR1)
	deadline = time.Now().Add(5 * time.Second)
	for !strings.Contains(stderr.String(), "snare: 3 packets captured, ") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	signalSnare(t, cmd, syscall.SIGINT)
	if code := waitExit(t, cmd); code != 0 {
		t.Errorf("exit status %d", code)
	}
	e := stderr.wait(t)
	if !strings.Contains(e, "snare: 3 packets captured, 3 packets received by filter, 0 packets dropped by kernel\n") {
		t.Errorf("no SIGUSR1 line in:\n%s", e)
	}
	if !strings.HasSuffix(e, "3 packets captured\n3 packets received by filter\n0 packets dropped by kernel\n") {
		t.Errorf("stderr does not end with the statistics:\n%s", e)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], p.AddrA.String()+".") || !strings.Contains(lines[0], " > "+p.AddrB.String()+".7000: UDP, length 8") {
		t.Errorf("printed:\n%s", out.String())
	}
}

// signalSnare sends sig to the snare process under "ip netns exec".
func signalSnare(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) {
	t.Helper()
	// ip netns exec execs the command in place, so the pid is snare's.
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// TestListInterfacesInNamespace checks -D inside a namespace and -i by
// number.
func TestListInterfacesInNamespace(t *testing.T) {
	p := testnet.New(t)
	out := p.Run(t, testnet.B, snareBin, "-D")
	var num string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "."+p.IfB+" [") {
			num, _, _ = strings.Cut(line, ".")
		}
	}
	if num == "" || !strings.Contains(out, ".lo [Up, Running, Loopback]") {
		t.Fatalf("-D:\n%s", out)
	}
	cmd := p.Command(testnet.B, snareBin, "-i", num, "-c", "1", "--immediate-mode", "-nn", "udp")
	cmd.Stdout = io.Discard
	e := started(t, cmd)
	sendUDP(t, p, 7001, 1)
	if code := waitExit(t, cmd); code != 0 {
		t.Fatalf("-i %s: exit %d: %s", num, code, e.wait(t))
	}
	if s := e.wait(t); !strings.Contains(s, "listening on "+p.IfB+",") {
		t.Errorf("-i %s did not pick %s: %s", num, p.IfB, s)
	}
	if r := p.Command(testnet.B, snareBin, "-i", "99", "-c", "1"); true {
		b, _ := r.CombinedOutput()
		if !strings.Contains(string(b), "snare: Invalid adapter index") {
			t.Errorf("-i 99: %s", b)
		}
	}
}

// TestLivePermission runs snare as nobody: it must fail as tcpdump does.
func TestLivePermission(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the command as another user")
	}
	needTcpdump(t)
	dir := filepath.Dir(snareBin)
	os.Chmod(dir, 0o755)
	cmd := exec.Command(snareBin, "-i", "lo", "-c", "1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var se bytes.Buffer
	cmd.Stderr = &se
	cmd.Stdout = io.Discard
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("as nobody: %v, stderr %s", err, se.String())
	}
	if !strings.HasPrefix(se.String(), "snare: lo: You don't have permission to perform this capture on that device\n") {
		t.Errorf("stderr %q", se.String())
	}
}

// TestLiveRunningCount checks -v with -w: "Got N" on stderr every
// second, as tcpdump prints it.
func TestLiveRunningCount(t *testing.T) {
	p := testnet.New(t)
	out := filepath.Join(t.TempDir(), "v.pcap")
	cmd := p.Command(testnet.B, snareBin, "-i", p.IfB, "-v", "-w", out, "--immediate-mode", "udp")
	stderr := started(t, cmd)
	// tcpdump at the same time, as the reference for the format.
	var td *exec.Cmd
	var tdErr *syncBuffer
	if tcpdumpPath, err := exec.LookPath("tcpdump"); err == nil {
		dir := t.TempDir()
		os.Chmod(dir, 0o777) // tcpdump writes as its own user
		td = p.Command(testnet.B, tcpdumpPath, "-i", p.IfB, "-v", "-w", filepath.Join(dir, "td.pcap"), "--immediate-mode", "udp")
		tdErr = started(t, td)
	}
	sendUDP(t, p, 7002, 4)
	// The count has no newline, so stderr (read by lines) shows it only
	// at exit: give the ticker time to print it.
	time.Sleep(1500 * time.Millisecond)
	signalSnare(t, cmd, syscall.SIGTERM)
	waitExit(t, cmd)
	e := stderr.wait(t)
	if !strings.Contains(e, "Got 4\r") {
		t.Errorf("no running count in %q", e)
	}
	if !strings.Contains(e, "snare: listening on "+p.IfB) {
		t.Errorf("-v -w: the listening line lacks the program name: %q", e)
	}
	if td != nil {
		signalSnare(t, td, syscall.SIGTERM)
		waitExit(t, td)
		if te := tdErr.wait(t); !strings.Contains(te, "Got 4\r") {
			t.Errorf("tcpdump -v -w printed %q: the reference format changed", te)
		}
	}
}

// TestLiveSIGUSR2Flushes captures into -w - on a pipe without -U:
// packets wait in the queue (a pipe is not written from the ring), and
// SIGUSR2 writes them out while the capture goes on.
func TestLiveSIGUSR2Flushes(t *testing.T) {
	p := testnet.New(t)
	cmd := p.Command(testnet.B, snareBin, "-i", p.IfB, "-w", "-", "--immediate-mode", "udp")
	out := newSyncBuffer()
	cmd.Stdout = out
	stderr := started(t, cmd)
	sendUDP(t, p, 7003, 5)
	waitCaptured(t, cmd, stderr, 5)
	// 24-byte file header, then per datagram a 16-byte record header and
	// a 14+20+8+8-byte frame ("packet i").
	if n := len(out.String()); n != 24 {
		t.Fatalf("before SIGUSR2 the pipe holds %d bytes, want the 24 of the header alone", n)
	}
	want := 24 + 5*(16+14+20+8+8)
	deadline := time.Now().Add(10 * time.Second)
	signalSnare(t, cmd, syscall.SIGUSR2)
	for len(out.String()) != want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(out.String()); n != want {
		t.Errorf("after SIGUSR2 the pipe holds %d bytes, want %d", n, want)
	}
	signalSnare(t, cmd, syscall.SIGINT)
	if code := waitExit(t, cmd); code != 0 {
		t.Errorf("exit status %d: %s", code, stderr.wait(t))
	}
}

// TestLiveFileWrittenFromRing checks a regular -w file, written straight
// from the ring: long packets are in the file as soon as they are
// counted as captured, without -U or SIGUSR2; short ones are held and
// follow once the capture has been idle for its timeout.
func TestLiveFileWrittenFromRing(t *testing.T) {
	p := testnet.New(t)
	file := filepath.Join(t.TempDir(), "d.pcap")
	cmd := p.Command(testnet.B, snareBin, "-i", p.IfB, "-w", file, "--immediate-mode", "udp port 7004")
	stderr := started(t, cmd)
	size := func() int64 {
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// 24-byte file header; per datagram a 16-byte record header and
	// 14+20+8 bytes of headers before the payload.
	sendUDPSize(t, p, 7004, 3, 1000)
	waitCaptured(t, cmd, stderr, 3)
	want := int64(24 + 3*(16+14+20+8+1000))
	if got := size(); got != want {
		t.Errorf("with 3 long packets captured the file holds %d bytes, want %d", got, want)
	}
	sendUDP(t, p, 7004, 2)
	want += 2 * (16 + 14 + 20 + 8 + 8)
	deadline := time.Now().Add(10 * time.Second)
	for size() != want && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := size(); got != want {
		t.Errorf("the short packets never reached the file: it holds %d bytes, want %d", got, want)
	}
	signalSnare(t, cmd, syscall.SIGINT)
	if code := waitExit(t, cmd); code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr.wait(t))
	}
	if r := tcpdump(t, "-nn", "-r", file); r.code != 0 || strings.Count(r.stdout, ".7004: ") != 5 {
		t.Errorf("tcpdump -r: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestLiveFileKeepsHeldPacketsOnExit interrupts a capture to a regular
// file right after it has counted short packets, which the writer holds
// for up to a second: they must be in the file once snare has exited.
func TestLiveFileKeepsHeldPacketsOnExit(t *testing.T) {
	p := testnet.New(t)
	file := filepath.Join(t.TempDir(), "h.pcap")
	cmd := p.Command(testnet.B, snareBin, "-i", p.IfB, "-w", file, "--immediate-mode", "udp port 7005")
	stderr := started(t, cmd)
	sendUDP(t, p, 7005, 3)
	waitCaptured(t, cmd, stderr, 3)
	signalSnare(t, cmd, syscall.SIGINT)
	if code := waitExit(t, cmd); code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr.wait(t))
	}
	if r := tcpdump(t, "-nn", "-r", file); r.code != 0 || strings.Count(r.stdout, ".7005: ") != 3 {
		t.Errorf("tcpdump -r: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// waitCaptured sends SIGUSR1 until snare's statistics line says n
// packets were captured.
func waitCaptured(t *testing.T, cmd *exec.Cmd, stderr *syncBuffer, n int) {
	t.Helper()
	line := fmt.Sprintf("snare: %d packets captured, ", n)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), line) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q line: %s", line, stderr.String())
		}
		signalSnare(t, cmd, syscall.SIGUSR1)
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLivePacketBuffered checks -U on a live -w file (written from
// pcap records the reader lays out): every packet is in the file while
// the capture still runs, and the file reads back with tcpdump.
func TestLivePacketBuffered(t *testing.T) {
	p := testnet.New(t)
	out := filepath.Join(t.TempDir(), "u.pcap")
	cmd := p.Command(testnet.B, snareBin, "-i", p.IfB, "-U", "-w", out, "--immediate-mode", "udp port 7003")
	stderr := started(t, cmd)
	sendUDP(t, p, 7003, 3)
	// 24-byte file header, then per datagram a 16-byte record header and
	// a 14+20+8+8-byte frame ("packet i").
	want := int64(24 + 3*(16+14+20+8+8))
	deadline := time.Now().Add(5 * time.Second)
	var size int64
	for time.Now().Before(deadline) {
		if fi, err := os.Stat(out); err == nil {
			if size = fi.Size(); size == want {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if size != want {
		t.Errorf("with -U the file holds %d bytes while capturing, want %d", size, want)
	}
	signalSnare(t, cmd, syscall.SIGINT)
	if code := waitExit(t, cmd); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.wait(t))
	}
	if e := stderr.wait(t); !strings.Contains(e, "3 packets captured\n") {
		t.Errorf("stderr: %s", e)
	}
	if r := tcpdump(t, "-nn", "-r", out); r.code != 0 || strings.Count(r.stdout, ".7003: ") != 3 {
		t.Errorf("tcpdump -r: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
