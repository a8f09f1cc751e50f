//go:build linux

package afpacket_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testnet"
	"github.com/snare-pcap/snare/link"
	"github.com/snare-pcap/snare/savefile"
)

// syncBuf is a bytes.Buffer safe for a writer and a poller.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startTcpdump runs tcpdump -w in namespace ns and returns a function that
// stops it and returns what it captured and its link type.
func startTcpdump(t *testing.T, p *testnet.Pair, ns int, args ...string) func() ([]captured, link.Type) {
	t.Helper()
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump is not installed")
	}
	file := filepath.Join(t.TempDir(), "tcpdump.pcap")
	cmd := p.Command(ns, "tcpdump", append([]string{"--immediate-mode", "-s", "4096", "-B", "8192", "-U", "-w", file}, args...)...)
	stderr := &syncBuf{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(hang)
	for !strings.Contains(stderr.String(), "listening on") {
		if time.Now().After(deadline) {
			t.Fatalf("tcpdump %v did not start: %s", args, stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return func() ([]captured, link.Type) {
		time.Sleep(200 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
		r, err := savefile.Open(file)
		if err != nil {
			t.Fatalf("tcpdump's file: %v (%s)", err, stderr.String())
		}
		defer r.Close()
		var out []captured
		for {
			data, ci, err := r.ReadPacketData()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, captured{data, ci})
		}
		return out, r.LinkType()
	}
}

// vlanFrame is udpFrame with an 802.1Q (or 802.1ad) tag inserted.
func vlanFrame(p *testnet.Pair, seq uint32, size int, tpid, vid uint16) []byte {
	f := udpFrame(p, seq, size, 9)
	out := make([]byte, 0, len(f)+4)
	out = append(out, f[:12]...)
	out = binary.BigEndian.AppendUint16(out, tpid)
	out = binary.BigEndian.AppendUint16(out, 5<<13|vid)
	return append(out, f[12:]...)
}

// sendAll sends the comparison traffic: frames A→B (plain, 802.1Q and
// 802.1ad tagged), frames injected by B towards A, and UDP datagrams to
// 127.0.0.1 on B's loopback.
func sendAll(t *testing.T, p *testnet.Pair, txA, txB *snare.Handle, lo net.Conn) {
	t.Helper()
	for i := range 40 {
		var f []byte
		switch i % 4 {
		case 0, 1:
			f = udpFrame(p, uint32(i), 60+i*31, 9)
		case 2:
			f = vlanFrame(p, uint32(i), 80+i, 0x8100, 100)
		case 3:
			f = vlanFrame(p, uint32(i), 80+i, 0x88a8, 200)
		}
		if err := txA.WritePacketData(f); err != nil {
			t.Fatal(err)
		}
		g := udpFrame(p, uint32(1000+i), 70+i, 7)
		copy(g[0:6], f[6:12]) // B → A: swap the MAC addresses
		copy(g[6:12], f[0:6])
		if err := txB.WritePacketData(g); err != nil {
			t.Fatal(err)
		}
		if i%4 == 0 {
			lo.Write([]byte("loopback datagram"))
		}
	}
}

func key(c captured) string {
	return string(c.data) + "|" + string(binary.BigEndian.AppendUint32(nil, uint32(c.ci.Length)))
}

// TestMatchesTcpdump captures the same traffic with tcpdump and with
// snare and compares packets (bytes, captured and wire lengths) and the
// link type, for directions, the any device (LINUX_SLL and LINUX_SLL2),
// VLAN tag reinsertion and loopback's outgoing duplicates.
func TestMatchesTcpdump(t *testing.T) {
	cases := []struct {
		name, dev string
		tcpdump   []string
		set       func(h *snare.Handle)
		lt        link.Type
		filter    string // also given to tcpdump
	}{
		{"inout", "veth1", nil, nil, link.EN10MB, ""},
		{"in", "veth1", []string{"-Q", "in"}, func(h *snare.Handle) { h.SetDirection(snare.DirectionIn) }, link.EN10MB, ""},
		{"out", "veth1", []string{"-Q", "out"}, func(h *snare.Handle) { h.SetDirection(snare.DirectionOut) }, link.EN10MB, ""},
		// tcpdump 4.99 picks LINUX_SLL2 for "any"; libpcap's default is
		// LINUX_SLL.
		{"any", "any", []string{"-y", "LINUX_SLL"}, nil, link.LinuxSLL, ""},
		{"any-sll2", "any", nil, nil, link.LinuxSLL2, ""},
		{"any-in", "any", []string{"-y", "LINUX_SLL", "-Q", "in"}, func(h *snare.Handle) { h.SetDirection(snare.DirectionIn) }, link.LinuxSLL, ""},
		{"lo", "lo", nil, nil, link.EN10MB, ""},
		{"vlan-filter", "veth1", nil, nil, link.EN10MB, "vlan 100"},
		{"any-filter", "any", []string{"-y", "LINUX_SLL"}, nil, link.LinuxSLL, "udp port 7 or (ip and udp[8:4] & 3 = 2) or outbound"},
		{"any-sll2-filter", "any", nil, nil, link.LinuxSLL2, "inbound and udp and not port 9 or ip[8] = 64 and greater 200"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := testnet.New(t)
			if p.IfB != "veth1" {
				t.Fatal("testnet names changed")
			}
			args := append([]string{"-i", tc.dev}, tc.tcpdump...)
			if tc.filter != "" {
				args = append(args, tc.filter)
			}
			stop := startTcpdump(t, p, testnet.B, args...)
			rx := open(t, p, testnet.B, tc.dev, func(h *snare.Handle) {
				h.SetTimeout(50 * time.Millisecond)
				h.SetSnapLen(4096) // as tcpdump's -s 4096 below
				if tc.set != nil {
					tc.set(h)
				}
			})
			if tc.lt == link.LinuxSLL2 {
				if err := rx.SetLinkType(link.LinuxSLL2); err != nil {
					t.Fatal(err)
				}
			}
			if tc.filter != "" {
				if err := rx.SetFilter(tc.filter); err != nil {
					t.Fatal(err)
				}
				if !rx.FilterInKernel() {
					t.Errorf("filter %q runs in %v", tc.filter, rx.FilterPlace())
				}
			}
			txA := open(t, p, testnet.A, p.IfA, nil)
			txB := open(t, p, testnet.B, p.IfB, nil)
			var lo net.Conn
			p.Do(t, testnet.B, func() { lo, _ = net.Dial("udp", "127.0.0.1:9") })
			if lo == nil {
				t.Fatal("no loopback socket")
			}
			defer lo.Close()
			sendAll(t, p, txA, txB, lo)
			got := collect(t, rx, 400*time.Millisecond, nil)
			want, wantLT := stop()
			if rx.LinkType() != wantLT || wantLT != tc.lt {
				t.Fatalf("link type: snare %v, tcpdump %v, want %v", rx.LinkType(), wantLT, tc.lt)
			}
			if len(want) < 10 {
				t.Fatalf("tcpdump captured only %d packets (snare %d)", len(want), len(got))
			}
			gk, wk := make([]string, len(got)), make([]string, len(want))
			for i := range got {
				gk[i] = key(got[i])
			}
			for i := range want {
				wk[i] = key(want[i])
			}
			slices.Sort(gk)
			slices.Sort(wk)
			if !slices.Equal(gk, wk) {
				t.Errorf("snare captured %d packets, tcpdump %d; they differ", len(got), len(want))
				for i := range max(len(got), len(want)) {
					if i < len(got) && i < len(want) && bytes.Equal(got[i].data, want[i].data) {
						continue
					}
					if i < len(got) {
						t.Logf("snare   %d: %x", i, got[i].data[:min(40, len(got[i].data))])
					}
					if i < len(want) {
						t.Logf("tcpdump %d: %x", i, want[i].data[:min(40, len(want[i].data))])
					}
					break
				}
			}
		})
	}
}
