package main

import (
	"bufio"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptKeepsOutput feeds the sample through a pipe that stays
// open, waits until -U has flushed every packet to the -w file, then
// sends SIGINT: snare must exit 0 and leave a complete file.
func TestInterruptKeepsOutput(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.pcap")
	cmd := exec.Command(snareBin, "-r", "-", "-U", "-w", out)
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	// With -U each packet is in the file as soon as it is read.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if fi, err := os.Stat(out); err == nil && fi.Size() == int64(len(data)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("-U did not flush the packets read so far")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// The read is blocked on the pipe: the next packet (or EOF) lets the
	// loop see the signal, as the pipe's writer would in real use.
	w.Close()
	errc := make(chan error, 1)
	go func() { errc <- cmd.Wait() }()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("snare did not exit after SIGINT")
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(data) {
		t.Errorf("the -w file (%d bytes) differs from the input (%d bytes)", len(got), len(data))
	}
}

// records returns the offsets at which the pcap records of data start.
func records(t *testing.T, data []byte) []int {
	t.Helper()
	var offs []int
	for off := 24; off < len(data); {
		offs = append(offs, off)
		if off+16 > len(data) {
			t.Fatalf("sample: short record header at %d", off)
		}
		off += 16 + int(binary.LittleEndian.Uint32(data[off+8:]))
	}
	return offs
}

// TestSIGUSR2FlushesOutput reads from a pipe that stays open and writes
// with -w (no -U, so packets wait in a buffer): SIGUSR2 must write every
// packet read to the file at once, while snare waits for more input, as
// tcpdump's handler does.
func TestSIGUSR2FlushesOutput(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.pcap")
	cmd := exec.Command(snareBin, "-r", "-", "-w", out)
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { w.Close(); cmd.Process.Kill(); cmd.Wait() }()
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	// The signal handlers are set up once the output file is open: wait
	// for it (before that, SIGUSR2 would end the process).
	for i := 0; ; i++ {
		if _, err := os.Stat(out); err == nil {
			break
		}
		if i == 500 {
			t.Fatal("the -w file was not created")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	size := func() int64 {
		fi, err := os.Stat(out)
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	if s := size(); s == int64(len(data)) {
		t.Fatalf("the file holds every packet before any SIGUSR2 (%d bytes): nothing to test", s)
	}
	// snare may not have read the whole pipe when a signal comes: signal
	// again until the file holds everything (no more input is sent).
	for round := 0; size() != int64(len(data)); round++ {
		if round == 20 {
			t.Fatalf("after %d SIGUSR2 the file has %d of %d bytes", round, size(), len(data))
		}
		if err := cmd.Process.Signal(syscall.SIGUSR2); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 25 && size() != int64(len(data)); i++ {
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestLineBuffered checks -l: each line is written as soon as its packet
// is printed, while the input pipe is still open (without -l, lines wait
// in a 64 KiB buffer).
func TestLineBuffered(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	offs := records(t, data)
	cmd := exec.Command(snareBin, "-l", "-nn", "-r", "-")
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { w.Close(); cmd.Process.Kill(); cmd.Wait() }()
	// The header and the first two packets; the pipe stays open.
	if _, err := w.Write(data[:offs[2]]); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 2)
	go func() {
		br := bufio.NewReader(r)
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				close(lines)
				return
			}
			lines <- l
		}
	}()
	for i := 0; i < 2; i++ {
		select {
		case l, ok := <-lines:
			if !ok || !strings.Contains(l, "ARP, ") {
				t.Fatalf("line %d: %q", i+1, l)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("-l: line %d not written while the input is open", i+1)
		}
	}
}
