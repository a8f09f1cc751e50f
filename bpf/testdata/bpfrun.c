/*
 * bpfrun: reference runner for the bpf package's differential tests.
 * Usage: bpfrun PROGRAM.ddd FILE.pcap
 * Loads a program in tcpdump -ddd form, runs libpcap's bpf_filter over
 * every packet of the capture and prints one result per line.
 * Built by the tests with: gcc -O2 -o bpfrun bpfrun.c -lpcap
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
	if (argc != 3) {
		fprintf(stderr, "usage: bpfrun PROGRAM.ddd FILE.pcap\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) { perror(argv[1]); return 1; }
	unsigned n;
	if (fscanf(f, "%u", &n) != 1 || n == 0) { fprintf(stderr, "%s: bad count\n", argv[1]); return 1; }
	struct bpf_insn *insns = calloc(n, sizeof *insns);
	for (unsigned i = 0; i < n; i++) {
		unsigned code, jt, jf, k;
		if (fscanf(f, "%u %u %u %u", &code, &jt, &jf, &k) != 4) { fprintf(stderr, "%s: bad instruction %u\n", argv[1], i); return 1; }
		insns[i].code = code; insns[i].jt = jt; insns[i].jf = jf; insns[i].k = k;
	}
	fclose(f);
	struct bpf_program prog = { n, insns };
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(argv[2], errbuf);
	if (!p) { fprintf(stderr, "%s\n", errbuf); return 1; }
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;
	while ((r = pcap_next_ex(p, &h, &data)) == 1)
		printf("%u\n", pcap_offline_filter(&prog, h, data) );
	pcap_close(p);
	return 0;
}
