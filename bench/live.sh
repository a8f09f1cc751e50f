#!/usr/bin/env bash
# live.sh - live capture: snare against tcpdump on a private veth pair (root).
#
# Modelled on ../shared/bench/live_baseline.sh (README step 6). Creates two
# namespaces snbenchA/snbenchB joined by a veth pair (198.18.0.1/30 and
# 198.18.0.2/30, IPv6 off, no other interface or route, so nothing leaves),
# sends with trafgen (or tcpreplay) in A at full rate, bounded by count and
# `timeout`, and captures on vethB in B, one capture program after the
# other on the same traffic:
#
#   tcpdump   tcpdump -i vethB -Q in -n -B 4096 -w /dev/null
#   snare     /tmp/bench/snare -i vethB -Q in -n -B 4096 -w /dev/null   (the CLI)
#   livecap   /tmp/bench/livecap -i vethB -Q in -B 4096 -w /dev/null    (the library alone,
#             Handle.NextBatch; livecapL: the same with Handle.Loop)
#   fanout2   livecap with a 2-socket PACKET_FANOUT hash group
#   tcpdumpP / snareP: the same, printing (-nn, text to /dev/null)
#
# For each it reports packets received/dropped/captured (the programs' own
# statistics lines) and the capture process's CPU time (user+system from
# /proc/PID/stat, read just before SIGINT) per million packets sent.
#
#   ./bench/live.sh                        # t60 and t1514, all capturers
#   SCENARIOS="t60" CAPTURERS="tcpdump livecap" REPEAT=3 ./bench/live.sh
#   N60=2000000 N1514=1000000 ./bench/live.sh
#   SCENARIOS="r1m r1mK" ./bench/live.sh
#   SCENARIOS=t60r GAP=25us CAPTURERS="tcpdumpI snareI" ./bench/live.sh
#   SCENARIOS=t1514r RATE=300000pps CAPTURERS="livecap fanout2" ./bench/live.sh
#                                          # 1514-byte frames at a fixed rate (trafgen -b RATE, or
#                                          # -t GAP): where drops start
#                                          # immediate mode at a fixed rate (one frame per GAP)   # tcpreplay --topspeed of the 1M-packet corpus (-K: preloaded)
#   OLD_SNARE=/tmp/old/snare CAPTURERS="tcpdump snare snareOld snareP snareOldP" ./bench/live.sh
#                                          # another build of the CLI alongside, for before/after
#   OUT=/var/tmp/live.pcap CAPTURERS="tcpdump snare" ./bench/live.sh
#                                          # -w a regular file instead of /dev/null
#   SCHED=1 CAPTURERS=snare ./bench/live.sh # scheduler trace of the whole machine while sending:
#                                          # perf sched record -a into $W/snlive_*.sched
#                                          # (read it with perf sched timehist/latency)
#   PERF=1 CAPTURERS=snare ./bench/live.sh  # profile: perf record -g into $W/snlive_*.perf
#                                          # (CPU columns then include perf itself)
# Namespaces are deleted on exit, always.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=${BENCH_DIR:-/tmp/bench}
NSA=snbenchA NSB=snbenchB
N60=${N60:-2000000}
N1514=${N1514:-1000000}
N60R=${N60R:-200000}   # t60r: 60-byte frames at a fixed rate (trafgen -t GAP)
N1514R=${N1514R:-300000} # t1514r: 1514-byte frames at a fixed rate (trafgen -t GAP)
GAP=${GAP:-25us}
GENMAX=${GENMAX:-120}
REPEAT=${REPEAT:-1}
SCENARIOS=${SCENARIOS:-"t60 t1514"}
CAPTURERS=${CAPTURERS:-"tcpdump snare livecap fanout2 tcpdumpP snareP"}
BUF=${BUF:-4096}
OUT=${OUT:-/dev/null}  # the -w file of every capturer (a regular file: rewritten by each run)
ZROOT=
[ "$OUT" = /dev/null ] || ZROOT="-Z root"  # tcpdump would write $OUT as its own user
export PATH=$PATH:/usr/local/go/bin
mkdir -p "$W"

CAP_PID=
cleanup() {
  if [ -n "$CAP_PID" ] && kill -0 "$CAP_PID" 2>/dev/null; then kill -INT "$CAP_PID" 2>/dev/null || true; wait "$CAP_PID" 2>/dev/null || true; fi
  ip netns del "$NSA" 2>/dev/null || true
  ip netns del "$NSB" 2>/dev/null || true
  [ "$OUT" = /dev/null ] || rm -f "$OUT"
}
trap cleanup EXIT

