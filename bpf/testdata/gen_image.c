/*
 * gen_image: writes testdata/bpf_image.golden, libpcap's bpf_image text
 * for every 8-bit opcode with several K values and instruction indexes.
 * Build and run (libpcap 1.10.3 made the committed file):
 *   gcc -O2 -o /tmp/gen_image testdata/gen_image.c -lpcap && /tmp/gen_image | gzip -9n > testdata/bpf_image.golden.gz
 * Each line: "op jt jf k n|image".
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(void) {
	static const unsigned ks[] = {0, 1, 15, 255, 0x7fffffff, 0x80000000, 0xffffffff,
		0xfffff000, 0xfffff001, 0xfffff004, 0xfffff008, 0xfffff00c, 0xfffff010, 0xfffff014,
		0xfffff018, 0xfffff01c, 0xfffff020, 0xfffff024, 0xfffff028, 0xfffff02c, 0xfffff030,
		0xfffff034, 0xfffff038, 0xfffff03c, 0xfffff040, 0xfff00000};
	static const int ns[] = {0, 7, 99, 100, 999, 1000, 12345};
	struct bpf_insn in;
	for (unsigned c = 0; c < 256; c++)
		for (unsigned j = 0; j < sizeof ks / sizeof ks[0]; j++)
			for (unsigned m = 0; m < sizeof ns / sizeof ns[0]; m++) {
				in.code = c; in.jt = (unsigned char)(j * 37); in.jf = (unsigned char)(255 - m);
				in.k = ks[j];
				printf("%u %u %u %u %d|%s\n", in.code, in.jt, in.jf, in.k, ns[m], bpf_image(&in, ns[m]));
			}
	return 0;
}
