package main

import (
	"os"
	"os/exec"
	"path/filepath"
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
