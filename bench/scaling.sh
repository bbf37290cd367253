#!/usr/bin/env bash
# How servercore's cost grows with the work: held sessions (1k to the descriptor limit) and event loops.
#
#   bench/scaling.sh [io_uring|epoll|nio]        (default epoll)
#
# Held sessions: for each count, a freshly started servercore (heap pre-touched, pinned to SERVER_CPU) and the
# load client in connect mode (pinned to CLIENT_CPU) opening the sessions as fast as it can from 4 source
# addresses, each session echoing one 64 B message, holding them HOLD, then half-closing them all. Per count:
# live heap and resident memory per session (class histogram and VmRSS, before and while holding), the accept
# rate (sessions opened and echoed per second), the open + first echo p99, and the time until the server has
# closed them all (measured by the client, from its half-closes to the last close).
#
# Event loops: for each servercore.io.workers, a freshly started servercore, warmed up, then ROUNDS runs of
# 100 connections pipelined 16 x 64 B. The server is pinned to one CPU like in bench/run.sh, so 2, 4 and 8
# loops share that CPU: the rows show what extra loops cost, not what extra CPUs give.
#
# Settings, as environment variables:
#   SIZES ("1000 5000 10000 19500"): 19,500 fits the 20,000 open-file limit of this machine with the JVM's own
#   descriptors; LOOPS ("1 2 4 8"); ROUNDS (3); DURATION (5s), WARMUP (3s), HOLD (5s); SECTIONS ("held loops")
#   SERVER_CPU (0), CLIENT_CPU (1), PORT (27600), OUT (target/bench/scaling-<date>-<transport>), SKIP_BUILD,
#   START_TIMEOUT (300): seconds a server may take to start
set -euo pipefail

TRANSPORT="${1:-${TRANSPORT:-epoll}}"
SIZES="${SIZES:-1000 5000 10000 19500}"
LOOPS="${LOOPS:-1 2 4 8}"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5s}"
WARMUP="${WARMUP:-3s}"
HOLD="${HOLD:-5s}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
PORT="${PORT:-27600}"
SECTIONS=" ${SECTIONS:-held loops} "

cd "$(dirname "$0")/.."
OUT="${OUT:-target/bench/scaling-$(date +%Y%m%d-%H%M%S)-$TRANSPORT}"
mkdir -p "$OUT"
started=$(date +%s)
log() { printf '[%4ds] %s\n' $(( $(date +%s) - started )) "$*"; }
load1() { cut -d' ' -f1 /proc/loadavg; }

hard=$(ulimit -Hn)
ulimit -n "$hard"
largest=$(tr ' ' '\n' <<< "$SIZES" | sort -n | tail -1)
if [ "$hard" != unlimited ] && [ "$hard" -lt $(( largest + 300 )) ]; then
	echo "ulimit -Hn is $hard: too low for $largest sessions (each side needs one descriptor per session)" >&2
	exit 1
fi
PIN_SERVER=(taskset -c "$SERVER_CPU")
PIN_CLIENT=(taskset -c "$CLIENT_CPU")

if [ -z "${SKIP_BUILD:-}" ] || [ ! -f target/servercore-exec.jar ]; then
	log "building (tests skipped)"
	./mvnw -B -q package -DskipTests
fi
JAR=target/servercore-exec.jar
SC_PID=
trap '[ -n "$SC_PID" ] && kill "$SC_PID" 2> /dev/null; wait 2> /dev/null || true' EXIT

wait_for_line() { # file pattern pid seconds
	local deadline=$(( $(date +%s) + $4 ))
	until grep -q "$2" "$1" 2> /dev/null; do
		if ! kill -0 "$3" 2> /dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
			echo "gave up waiting for '$2' in $1:" >&2
			tail -20 "$1" >&2
			exit 1
		fi
		sleep 0.2
	done
}

start_server() { # log-name "JVM options" application-arguments...
	local name=$1 jvm_options=$2
	shift 2
	# shellcheck disable=SC2086
	"${PIN_SERVER[@]}" java $jvm_options -jar "$JAR" --servercore.port="$PORT" --server.port=0 \
		--servercore.io.transport="$TRANSPORT" --servercore.limits.max-sessions=100000 "$@" > "$OUT/$name.log" 2>&1 &
	SC_PID=$!
	wait_for_line "$OUT/$name.log" "servercore started on" "$SC_PID" "${START_TIMEOUT:-300}"
}

stop_server() {
	kill "$SC_PID" 2> /dev/null || true
	wait "$SC_PID" 2> /dev/null || true
	SC_PID=
}

cpu_ticks() { awk '{ split(substr($0, index($0, ")") + 2), f, " "); print f[12] + f[13] }' "/proc/$1/stat"; }
heap_live() { jcmd "$1" GC.class_histogram > "$2" 2>&1 && awk '/^Total/ { print $3 }' "$2"; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
json() { sed -n "s/^ *\"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$1" | head -1; }

echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ) machine=$(nproc) CPUs, $(uname -sr), $(java -version 2>&1 | head -1) transport=$TRANSPORT load_before=$(cut -d' ' -f1-3 /proc/loadavg)" \
	| tee "$OUT/run.txt"

