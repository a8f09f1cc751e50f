/*
 * bpfbench: libpcap's bpf_filter speed on a program and a capture.
 *
 *   gcc -O2 -o /tmp/bench/bpfbench bpfbench.c -lpcap
 *   bpfbench PROGRAM.ddd FILE.pcap [ROUNDS [MAXPKTS]]
 *
 * Loads a program in tcpdump -ddd form and the packets of the capture
 * (the first MAXPKTS if given) into one contiguous buffer, as a file
 * reader would hold them, then runs bpf_filter over all packets ROUNDS
 * times (default 5) and prints the best round:
 * "ns/pkt=N matched=M packets=P". A small MAXPKTS keeps the packets in
 * cache and measures the filter alone. The Go counterpart is ./gobench;
 * run.sh runs both side by side.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rec { const u_char *data; u_int caplen, len; };

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: bpfbench PROGRAM.ddd FILE.pcap [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	size_t maxp = argc > 4 ? strtoul(argv[4], NULL, 10) : (size_t)-1;
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
	if (!bpf_validate(insns, n)) { fprintf(stderr, "%s: bpf_validate refuses the program\n", argv[1]); return 1; }

	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(argv[2], errbuf);
	if (!p) { fprintf(stderr, "%s\n", errbuf); return 1; }
	size_t cap = 1 << 16, np = 0, bcap = 1 << 24, blen = 0;
	struct rec *recs = malloc(cap * sizeof *recs);
	size_t *offs = malloc(cap * sizeof *offs);
	u_char *buf = malloc(bcap);
	struct pcap_pkthdr *h;
	const u_char *data;
	while (np < maxp && pcap_next_ex(p, &h, &data) == 1) {
		if (np == cap) {
			cap *= 2;
			recs = realloc(recs, cap * sizeof *recs);
			offs = realloc(offs, cap * sizeof *offs);
		}
		while (blen + h->caplen > bcap) { bcap *= 2; buf = realloc(buf, bcap); }
		memcpy(buf + blen, data, h->caplen);
		offs[np] = blen;
		recs[np].caplen = h->caplen; recs[np].len = h->len;
		blen += h->caplen;
		np++;
	}
	pcap_close(p);
	for (size_t i = 0; i < np; i++)
		recs[i].data = buf + offs[i];
	if (np == 0) { fprintf(stderr, "%s: no packets\n", argv[2]); return 1; }

	double best = 0;
	unsigned long matched = 0;
	for (int r = 0; r < rounds; r++) {
		matched = 0;
		double t0 = now();
		for (size_t i = 0; i < np; i++)
			matched += bpf_filter(prog.bf_insns, recs[i].data, recs[i].len, recs[i].caplen) != 0;
		double dt = (now() - t0) / np;
		if (r == 0 || dt < best) best = dt;
	}
	printf("ns/pkt=%.2f matched=%lu packets=%zu\n", best, matched, np);
	return 0;
}