# ---- build -------------------------------------------------------------------
(cd "$ROOT" && go build -o "$W/livecap" ./bench/livecap)
case " $SCENARIOS " in *" r1m"*)
  # tcpreplay scenarios replay the 1M-packet corpus.
  [ -f "$W/c1m.pcap" ] || (cd "$ROOT/../shared/bench" && go run gen_corpus.go -n 1000000 -o "$W/c1m.pcap") ;;
esac
HAVE_CLI=0
if (cd "$ROOT" && go build -o "$W/snare" ./cmd/snare) 2>/dev/null; then HAVE_CLI=1; fi

# ---- namespaces ---------------------------------------------------------------
for ns in "$NSA" "$NSB"; do
  if ip netns list | grep -qw "$ns"; then echo "namespace $ns already exists; delete it first" >&2; trap - EXIT; exit 1; fi
done
ip netns add "$NSA"
ip netns add "$NSB"
for ns in "$NSA" "$NSB"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=0
done
ip link add vethA netns "$NSA" type veth peer name vethB netns "$NSB"
ip -n "$NSA" addr add 198.18.0.1/30 dev vethA
ip -n "$NSB" addr add 198.18.0.2/30 dev vethB
for ns in "$NSA" "$NSB"; do ip -n "$ns" link set lo up; done
ip -n "$NSA" link set vethA up
ip -n "$NSB" link set vethB up
MACA=$(ip netns exec "$NSA" cat /sys/class/net/vethA/address)
MACB=$(ip netns exec "$NSB" cat /sys/class/net/vethB/address)
# Varying source ports so that a fanout hash spreads the flows.
cat > "$W/sn_udp60.trafgen" <<EOF
{ eth(da=$MACB, sa=$MACA, type=0x0800), ipv4(sa=198.18.0.1, da=198.18.0.2, ttl=64, df), udp(sp=drnd(), dp=9), fill(0x00, 18) }
EOF
cat > "$W/sn_udp1514.trafgen" <<EOF
{ eth(da=$MACB, sa=$MACA, type=0x0800), ipv4(sa=198.18.0.1, da=198.18.0.2, ttl=64, df), udp(sp=drnd(), dp=9), fill(0x00, 1472) }
EOF

cmdline() { # capturer name -> command line
  case $1 in
    tcpdump)  echo "tcpdump $ZROOT -i vethB -Q in -n -B $BUF -w $OUT" ;;
    snare)    echo "$W/snare -i vethB -Q in -n -B $BUF -w $OUT" ;;
    livecap)  echo "$W/livecap -i vethB -Q in -B $BUF -w $OUT ${LIVECAP_ARGS:-}" ;;
    livecapL) echo "$W/livecap -i vethB -Q in -B $BUF -w $OUT -loop" ;;
    fanout2)  echo "$W/livecap -i vethB -Q in -B $BUF -w $OUT -fanout 2" ;;
    snareOld) echo "$OLD_SNARE -i vethB -Q in -n -B $BUF -w $OUT" ;;
    snareOldP) echo "$OLD_SNARE -i vethB -Q in -nn -B $BUF" ;;
    tcpdumpP) echo "tcpdump $ZROOT -i vethB -Q in -nn -B $BUF" ;;
    tcpdumpI) echo "tcpdump $ZROOT -i vethB -Q in -n -B $BUF --immediate-mode -w $OUT" ;;
    snareI)   echo "$W/snare -i vethB -Q in -n -B $BUF --immediate-mode -w $OUT" ;;
    snareOldI) echo "$OLD_SNARE -i vethB -Q in -n -B $BUF --immediate-mode -w $OUT" ;;
    snareP)   echo "$W/snare -i vethB -Q in -nn -B $BUF" ;;
  esac
}

# CPU ticks (user+system) of the capture program: the child that
# `timeout` (exec'd by ip netns exec as CAP_PID) forked.
# Prints "user+system user system context-switches" (ticks; switches of
# all the program's threads, voluntary and not).
cpu_ticks() {
  local kid
  kid=$(cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{ print $1 }')
  [ -n "$kid" ] || { echo 0 0 0 0; return; }
  local t
  t=$(awk '{ print $14 + $15, $14, $15 }' "/proc/$kid/stat" 2>/dev/null || echo 0 0 0)
  echo "$t" "$(cat /proc/"$kid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }')"
}
TCK=$(getconf CLK_TCK)

printf '\n| scenario | capture | sent | gen pps | received by filter | dropped by kernel | captured | CPU s | CPU s / Mpkt | user / sys s | switches / Mpkt |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'