if [[ "$SECTIONS" == *" held "* ]]; then
	{
		echo "Held sessions (servercore, $TRANSPORT, one event loop on CPU $SERVER_CPU, heap pre-touched; client on CPU $CLIENT_CPU opening as fast as it can):"
		echo
		echo '| sessions held | live heap per session (KiB) | resident memory per session (KiB) | accept rate (opened + first echo, /s) | open + first echo p99 (ms) | time to close them all (s) | server CPU per session opened and closed (us) | load average |'
		echo '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
	} > "$OUT/held.md"
	for size in $SIZES; do
		start_server "held-$size" -XX:+AlwaysPreTouch
		base="$OUT/held-$size"
		heap_before=$(heap_live "$SC_PID" "$base.histo-before")
		rss_before=$(rss_kib "$SC_PID")
		cpu_before=$(cpu_ticks "$SC_PID")
		"${PIN_CLIENT[@]}" java -jar "$JAR" bench --port "$PORT" --mode connect --connections "$size" \
			--duration "$HOLD" --bind 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5 --no-progress \
			--json "$base.json" > "$base.txt" 2>&1 &
		client=$!
		wait_for_line "$base.txt" "^holding " "$client" 600
		histogram_start=$(cpu_ticks "$SC_PID")
		heap_after=$(heap_live "$SC_PID" "$base.histo-after")
		rss_after=$(rss_kib "$SC_PID")
		histogram_cpu=$(( $(cpu_ticks "$SC_PID") - histogram_start ))
		load=$(load1)
		status=0
		wait "$client" || status=$?
		# The histograms' own CPU is left out: only opening and closing are counted.
		cpu_after=$(cpu_ticks "$SC_PID")
		held=$(awk '/^holding / { print $2 }' "$base.txt")
		closed_s=$(sed -n 's/^closed [0-9]* sessions in \([0-9.]*\) s.*/\1/p' "$base.txt")
		open_s=$(json "$base.json" open_s)
		p99=$(json "$base.json" latency_p99_us)
		awk -v size="$size" -v held="$held" -v hb="$heap_before" -v ha="$heap_after" -v rb="$rss_before" \
			-v ra="$rss_after" -v open_s="$open_s" -v p99="$p99" -v closed="$closed_s" -v load="$load" \
			-v cpu="$(( cpu_after - cpu_before - histogram_cpu ))" -v status="$status" 'BEGIN {
				printf "| %s%s | %.2f | %.2f | %.0f | %.1f | %.2f | %.0f | %s |\n", held, (status == 0 ? "" : " (client exit " status ")"),
					(ha - hb) / held / 1024, (ra - rb) / held, held / open_s, p99 / 1000, closed,
					cpu * 10000 / held, load }' >> "$OUT/held.md"
		log "held $size: $(tail -1 "$OUT/held.md")"
		stop_server
	done
fi

if [[ "$SECTIONS" == *" loops "* ]]; then
	{
		echo "Event loops (servercore, $TRANSPORT, all loops on CPU $SERVER_CPU; client on CPU $CLIENT_CPU): 100 connections pipelined 16 x 64 B, median of $ROUNDS rounds of $WARMUP + $DURATION:"
		echo
		echo '| servercore.io.workers | msgs/s | server CPU s per million msgs | latency p50 (us) | latency p99 (us) | load average |'
		echo '| ---: | ---: | ---: | ---: | ---: | ---: |'
	} > "$OUT/loops.md"
	for workers in $LOOPS; do
		start_server "loops-$workers" "" --servercore.io.workers="$workers"
		# Warm up, then wait until the JIT compilers have gone quiet (below 3% of a CPU), as bench/run.sh does.
		"${PIN_CLIENT[@]}" java -jar "$JAR" bench --port "$PORT" --mode pipelined --connections 100 --warmup 0s \
			--duration 5s --no-progress > "$OUT/loops-$workers-warmup.txt" 2>&1 || true
		deadline=$(( $(date +%s) + 60 ))
		while [ "$(date +%s)" -lt "$deadline" ]; do
			before=$(cpu_ticks "$SC_PID")
			sleep 1
			[ $(( $(cpu_ticks "$SC_PID") - before )) -le 3 ] && break
		done
		for round in $(seq 1 "$ROUNDS"); do
			"${PIN_CLIENT[@]}" java -jar "$JAR" bench --port "$PORT" --mode pipelined --connections 100 --size 64 \
				--warmup "$WARMUP" --duration "$DURATION" --server-pid "$SC_PID" --no-progress \
				--json "$OUT/loops-$workers-$round.json" > "$OUT/loops-$workers-$round.txt" 2>&1 || true
			echo "$(load1)" > "$OUT/loops-$workers-$round.load"
		done
		median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
		figure() { for round in $(seq 1 "$ROUNDS"); do json "$OUT/loops-$workers-$round.json" "$1"; done | median; }
		printf '| %s | %.0f | %.2f | %.1f | %.1f | %s |\n' "$workers" "$(figure msgs_per_s)" \
			"$(figure server_cpu_s_per_million)" "$(figure latency_p50_us)" "$(figure latency_p99_us)" \
			"$(cat "$OUT"/loops-"$workers"-*.load | median)" >> "$OUT/loops.md"
		log "loops $workers: $(tail -1 "$OUT/loops.md")"
		stop_server
	done
fi

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg) elapsed_s=$(( $(date +%s) - started ))" | tee -a "$OUT/run.txt"
{
	echo
	[ -f "$OUT/held.md" ] && cat "$OUT/held.md" && echo
	[ -f "$OUT/loops.md" ] && cat "$OUT/loops.md"
} | tee "$OUT/report.md"
log "results in $OUT"
