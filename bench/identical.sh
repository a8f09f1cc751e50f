#!/usr/bin/env bash
# Whole-corpus identity check: prints the bench corpus with tcpdump and
# with snare under each flag set and counts the lines that differ.
#
#   bench/identical.sh [FILE] [FLAGSETS...]
#   (default /tmp/bench/c1m.pcap; flag sets "-nn" "-nn -v" "-nn -e")
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-/tmp/bench}
FILE=${1:-$BENCH_DIR/c1m.pcap}
shift || true
SETS=("$@")
[ ${#SETS[@]} -gt 0 ] || SETS=("-nn" "-nn -v" "-nn -e")
mkdir -p "$BENCH_DIR"
if [ ! -f "$FILE" ]; then
	go run ../shared/bench/gen_corpus.go -n 1000000 -o "$FILE"
fi
command -v tcpdump >/dev/null || { echo "tcpdump not installed" >&2; exit 1; }
CGO_ENABLED=0 go build -o "$BENCH_DIR/snare-identical" ./cmd/snare
printf '| flags | tcpdump lines | lines that differ |\n|---|---|---|\n'
for f in "${SETS[@]}"; do
	# shellcheck disable=SC2086
	TZ=UTC tcpdump $f -r "$FILE" 2>/dev/null >"$BENCH_DIR/identical.tcpdump"
	# shellcheck disable=SC2086
	TZ=UTC "$BENCH_DIR/snare-identical" $f -r "$FILE" 2>/dev/null >"$BENCH_DIR/identical.snare"
	n=$(wc -l <"$BENCH_DIR/identical.tcpdump")
	d=$(diff "$BENCH_DIR/identical.tcpdump" "$BENCH_DIR/identical.snare" | grep -c '^<' || true)
	printf '| %s | %d | %d |\n' "$f" "$n" "$d"
done
rm -f "$BENCH_DIR/identical.tcpdump" "$BENCH_DIR/identical.snare"
