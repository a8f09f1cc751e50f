#!/usr/bin/env bash
# -w rotation benchmark: `snare -r F -w out -C 10` against
# `tcpdump -r F -w out -C 10` (and plain `-w out` for both) on the bench
# corpus, A B A B in one run: median wall times, the median of per-pair
# ratios, and packets/s and MB/s written. The output files go to a
# scratch directory under BENCH_DIR, emptied before every run; both tools
# must produce the same file names and sizes (checked once).
#
#   bench/rotate.sh [FILE] [PAIRS]    (default /tmp/bench/c1m.pcap, 3 pairs)
#
# OUT_DIR sets where the files are written (default BENCH_DIR/rotate-out);
# OUT_DIR=/dev/shm/rotate-out takes the disk out of the measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-/tmp/bench}
FILE=${1:-$BENCH_DIR/c1m.pcap}
PAIRS=${2:-3}
mkdir -p "$BENCH_DIR"
if [ ! -f "$FILE" ]; then
	go run ../shared/bench/gen_corpus.go -n 1000000 -o "$FILE"
fi
command -v tcpdump >/dev/null || { echo "tcpdump not installed" >&2; exit 1; }
CGO_ENABLED=0 go build -o "$BENCH_DIR/snare-rotatebench" ./cmd/snare
OUT=${OUT_DIR:-$BENCH_DIR/rotate-out}
# tcpdump drops to its own user before writing unless told otherwise.
ZROOT=()
[ "$(id -u)" = 0 ] && ZROOT=(-Z root)

timeit() { # runs "$@" in an empty $OUT, prints seconds
	local s e
	rm -rf "$OUT" && mkdir -p "$OUT"
	sync
	s=$EPOCHREALTIME
	"$@" >/dev/null 2>&1
	e=$EPOCHREALTIME
	echo "$e - $s" | bc -l
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2)? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
listing() { (cd "$OUT" && for f in *; do printf '%s %s\n' "$f" "$(stat -c %s "$f")"; done); }

pkts=$("$BENCH_DIR/snare-rotatebench" -r "$FILE" --count 2>/dev/null | awk '{print $1}')
bytes=$(stat -c %s "$FILE")
printf 'file %s, %d packets, %d bytes\n\n' "$FILE" "$pkts" "$bytes"
printf '| command | snare median s | tcpdump median s | snare pkts/s | snare MB/s | tcpdump pkts/s | speed-up (median of tcpdump/snare per pair) |\n'
printf '|---|---|---|---|---|---|---|\n'
for mode in "-C 10" ""; do
	A=("$BENCH_DIR/snare-rotatebench" -r "$FILE" -w "$OUT/out" $mode)
	B=(tcpdump -r "$FILE" -w "$OUT/out" $mode "${ZROOT[@]}")
	# Same files from both (names and sizes), once.
	timeit "${A[@]}" >/dev/null
	a_list=$(listing)
	timeit "${B[@]}" >/dev/null
	b_list=$(listing)
	if [ "$a_list" != "$b_list" ]; then
		echo "-w out $mode: snare and tcpdump wrote different files" >&2
		diff <(echo "$a_list") <(echo "$b_list") >&2 || true
		exit 1
	fi
	as=() bs=() rs=()
	for i in $(seq "$PAIRS"); do
		a=$(timeit "${A[@]}")
		b=$(timeit "${B[@]}")
		as+=("$a") bs+=("$b") rs+=("$(echo "$b / $a" | bc -l)")
	done
	am=$(median "${as[@]}") bm=$(median "${bs[@]}") rm=$(median "${rs[@]}")
	printf '| -r F -w out %s (%d files) | %.3f | %.3f | %.0f | %.0f | %.0f | %.2fx |\n' "$mode" \
		"$(echo "$a_list" | wc -l)" "$am" "$bm" "$(echo "$pkts / $am" | bc -l)" \
		"$(echo "$bytes / $am / 1000000" | bc -l)" "$(echo "$pkts / $bm" | bc -l)" "$rm"
done
rm -rf "$OUT"
