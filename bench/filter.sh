#!/usr/bin/env bash
# filter.sh - offline filtering speed: snare against tcpdump, side by side.
#
#   bench/filter.sh                         # c5m corpus, 'tcp port 80', 5 A/B pairs
#   RUNS=9 CORPUS=c1m bench/filter.sh       # more pairs, the 1M-packet corpus
#   FILTERS="'tcp port 80' 'udp and port 53'" bench/filter.sh
#
# Row per filter: A = snare -r FILE --count FILTER, B = tcpdump -r FILE
# --count FILTER. Both must print the same count (checked before timing).
# Whole-process wall time; one untimed warm-up of each, then RUNS pairs run
# in turn A B A B on a warm page cache; printed: A's and B's median seconds
# and the median of the per-pair ratios B/A (how many times faster snare
# is). The machine is shared and noisy: read the ratio, not the seconds.
#
# Needs: go, tcpdump, and ../shared/bench/gen_corpus.go next to the
# repository. Work files go to $BENCH_DIR (default /tmp/bench). Rows are
# skipped (with a note) when ./cmd/snare does not build or does not take a
# filter with --count yet.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
W=${BENCH_DIR:-/tmp/bench}
RUNS=${RUNS:-5}
CORPUS=${CORPUS:-c5m}
FILTERS=${FILTERS:-"'tcp port 80'"}
export PATH=$PATH:/usr/local/go/bin
mkdir -p "$W"

declare -A NPKT=([c100k]=100000 [c1m]=1000000 [c5m]=5000000)
[ -n "${NPKT[$CORPUS]:-}" ] || { echo "filter.sh: CORPUS must be c100k, c1m or c5m" >&2; exit 1; }
command -v tcpdump >/dev/null || { echo "filter.sh: tcpdump not installed" >&2; exit 1; }
[ -f "$SHARED/gen_corpus.go" ] || { echo "filter.sh: $SHARED/gen_corpus.go not found (set SHARED)" >&2; exit 1; }

F=$W/$CORPUS.pcap
if [ ! -f "$F" ] || [ "$(stat -c %s "$F")" -lt 1000 ]; then
  (cd "$SHARED" && go run gen_corpus.go -n "${NPKT[$CORPUS]}" -o "$F")
fi

if ! (cd "$ROOT" && go build -o "$W/snare" ./cmd/snare) 2>"$W/.build"; then
  echo "note: ./cmd/snare does not build; no rows:" >&2; cat "$W/.build" >&2; exit 0
fi

now() { echo "${EPOCHREALTIME/[.,]/}"; }
run1() { # CMD -> wall microseconds
  local t0 t1
  t0=$(now); sh -c "$1" >/dev/null 2>&1 || true; t1=$(now)
  echo $(( t1 - t0 ))
}
count() { # CMD -> the first number it prints on stdout
  sh -c "$1" 2>/dev/null | grep -oE '[0-9]+' | head -1
}

printf '| filter | packets | matched | snare median s | tcpdump median s | speed-up tcpdump/snare (median of pairs) |\n'
printf '|---|---|---|---|---|---|\n'
eval "set -- $FILTERS"
for flt in "$@"; do
  q=$(printf "%q" "$flt")
  a="$W/snare -r $F --count $q"
  b="tcpdump -r $F --count $q"
  ca=$(count "$a" || true); cb=$(count "$b")
  if [ -z "$ca" ]; then
    echo "note: '$a' failed or printed no count; row skipped" >&2; continue
  fi
  if [ "$ca" != "$cb" ]; then
    echo "FAIL: snare counted $ca, tcpdump $cb for '$flt'" >&2; exit 1
  fi
  run1 "$a" >/dev/null; run1 "$b" >/dev/null
  : > "$W/.fpairs"
  for ((i = 0; i < RUNS; i++)); do
    echo "$(run1 "$a") $(run1 "$b")" >> "$W/.fpairs"
  done
  awk -v flt="$flt" -v n="${NPKT[$CORPUS]}" -v m="$ca" '
    function med(x, k,   t, i, j) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
      return (k % 2) ? x[(k + 1) / 2] : (x[k / 2] + x[k / 2 + 1]) / 2 }
    { a[NR] = $1; b[NR] = $2; r[NR] = $2 / $1 }
    END { printf "| `%s` | %d | %d | %.3f | %.3f | %.2fx |\n", flt, n, m, med(a, NR) / 1e6, med(b, NR) / 1e6, med(r, NR) }
  ' "$W/.fpairs"
done
