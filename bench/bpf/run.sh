#!/usr/bin/env bash
# Compares the bpf package's Machine with libpcap's bpf_filter on the same
# programs and packets, side by side: for each program, PAIRS rounds of
# A (libpcap, bpfbench.c) then B (snare, gobench) in turn, each printing
# its best ns/packet over ROUNDS passes. Prints the medians and the median
# of the per-pair ratios libpcap/snare (> 1: snare is faster).
#
#   bench/bpf/run.sh [PCAP]        (default /tmp/bench/c100k.pcap)
#
# Environment: PAIRS (5), ROUNDS (hot: 200, all: 5), HOT (2000 packets),
# BENCH_DIR (/tmp/bench). Two sets per program: "hot" (the first HOT
# packets, in cache: the filter's own cost) and "all" (every packet,
# cache misses included). Needs gcc and libpcap-dev.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bench=${BENCH_DIR:-/tmp/bench}
pcap=${1:-$bench/c100k.pcap}
pairs=${PAIRS:-5}
hot=${HOT:-2000}
mkdir -p "$bench"
if [ ! -f "$pcap" ]; then
	echo "making $pcap" >&2
	(cd "$root/../shared/bench" && go run gen_corpus.go -n 100000 -o "$pcap")
fi
gcc -O2 -Wall -o "$bench/bpfbench" "$here/bpfbench.c" -lpcap
(cd "$root" && go build -o "$bench/gobench" ./bench/bpf/gobench)

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }
nsof() { sed -n 's/.*ns\/pkt=\([0-9.]*\).*/\1/p'; }

printf '%-14s %-4s %10s %10s %8s  %s\n' program set libpcap_ns snare_ns ratio matched
for prog in "$root"/bpf/testdata/bench/*.ddd; do
	name=$(basename "$prog" .ddd)
	for set in hot all; do
		if [ "$set" = hot ]; then args=("${ROUNDS:-200}" "$hot"); else args=("${ROUNDS:-5}"); fi
		a=(); b=(); r=()
		for _ in $(seq "$pairs"); do
			outa=$("$bench/bpfbench" "$prog" "$pcap" "${args[@]}")
			outb=$("$bench/gobench" "$prog" "$pcap" "${args[@]}")
			ma=$(echo "$outa" | sed 's/.*matched=\([0-9]*\).*/\1/')
			mb=$(echo "$outb" | sed 's/.*matched=\([0-9]*\).*/\1/')
			if [ "$ma" != "$mb" ]; then
				echo "$name: libpcap matched $ma, snare matched $mb" >&2
				exit 1
			fi
			na=$(echo "$outa" | nsof); nb=$(echo "$outb" | nsof)
			a+=("$na"); b+=("$nb")
			r+=("$(awk -v x="$na" -v y="$nb" 'BEGIN {printf "%.3f", x/y}')")
		done
		printf '%-14s %-4s %10s %10s %8s  %s\n' "$name" "$set" \
			"$(printf '%s\n' "${a[@]}" | median)" "$(printf '%s\n' "${b[@]}" | median)" \
			"$(printf '%s\n' "${r[@]}" | median)" "$ma"
	done
done