run_one() { # scenario capturer
  local sc=$1 capn=$2 capture gen n log
  capture=$(cmdline "$capn")
  case $capn in snare*) [ "$HAVE_CLI" = 1 ] || { echo "| $sc | $capn | (cmd/snare does not build) |"; return; } ;; esac
  case $sc in
    t60)   n=$N60;   gen=(trafgen --dev vethA --conf "$W/sn_udp60.trafgen" -n "$N60" --cpus 1 --no-sock-mem) ;;
    t1514) n=$N1514; gen=(trafgen --dev vethA --conf "$W/sn_udp1514.trafgen" -n "$N1514" --cpus 1 --no-sock-mem) ;;
    t60r)  n=$N60R;   gen=(trafgen --dev vethA --conf "$W/sn_udp60.trafgen" -n "$N60R" --cpus 1 --no-sock-mem -t "$GAP") ;;
    t1514r) n=$N1514R; gen=(trafgen --dev vethA --conf "$W/sn_udp1514.trafgen" -n "$N1514R" --cpus 1 --no-sock-mem)
            if [ -n "${RATE:-}" ]; then gen+=(-b "$RATE"); else gen+=(-t "$GAP"); fi ;;
    r1m)   n=1000000; gen=(tcpreplay --topspeed -i vethA "$W/c1m.pcap") ;;
    r1mK)  n=1000000; gen=(tcpreplay --topspeed -K -i vethA "$W/c1m.pcap") ;;
  esac
  log=$W/snlive_${sc}_$capn
  # shellcheck disable=SC2086
  if [ -n "${PERF:-}" ]; then capture="perf record -q -g -o $log.perf -- $capture"; fi
  if [ -n "${PERFSTAT:-}" ]; then capture="perf stat -e task-clock,page-faults,context-switches,cpu-migrations -o $log.stat -- $capture"; fi
  ip netns exec "$NSB" timeout -s INT $((GENMAX + 30)) $capture > /dev/null 2> "$log.cap" &
  CAP_PID=$!
  for _ in $(seq 100); do grep -q 'listening on' "$log.cap" && break; sleep 0.1; done
  sleep 0.5
  local c0 u0 s0 x0 t0 t1
  read -r c0 u0 s0 x0 < <(cpu_ticks "$CAP_PID")
  t0=${EPOCHREALTIME/[.,]/}
  local rec=()
  if [ -n "${SCHED:-}" ]; then rec=(perf sched record -q -a -o "$log.sched" --); fi
  "${rec[@]}" ip netns exec "$NSA" timeout -s INT "$GENMAX" "${gen[@]}" > "$log.gen" 2>&1 || echo "(generator exit $?)" >> "$log.gen"
  t1=${EPOCHREALTIME/[.,]/}
  sleep 2
  local c1 u1 s1 x1
  read -r c1 u1 s1 x1 < <(cpu_ticks "$CAP_PID")
  kill -INT "$CAP_PID" 2>/dev/null || true
  wait "$CAP_PID" 2>/dev/null || true
  CAP_PID=
  local sent recv kdrop capt cpu
  case $sc in
    t*) sent=$(tr -d '\r' < "$log.gen" | awk '/packets outgoing/ { s += $1 } END { print s + 0 }') ;;
    r*) sent=$(tr -d '\r' < "$log.gen" | awk '/Successful packets:/ { print $NF; exit }') ;;
  esac
  [ -n "$sent" ] && [ "$sent" != 0 ] || sent=$n
  recv=$(awk '/packets? received by filter/ { v = $1 } END { print (v == "" ? "?" : v) }' "$log.cap")
  kdrop=$(awk '/packets? dropped by kernel/ { v = $1 } END { print (v == "" ? "?" : v) }' "$log.cap")
  capt=$(awk '/packets? captured/ { v = $1 } END { print (v == "" ? "?" : v) }' "$log.cap")
  cpu=$(awk -v a="$c0" -v b="$c1" -v t="$TCK" 'BEGIN { printf "%.2f", (b - a) / t }')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$sc" "$capn" "$sent" \
    "$(awk -v n="$sent" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / ((b - a) / 1e6) }')" \
    "$recv" "$kdrop" "$capt" "$cpu" "$(awk -v c="$cpu" -v n="$sent" 'BEGIN { printf "%.3f", c / (n / 1e6) }')" \
    "$(awk -v a="$u0" -v b="$u1" -v c="$s0" -v d="$s1" -v t="$TCK" 'BEGIN { printf "%.2f / %.2f", (b - a) / t, (d - c) / t }')" \
    "$(awk -v a="$x0" -v b="$x1" -v n="$sent" 'BEGIN { printf "%.0f", (b - a) / (n / 1e6) }')"
}

for rep in $(seq "$REPEAT"); do
  for sc in $SCENARIOS; do
    for capn in $CAPTURERS; do
      run_one "$sc" "$capn"
    done
  done
done
echo
echo "logs: $W/snlive_*; namespaces $NSA/$NSB are deleted on exit"
