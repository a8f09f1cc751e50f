package bpf_test

import (
	"fmt"

	"github.com/snare-pcap/snare/bpf"
)

// tcpdump -ddd -y EN10MB 'ip proto 17' (UDP over IPv4).
const udpProgram = `6
40 0 0 12
21 0 3 2048
48 0 0 23
21 0 1 17
6 0 0 262144
6 0 0 0
`

func ExampleNewMachine() {
	p, err := bpf.ParseDecimal(udpProgram)
	if err != nil {
		panic(err)
	}
	m, err := bpf.NewMachine(p)
	if err != nil {
		panic(err)
	}
	pkt := make([]byte, 42) // Ethernet + IPv4 + UDP headers
	pkt[12], pkt[13] = 0x08, 0x00
	pkt[14] = 0x45
	pkt[23] = 17
	fmt.Println(m.Run(pkt, 60)) // accepted: snap length
	pkt[23] = 6
	fmt.Println(m.Run(pkt, 60))      // TCP: dropped
	fmt.Println(m.Run(pkt[:20], 60)) // too short to read the protocol: dropped
	// Output:
	// 262144
	// 0
	// 0
}

func ExampleProgram_Disassemble() {
	p, _ := bpf.ParseDecimal(udpProgram)
	fmt.Print(p.Disassemble())
	fmt.Print(p.FormatC())
	// Output:
	// (000) ldh      [12]
	// (001) jeq      #0x800           jt 2	jf 5
	// (002) ldb      [23]
	// (003) jeq      #0x11            jt 4	jf 5
	// (004) ret      #262144
	// (005) ret      #0
	// { 0x28, 0, 0, 0x0000000c },
	// { 0x15, 0, 3, 0x00000800 },
	// { 0x30, 0, 0, 0x00000017 },
	// { 0x15, 0, 1, 0x00000011 },
	// { 0x6, 0, 0, 0x00040000 },
	// { 0x6, 0, 0, 0x00000000 },
}

func ExampleParseDisassembly() {
	p, err := bpf.ParseDisassembly(`
(000) ldb      [vlanp]
(001) jeq      #0x1             jt 2	jf 3
(002) ret      #65535
(003) ret      #0
`)
	if err != nil {
		panic(err)
	}
	fmt.Print(p.FormatDecimal())
	fmt.Println(p.Validate())

	_, err = bpf.ParseDisassembly("(000) ldh      [12\n")
	fmt.Println(err)
	// Output:
	// 4
	// 48 0 0 4294963248
	// 21 0 1 1
	// 6 0 0 65535
	// 6 0 0 0
	// <nil>
	// bpf: line 1, column 19: expected "]"
}

func ExampleMachine_RunAux() {
	p, _ := bpf.ParseDisassembly("ldb [vlanp]\njeq #1 jt 2 jf 3\nret #65535\nret #0")
	m, _ := bpf.NewMachine(p)
	pkt := make([]byte, 60)
	fmt.Println(m.RunAux(pkt, 60, &bpf.Aux{VLANPresent: true, VLANTCI: 100}))
	fmt.Println(m.RunAux(pkt, 60, &bpf.Aux{}))
	fmt.Println(m.Run(pkt, 60)) // no metadata: ancillary loads reject, as libpcap's bpf_filter
	// Output:
	// 65535
	// 0
	// 0
}

func ExampleProgram_Validate() {
	p := bpf.Program{
		{Op: bpf.LD | bpf.MEM, K: 2},
		{Op: bpf.RET | bpf.A},
	}
	fmt.Println(p.Validate())
	fmt.Println(p.ValidateUserland())
	// Output:
	// bpf: invalid instruction 0 {0x60, 0, 0, 0x2}: scratch memory M[2] may be read before it is written
	// <nil>
}
