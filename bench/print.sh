#!/usr/bin/env bash
# Printing benchmark: `snare -r F -nn > /dev/null` against
# `tcpdump -r F -nn > /dev/null` on the bench corpus, A B A B in one run,
# median wall times and the median of per-pair ratios.
#
#   bench/print.sh [FILE] [PAIRS]     (default /tmp/bench/c1m.pcap, 5 pairs)
#
# If ./cmd/snare does not build or cannot print yet, the script uses
# bench/print (a small driver around the printer package) instead and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-/tmp/bench}
FILE=${1:-$BENCH_DIR/c1m.pcap}
PAIRS=${2:-5}
mkdir -p "$BENCH_DIR"
if [ ! -f "$FILE" ]; then
	go run ../shared/bench/gen_corpus.go -n 1000000 -o "$FILE"
fi
command -v tcpdump >/dev/null || { echo "tcpdump not installed" >&2; exit 1; }

A=()
if CGO_ENABLED=0 go build -o "$BENCH_DIR/snare-printbench" ./cmd/snare 2>/dev/null &&
	"$BENCH_DIR/snare-printbench" -r "$FILE" -nn -c 1 2>/dev/null | grep -q .; then
	A=("$BENCH_DIR/snare-printbench" -r "$FILE" -nn)
else
	echo "note: cmd/snare cannot print yet; using bench/print (printer package driver)" >&2
	CGO_ENABLED=0 go build -o "$BENCH_DIR/snare-print" ./bench/print
	A=("$BENCH_DIR/snare-print" -r "$FILE" -n 2)
fi
B=(tcpdump -r "$FILE" -nn)

timeit() { # prints seconds
	local s e
	s=$EPOCHREALTIME
	"$@" >/dev/null 2>&1
	e=$EPOCHREALTIME
	echo "$e - $s" | bc -l
}
# warm-up
timeit "${A[@]}" >/dev/null
timeit "${B[@]}" >/dev/null
as=() bs=() rs=()
for i in $(seq "$PAIRS"); do
	a=$(timeit "${A[@]}")
	b=$(timeit "${B[@]}")
	as+=("$a") bs+=("$b") rs+=("$(echo "$b / $a" | bc -l)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2)? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
n=$(tcpdump -r "$FILE" -nn 2>/dev/null | wc -l)
am=$(median "${as[@]}") bm=$(median "${bs[@]}") rm=$(median "${rs[@]}")
printf 'file %s, %d lines\n' "$FILE" "$n"
printf 'snare:   %s median %.3f s\n' "${A[*]}" "$am"
printf 'tcpdump: %s median %.3f s\n' "${B[*]}" "$bm"
printf 'speed-up (median of per-pair tcpdump/snare): %.2fx\n' "$rm"
