package filter_test

import (
	"fmt"

	"github.com/snare-pcap/snare/filter"
	"github.com/snare-pcap/snare/link"
)

func ExampleCompile() {
	prog, err := filter.Compile("tcp dst port 80", filter.Options{LinkType: link.Type(1), SnapLen: 65535})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(prog.Disassemble())

	_, err = filter.Compile("tcp port 80 and prot 6", filter.Options{LinkType: link.Type(1)})
	fmt.Println(err)
	// Output:
	// (000) ldh      [12]
	// (001) jeq      #0x86dd          jt 2	jf 6
	// (002) ldb      [20]
	// (003) jeq      #0x6             jt 4	jf 6
	// (004) ldh      [56]
	// (005) jeq      #0x50            jt 15	jf 6
	// (006) ldh      [12]
	// (007) jeq      #0x800           jt 8	jf 16
	// (008) ldb      [23]
	// (009) jeq      #0x6             jt 10	jf 16
	// (010) ldh      [20]
	// (011) jset     #0x1fff          jt 16	jf 12
	// (012) ldxb     4*([14]&0xf)
	// (013) ldh      [x + 16]
	// (014) jeq      #0x50            jt 15	jf 16
	// (015) ret      #65535
	// (016) ret      #0
	// can't parse filter expression: syntax error at column 22: unexpected '6'
}
