//go:build linux

package afpacket_test

import (
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/internal/testnet"
)

// TestStatsCountDrops overruns a small ring (nobody reads while 3000
// frames arrive), then reads what is left: the kernel's drops must be
// exactly what was sent minus what was seen, and received what was sent.
func TestStatsCountDrops(t *testing.T) {
	p := testnet.New(t)
	rx := open(t, p, testnet.B, p.IfB, func(h *snare.Handle) {
		h.SetBufferSize(256 << 10)
		h.SetTimeout(50 * time.Millisecond)
	})
	if err := rx.SetFilter(fmt.Sprintf("udp dst port 9 and src host %s", p.AddrA)); err != nil {
		t.Fatal(err)
	}
	tx := open(t, p, testnet.A, p.IfA, nil)
	const sent = 3000
	for i := range sent {
		if err := tx.WritePacketData(udpFrame(p, uint32(i), 1000, 9)); err != nil {
			t.Fatal(err)
		}
	}
	seen := collect(t, rx, 300*time.Millisecond, nil)
	st, err := rx.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Received != sent || st.Dropped != uint64(sent-len(seen)) || st.Captured != uint64(len(seen)) {
		t.Fatalf("stats %+v after %d sent and %d seen", st, sent, len(seen))
	}
	if st.Dropped == 0 {
		t.Fatalf("a 256 KiB ring took %d KB without a drop; the test did not overrun it", sent)
	}
	// Cumulative: a second call reports the same totals.
	st2, _ := rx.Stats()
	if st2 != st {
		t.Fatalf("stats changed without traffic: %+v then %+v", st, st2)
	}
}

// TestFindAllDevs lists the devices inside namespace B and compares
// names, order and flags with tcpdump -D in the same namespace.
func TestFindAllDevs(t *testing.T) {
	p := testnet.New(t)
	var devs []snare.Interface
	var err error
	p.Do(t, testnet.B, func() { devs, err = snare.FindAllDevs() })
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]snare.Interface{}
	for _, d := range devs {
		names = append(names, d.Name)
		byName[d.Name] = d
	}
	if !slices.Equal(names, []string{p.IfB, "any", "lo"}) {
		t.Fatalf("devices %v, want [%s any lo]: %+v", names, p.IfB, devs)
	}
	v := byName[p.IfB]
	if !v.Flags.Up() || !v.Flags.Running() || v.Flags.Loopback() || v.Flags.Connection() != snare.ConnectionConnected {
		t.Errorf("%s flags %v", p.IfB, v.Flags)
	}
	found := false
	for _, a := range v.Addresses {
		if a.Addr == p.AddrB {
			found = true
			if a.Netmask.String() != "255.255.255.252" {
				t.Errorf("netmask %v", a.Netmask)
			}
			if !a.Broadaddr.IsValid() {
				t.Errorf("no broadcast address")
			}
		}
	}
	if !found {
		t.Errorf("%s addresses %+v lack %v", p.IfB, v.Addresses, p.AddrB)
	}
	if !byName["lo"].Flags.Loopback() {
		t.Errorf("lo flags %v", byName["lo"].Flags)
	}
	if _, err := exec.LookPath("tcpdump"); err != nil {
		return
	}
	out := p.Run(t, testnet.B, "tcpdump", "-D")
	// "1.veth1 [Up, Running, Connected]", "2.any (Pseudo-device ...) [Up, Running]"
	re := regexp.MustCompile(`^\d+\.(\S+)(?: \((.*)\))? \[(.*)\]$`)
	var tdNames []string
	for _, line := range strings.Split(out, "\n") {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		d, ok := byName[m[1]]
		if !ok {
			continue // other capture modules (nflog, dbus, ...)
		}
		tdNames = append(tdNames, m[1])
		if d.Flags.String() != m[3] {
			t.Errorf("%s: flags %q, tcpdump %q", m[1], d.Flags, m[3])
		}
		if d.Description != m[2] {
			t.Errorf("%s: description %q, tcpdump %q", m[1], d.Description, m[2])
		}
	}
	if !slices.Equal(tdNames, names) {
		t.Errorf("order %v, tcpdump -D %v", names, tdNames)
	}
}

// TestErrors: a missing device, options after activation, reads before.
func TestErrors(t *testing.T) {
	p := testnet.New(t)
	var err error
	p.Do(t, testnet.B, func() { _, err = snare.OpenLive("nosuchdev0", 0, false, 0) })
	if !errors.Is(err, snare.ErrNoSuchDevice) || !strings.Contains(err.Error(), "nosuchdev0") {
		t.Errorf("missing device: %v", err)
	}
	var h *snare.Handle
	p.Do(t, testnet.B, func() { h, err = snare.NewHandle(p.IfB) })
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, _, err := h.ReadPacketData(); !errors.Is(err, snare.ErrNotActivated) {
		t.Errorf("read before activation: %v", err)
	}
	if _, err := h.Stats(); !errors.Is(err, snare.ErrNotActivated) {
		t.Errorf("stats before activation: %v", err)
	}
	p.Do(t, testnet.B, func() { err = h.Activate() })
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SetPromisc(true); !errors.Is(err, snare.ErrActivated) {
		t.Errorf("option after activation: %v", err)
	}
	if err := h.Activate(); !errors.Is(err, snare.ErrActivated) {
		t.Errorf("second Activate: %v", err)
	}
	if err := h.SetFilter("udp port"); err == nil || !strings.Contains(err.Error(), "udp port") {
		t.Errorf("bad filter: %v", err)
	}
	p.Run(t, testnet.B, "ip", "link", "set", p.IfB, "down")
	p.Do(t, testnet.B, func() { _, err = snare.OpenLive(p.IfB, 0, false, 0) })
	if !errors.Is(err, snare.ErrNotUp) {
		t.Errorf("device down: %v", err)
	}
}
