package link

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The table must hold exactly what libpcap 1.10.3's
// pcap_datalink_val_to_name / _description return for every value.
func TestTableMatchesLibpcap(t *testing.T) {
	f, err := os.Open("testdata/libpcap-1.10.3-dlt-choices.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 3 {
			t.Fatalf("bad golden line %q", sc.Text())
		}
		v, err := strconv.Atoi(cols[0])
		if err != nil {
			t.Fatal(err)
		}
		ty := Type(v)
		if ty.Name() != cols[1] || ty.Description() != cols[2] {
			t.Errorf("%d: got %q %q, libpcap says %q %q", v, ty.Name(), ty.Description(), cols[1], cols[2])
		}
		if got, ok := ByName(cols[1]); !ok || got != ty {
			t.Errorf("ByName(%q) = %d, %v; want %d", cols[1], got, ok, v)
		}
		n++
	}
	if n != len(table) {
		t.Errorf("golden has %d types, table %d", n, len(table))
	}
	for i := 1; i < len(table); i++ {
		if table[i-1].t >= table[i].t {
			t.Fatalf("table not sorted at %d", i)
		}
	}
}

func TestByName(t *testing.T) {
	cases := []struct {
		name string
		want Type
		ok   bool
	}{
		{"EN10MB", EN10MB, true},
		{"en10mb", EN10MB, true},
		{"DLT_EN10MB", EN10MB, true},
		{"dlt_linux_sll2", LinuxSLL2, true},
		{"RAW", Raw, true},
		{"C_HDLC", CHDLC, true},
		{"CHDLC", CHDLC, true},
		{"USER3", User0 + 3, true},
		{"IEEE802_11_RADIO", IEEE802_11Radio, true},
		{"ethernet", 0, false},
		{"", 0, false},
		{"DLT_", 0, false},
	}
	for _, c := range cases {
		got, ok := ByName(c.name)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ByName(%q) = %d, %v; want %d, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestStringAndUnknown(t *testing.T) {
	if EN10MB.String() != "EN10MB" || EN10MB.Description() != "Ethernet" {
		t.Errorf("EN10MB: %q %q", EN10MB.String(), EN10MB.Description())
	}
	if Type(3145728).String() != "3145728" || Type(3145728).Name() != "" || Type(3145728).Known() {
		t.Errorf("unknown type: %q %q", Type(3145728).String(), Type(3145728).Name())
	}
	if User0.Name() != "" {
		t.Errorf("libpcap has no name for USER0, got %q", User0.Name())
	}
}

func TestMaxSnapLen(t *testing.T) {
	for ty, want := range map[Type]int{EN10MB: 262144, DBUS: 128 << 20, EBHSCR: 8 << 20, USBPcap: 1 << 20, Netlink: 262144} {
		if got := ty.MaxSnapLen(); got != want {
			t.Errorf("%v.MaxSnapLen() = %d, want %d", ty, got, want)
		}
	}
}

func TestLinktypeMapping(t *testing.T) {
	cases := []struct {
		dlt Type
		lt  uint32
	}{
		{Null, 0}, {EN10MB, 1}, {IEEE802, 6}, {FDDI, 10}, {SymantecFirewall, 99},
		{ATMRFC1483, 100}, {Raw, 101}, {SLIPBSDOS, 102}, {PPPBSDOS, 103},
		{ATMCLIP, 106}, {PPPSerial, 50}, {PPPEther, 51}, {CHDLC, 104},
		{LinuxSLL, 113}, {Loop, 108}, {Enc, 109}, {PFSync, 246}, {PKTAP, 258},
		{LinuxSLL2, 276}, {ATSCALP, 289},
	}
	for _, c := range cases {
		lt, ok := LinktypeOK(c.dlt)
		if !ok || lt != c.lt {
			t.Errorf("ToLinktype(%v) = %d, %v; want %d", c.dlt, lt, ok, c.lt)
		}
		if got := FromLinktype(c.lt); got != c.dlt {
			t.Errorf("FromLinktype(%d) = %v, want %v", c.lt, got, c.dlt)
		}
	}
	// DLT values of other platforms have no LINKTYPE_.
	for _, v := range []Type{13, 14, 17, 18, 32, 290, 1000} {
		if _, ok := LinktypeOK(v); ok {
			t.Errorf("LinktypeOK(%d) = true, libpcap has no LINKTYPE_ for it", v)
		}
	}
	// Unknown LINKTYPE_ values pass through (libpcap: "may be a DLT from a newer version").
	if FromLinktype(4000) != 4000 {
		t.Error("FromLinktype(4000) changed the value")
	}
}

func TestField(t *testing.T) {
	lt, fcs, res := SplitField(1)
	if lt != 1 || fcs != -1 || res != 0 {
		t.Errorf("SplitField(1) = %d %d %#x", lt, fcs, res)
	}
	f := JoinField(1, 4)
	if f != 0x24000001 {
		t.Errorf("JoinField(1, 4) = %#x", f)
	}
	lt, fcs, res = SplitField(f)
	if lt != 1 || fcs != 4 || res != 0 {
		t.Errorf("SplitField(%#x) = %d %d %#x", f, lt, fcs, res)
	}
	_, _, res = SplitField(0x00300000)
	if res != 0x00300000 {
		t.Errorf("reserved bits lost: %#x", res)
	}
	if _, fcs, _ := SplitField(0x04000001); fcs != 0 {
		t.Errorf("FCS present with length 0: got %d", fcs)
	}
}
