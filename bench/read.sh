#!/usr/bin/env bash
# read.sh - snare's offline read speed against libpcap and tcpdump, side by side.
#
#   bench/read.sh                  # c1m and c5m corpora, 5 A/B pairs per row
#   RUNS=9 bench/read.sh           # more pairs
#   CORPORA="c1m" bench/read.sh    # only the 1M-packet corpus
#
# Needs: go, gcc, libpcap-dev, tcpdump, GNU time (/usr/bin/time), and ../shared/bench (gen_corpus.go,
# pcapread.c) next to the repository. Work files go to $BENCH_DIR (default
# /tmp/bench). Nothing is sent anywhere.
#
# Method (as ../shared/bench/read_baseline.sh): whole-process wall time, one
# untimed warm-up of each command, then RUNS timed runs taken in turn A B A B
# on a warm page cache. Printed per row: A's min/median/max seconds, A's
# packets/s at the median, the median of the per-pair ratios B/A ("speed-up":
# how many times faster A is than B), and A's and B's peak RSS (max over the
# runs, from /usr/bin/time).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
W=${BENCH_DIR:-/tmp/bench}
RUNS=${RUNS:-5}
CORPORA=${CORPORA:-"c1m c5m"}
export PATH=$PATH:/usr/local/go/bin
mkdir -p "$W"

[ -f "$SHARED/gen_corpus.go" ] || { echo "read.sh: $SHARED/gen_corpus.go not found (set SHARED)" >&2; exit 1; }

# ---- build -------------------------------------------------------------------
gcc -O2 -Wall -o "$W/pcapread" "$SHARED/pcapread.c" -lpcap
(cd "$SHARED" && go build -o "$W/gen_corpus" gen_corpus.go)
(cd "$ROOT" && go build -o "$W/snareread" ./bench/snareread)
HAVE_SNARE=
if (cd "$ROOT" && go build -o "$W/snare" ./cmd/snare) 2>/dev/null; then HAVE_SNARE=1; else
  echo "note: ./cmd/snare does not build; skipping the snare -r rows" >&2; fi

# ---- corpora (deterministic, as ../shared/bench/README.md) --------------------
declare -A NPKT=([c1m]=1000000 [c5m]=5000000)
declare -A SHA=(
  [c1m]=bdbfdd7c3e434e03fa31bd353ff375da50c0dfe8e68b25cf5a6ed17e413a39ce
  [c5m]=7cf2a8b60b0c6ffeec58ad49801da93486ae94dd8704efa477e742367a459405
)
for c in $CORPORA; do
  f=$W/$c.pcap
  if [ ! -f "$f" ] || [ "$(stat -c %s "$f")" -lt 1000 ]; then
    "$W/gen_corpus" -n "${NPKT[$c]}" -o "$f"
  fi
  if [ -n "${CHECK_SHA:-}" ]; then
    sha256sum "$f" | grep -q "${SHA[$c]}" || echo "WARNING: $f differs from the README corpus" >&2
  fi
done

# ---- helpers -------------------------------------------------------------------
now() { echo "${EPOCHREALTIME/[.,]/}"; }
# run1 CMD: prints "wall_us maxrss_kb" (wall clock around the process as
# read_baseline.sh; peak RSS from /usr/bin/time, i.e. wait4's rusage).
run1() {
  local t0 t1
  t0=$(now)
  /usr/bin/time -f %M -o "$W/.rss" sh -c "$1" >/dev/null 2>&1 || true
  t1=$(now)
  echo "$(( t1 - t0 )) $(tail -1 "$W/.rss")"
}
expect() { # WANT CMD: checks the "packets=N" line
  local want=$1 got; got=$(eval "$2")
  [[ $got == "packets=$want "* ]] || { echo "FAIL: $2 printed '$got', want packets=$want" >&2; exit 1; }
}

printf '| id | A | B | A min s | A median s | A max s | A Mpkt/s | speed-up B/A (median of pairs) | A peak RSS MiB | B peak RSS MiB |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
pair() { # ID CMD_A CMD_B PACKETS
  local id=$1 a=$2 b=$3 n=$4 i
  run1 "$a" >/dev/null; run1 "$b" >/dev/null
  : > "$W/.pairs"
  for ((i = 0; i < RUNS; i++)); do
    echo "$(run1 "$a") $(run1 "$b")" >> "$W/.pairs"
  done
  awk -v id="$id" -v ca="$a" -v cb="$b" -v n="$n" -v W="$W" '
    function med(x, k,   t, i, j) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
                                   return (k % 2) ? x[(k + 1) / 2] : (x[k / 2] + x[k / 2 + 1]) / 2 }
    { a[NR] = $1 / 1e6; r[NR] = $3 / $1; if ($2 > ra) ra = $2; if ($4 > rb) rb = $4; mn = (NR == 1 || a[NR] < mn) ? a[NR] : mn; mx = (a[NR] > mx) ? a[NR] : mx }
    END {
      k = NR; ma = med(a, k); mr = med(r, k)
      gsub(W "/", "", ca); gsub(W "/", "", cb)
      printf "| %s | `%s` | `%s` | %.3f | %.3f | %.3f | %.2f | **%.2f** | %.1f | %.1f |\n", id, ca, cb, mn, ma, mx, n / ma / 1e6, mr, ra / 1024, rb / 1024
    }' "$W/.pairs"
}

S=$W/snareread P=$W/pcapread
for c in $CORPORA; do
  F=$W/$c.pcap n=${NPKT[$c]}
  cat "$F" > /dev/null
  expect "$n" "$S $F"; expect "$n" "$S -copy $F"; expect "$n" "$P $F"
  pair "$c-1" "$S $F" "$P $F" "$n"
  pair "$c-2" "$S -copy $F" "$P $F" "$n"
  pair "$c-3" "$S $F" "cat $F > /dev/null" "$n"
  if [ "$c" = c1m ]; then
    for buf in 262144 1048576 4194304; do
      pair "$c-buf$buf" "$S -pcap -buf $buf $F" "$S -pcap -buf 65536 $F" "$n"
    done
  fi
  if [ -n "$HAVE_SNARE" ]; then
    pair "$c-4" "$W/snare -r $F --count" "tcpdump -r $F --count" "$n"
    pair "$c-5" "$W/snare -r $F -w $W/out-snare.pcap" "tcpdump -r $F -w $W/out-tcpdump.pcap" "$n"
    cmp "$W/out-snare.pcap" "$W/out-tcpdump.pcap" >/dev/null 2>&1 && echo "($c: snare -w and tcpdump -w outputs are identical)" ||
      echo "($c: NOTE snare -w output differs from tcpdump -w output)"
    rm -f "$W/out-snare.pcap" "$W/out-tcpdump.pcap"
  fi
done
rm -f "$W/.pairs" "$W/.rss"
