#!/usr/bin/env bash
# servercore against a bare Reactor Netty echo, side by side, on one machine over loopback.
#
#   bench/run.sh [io_uring|epoll|nio]        (default io_uring)
#
# Builds once, starts both servers (pinned to one CPU), then for each load runs the load client (pinned to
# the other CPU) against servercore and the baseline in turn, A B A B, and prints one table.
#
# The native baseline: bench/echo-epoll.c, a minimal C echo server on epoll (one thread), built here with the
# machine's cc and pinned like the others, takes a third turn in every round of the message loads (A B C A B C),
# and the report gives servercore and the baseline as a ratio to it. Without cc it is left out (NATIVE=0 too).
#
# A last section compares typed packets against raw length-prefixed packets: servercore with
# servercore.framing=length-prefixed (its echo) against the example game server (a protobuf Echo through the
# @PacketHandler dispatch, 2-byte message id), pp100 and pipe100.
#
# Settings, as environment variables:
#   SECTIONS ("messages held typed fanout")  which parts to run, e.g. SECTIONS=typed for the typed comparison alone;
#   ONLY (all)                     message loads to run, by name: pp1 pp100 pipe100 stream4
#                                  SECTIONS=tls runs the TLS comparison (bench/tls.sh, not in the default list)
#   DURATION (5s), WARMUP (3s)     measured time and excluded warm-up of every run
#   ROUNDS (3)                     rounds of servercore then baseline for each message load
#   SESSIONS (10000), HELD_ROUNDS (2), HOLD (5s), OPEN_RATE (2500/s)   the held-session load
#   SETTLE_TRAFFIC (5s)            each warm-up load per server at start
#   CLIENT_TRANSPORT (auto), SERVER_CPU (0), CLIENT_CPU (1), SERVER_JAVA_OPTS (none)
#   SC_PORT (17000), BL_PORT (17100), NATIVE_PORT (17500), NATIVE (1), OUT (target/bench/<date>-<transport>)
#   FANOUT_RATE_SMALL (500), FANOUT_RATE_LARGE (10)   lines said per second in all, for the fan-out rows:
#                                  100 clients in 10 rooms, and 1,000 clients in 1 room (servercore's chat only)
# Loopback only; every run is bounded in time; the whole script takes about ten minutes (the C server adds a third turn to every message round).
set -euo pipefail

TRANSPORT="${1:-${TRANSPORT:-io_uring}}"
case "$TRANSPORT" in
	io_uring|epoll|nio) ;;
	*) echo "usage: $0 [io_uring|epoll|nio]" >&2; exit 2 ;;
esac
DURATION="${DURATION:-5s}"
WARMUP="${WARMUP:-3s}"
ROUNDS="${ROUNDS:-3}"
HELD_ROUNDS="${HELD_ROUNDS:-2}"
SESSIONS="${SESSIONS:-10000}"
HOLD="${HOLD:-5s}"
OPEN_RATE="${OPEN_RATE:-2500}"
CLIENT_TRANSPORT="${CLIENT_TRANSPORT:-auto}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:-}"
SC_PORT="${SC_PORT:-17000}"
BL_PORT="${BL_PORT:-17100}"
LP_PORT="${LP_PORT:-17200}"
TY_PORT="${TY_PORT:-17300}"
NATIVE_PORT="${NATIVE_PORT:-17500}"
NATIVE="${NATIVE:-1}"
SECTIONS=" ${SECTIONS:-messages held typed fanout} "
section() { [[ "$SECTIONS" == *" $1 "* ]]; }

cd "$(dirname "$0")/.."
OUT="${OUT:-target/bench/$(date +%Y%m%d-%H%M%S)-$TRANSPORT}"
mkdir -p "$OUT"
started=$(date +%s)

log() { printf '[%4ds] %s\n' $(( $(date +%s) - started )) "$*"; }

# Each held session is a socket in the client and one in the server: raise the open-file limit.
need=$(( SESSIONS + 1000 ))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
	log "open-file limit $hard is below $need: holding $(( hard - 1000 )) sessions instead of $SESSIONS"
	SESSIONS=$(( hard - 1000 ))
	need=$(( SESSIONS + 1000 ))
fi
ulimit -n "$( [ "$hard" = unlimited ] && echo "$need" || echo "$hard" )"

PIN_SERVER=()
PIN_CLIENT=()
if command -v taskset > /dev/null && [ "$(nproc)" -ge 2 ]; then
	PIN_SERVER=(taskset -c "$SERVER_CPU")
	PIN_CLIENT=(taskset -c "$CLIENT_CPU")
	PINNING="server on CPU $SERVER_CPU, client on CPU $CLIENT_CPU (taskset)"
else
	PINNING="not pinned (taskset or a second CPU missing)"
fi

log "building (tests skipped)"
./mvnw -B -q package -DskipTests
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
JAR=target/servercore-exec.jar
NATIVE_BIN=target/bench/echo-epoll
if [ "$NATIVE" = 1 ] && command -v cc > /dev/null; then
	log "building the native baseline: cc -O2 -o $NATIVE_BIN bench/echo-epoll.c"
	mkdir -p target/bench
	cc -O2 -o "$NATIVE_BIN" bench/echo-epoll.c
else
	[ "$NATIVE" = 1 ] && log "no cc on this machine: running without the native baseline"
	NATIVE=0
fi

SC_PID=
BL_PID=
NA_PID=
SC_DESC="not started"
BL_DESC="not started"
NA_DESC="not started"
LP_PID=
TY_PID=
# shellcheck source=bench/tls.sh
. bench/tls.sh
cleanup() {
	for pid in $SC_PID $BL_PID $NA_PID $LP_PID $TY_PID "${TLS_PIDS[@]}"; do
		kill "$pid" 2> /dev/null || true
	done
	wait 2> /dev/null || true
}
trap cleanup EXIT

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

# servercore with its defaults; only the ports, the transport and the session limit (above the held count) set.
start_servers() { # log-suffix [extra JVM options]
	log "starting servercore and baseline ($TRANSPORT) on ports $SC_PORT and $BL_PORT"
	# shellcheck disable=SC2086
	"${PIN_SERVER[@]}" java $SERVER_JAVA_OPTS ${2:-} -jar "$JAR" --servercore.port="$SC_PORT" --server.port=0 \
		--servercore.io.transport="$TRANSPORT" --servercore.limits.max-sessions=$(( SESSIONS * 2 )) \
		> "$OUT/servercore$1.log" 2>&1 &
	SC_PID=$!
	# shellcheck disable=SC2086
	"${PIN_SERVER[@]}" java $SERVER_JAVA_OPTS ${2:-} -cp "$CP" dev.servercore.bench.BaselineEchoServer \
		--port "$BL_PORT" --transport "$TRANSPORT" > "$OUT/baseline$1.log" 2>&1 &
	BL_PID=$!
	wait_for_line "$OUT/servercore$1.log" "servercore started on" "$SC_PID" 120
	wait_for_line "$OUT/baseline$1.log" "baseline listening on" "$BL_PID" 60
	SC_DESC=$(grep -o "servercore started on.*" "$OUT/servercore$1.log" | head -1)
	BL_DESC=$(grep -o "baseline listening on.*" "$OUT/baseline$1.log" | head -1)
}

# The C epoll echo, for the message loads only (held sessions compare the two JVM servers).
start_native() {
	"${PIN_SERVER[@]}" "$NATIVE_BIN" "$NATIVE_PORT" > "$OUT/native.log" 2>&1 &
	NA_PID=$!
	wait_for_line "$OUT/native.log" "native echo listening on" "$NA_PID" 10
	NA_DESC=$(grep -o "native echo listening on.*" "$OUT/native.log" | head -1)
}

stop_servers() {
	kill "$SC_PID" "$BL_PID" $NA_PID 2> /dev/null || true
	wait "$SC_PID" "$BL_PID" $NA_PID 2> /dev/null || true
	SC_PID=
	BL_PID=
	NA_PID=
}

# Raw length-prefixed servercore and the typed example game server, for the typed section.
start_typed_servers() {
	log "starting length-prefixed servercore and the typed game server ($TRANSPORT) on ports $LP_PORT and $TY_PORT"
	# shellcheck disable=SC2086
	"${PIN_SERVER[@]}" java $SERVER_JAVA_OPTS -jar "$JAR" --servercore.port="$LP_PORT" --server.port=0 \
		--servercore.io.transport="$TRANSPORT" --servercore.framing=length-prefixed > "$OUT/lp.log" 2>&1 &
	LP_PID=$!
	# shellcheck disable=SC2086
	"${PIN_SERVER[@]}" java $SERVER_JAVA_OPTS -cp "$CP" dev.servercore.example.game.GameServerApplication \
		--servercore.port="$TY_PORT" --server.port=0 --servercore.io.transport="$TRANSPORT" \
		--servercore.framing=length-prefixed --servercore.packet.id-field-bytes=2 > "$OUT/typed.log" 2>&1 &
	TY_PID=$!
	wait_for_line "$OUT/lp.log" "servercore started on" "$LP_PID" 120
	wait_for_line "$OUT/typed.log" "servercore started on" "$TY_PID" 120
	LP_DESC=$(grep -o "servercore started on.*" "$OUT/lp.log" | head -1)
	TY_DESC=$(grep -o "servercore started on.*" "$OUT/typed.log" | head -1)
}

if section messages || section held; then
	start_servers ""
	log "$SC_DESC"
	log "$BL_DESC"
fi
if section messages && [ "$NATIVE" = 1 ]; then
	start_native
	log "$NA_DESC"
fi

{
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "transport=$TRANSPORT"
	echo "client_transport=$CLIENT_TRANSPORT"
	echo "pinning=$PINNING"
	echo "servercore=$SC_DESC"
	echo "baseline=$BL_DESC"
	echo "native=$NA_DESC"
	echo "duration=$DURATION"
	echo "warmup=$WARMUP"
	echo "rounds=$ROUNDS"
	echo "held_rounds=$HELD_ROUNDS"
	echo "sessions=$SESSIONS"
	echo "open_rate=$OPEN_RATE"
	echo "hold=$HOLD"
	echo "sections=$SECTIONS"
	echo "machine=$(nproc) CPUs, $(uname -sr), $(java -version 2>&1 | head -1)"
	echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/run.properties"

server_pid() { case $1 in servercore) echo "$SC_PID" ;; baseline) echo "$BL_PID" ;; native) echo "$NA_PID" ;; lp) echo "$LP_PID" ;; typed) echo "$TY_PID" ;; esac; }
server_port() { case $1 in servercore) echo "$SC_PORT" ;; baseline) echo "$BL_PORT" ;; native) echo "$NATIVE_PORT" ;; lp) echo "$LP_PORT" ;; typed) echo "$TY_PORT" ;; esac; }
# What the load client must send to each server: its framing and, for the typed server, an Echo message.
server_args() {
	case $1 in
		lp) echo "--framing length-prefixed" ;;
		typed) echo "--framing length-prefixed --id-field-bytes 2 --message-id 100 --protobuf-bytes-field" ;;
	esac
}

# Waits until the server has no established connection left from the previous run.
wait_drained() {
	local port=$1 deadline=$(( $(date +%s) + 30 ))
	if ! command -v ss > /dev/null; then
		sleep 2
		return
	fi
	while [ "$(ss -Htn state established "( sport = :$port )" | wc -l)" -gt 0 ] && [ "$(date +%s)" -lt "$deadline" ]; do
		sleep 0.2
	done
}

client() { # server load-name round args...
	local server=$1 load=$2 round=$3
	shift 3
	local base="$OUT/$load-$server-$round" status=0
	# shellcheck disable=SC2046
	"${PIN_CLIENT[@]}" java -jar "$JAR" bench --port "$(server_port "$server")" --transport "$CLIENT_TRANSPORT" \
		--server-pid "$(server_pid "$server")" --json "$base.json" --hgrm "$base.hgrm" $(server_args "$server") \
		"$@" > "$base.txt" 2>&1 || status=$?
	echo "$status" > "$base.status"
	log "$(printf '%-9s %-10s #%d  %s  (exit %d)' "$load" "$server" "$round" \
		"$(grep -E '^  (messages|sessions) ' "$base.txt" | sed 's/^ *//;s/  */ /g')" "$status")"
}

cpu_ticks() { awk '{ split(substr($0, index($0, ")") + 2), f, " "); print f[12] + f[13] }' "/proc/$1/stat"; }

# Warm servers up with some traffic, then wait until their JIT compilers have gone quiet: right after
# start-up a Spring Boot JVM on one CPU spends seconds compiling, which would be charged to the first load.
warm_up() { # servers...
	for server in "$@"; do
		pid=$(server_pid "$server")
		log "warming up $server"
		for warm in "--pipeline 16 --connections 100" "--mode stream --connections 4 --size 16KiB"; do
			# shellcheck disable=SC2086,SC2046
			"${PIN_CLIENT[@]}" java -jar "$JAR" bench --port "$(server_port "$server")" --transport "$CLIENT_TRANSPORT" \
				$(server_args "$server") $warm --warmup 0s --duration "${SETTLE_TRAFFIC:-5s}" --no-progress \
				> "$OUT/warmup-$server.txt" 2>&1 || true
		done
		deadline=$(( $(date +%s) + 60 ))
		while [ "$(date +%s)" -lt "$deadline" ]; do
			before=$(cpu_ticks "$pid")
			sleep 1
			# Below 3% of a CPU while idle: compilation is done.
			[ $(( $(cpu_ticks "$pid") - before )) -le 3 ] && break
		done
	done
}

run_loads() { # "servers in turn" loads...
	local servers=$1
	shift
	for entry in "$@"; do
		load=${entry%%|*}
		read -r -a args <<< "${entry#*|}"
		for round in $(seq 1 "$ROUNDS"); do
			for server in $servers; do
				wait_drained "$(server_port "$server")"
				client "$server" "$load" "$round" "${args[@]}" --warmup "$WARMUP" --duration "$DURATION"
			done
		done
	done
}

if section messages; then
	warm_up servercore baseline
fi

LOADS=(
	"pp1|--mode ping-pong --connections 1 --size 64"
	"pp100|--mode ping-pong --connections 100 --size 64"
	"pipe100|--mode pipelined --connections 100 --pipeline 16 --size 64"
	"stream4|--mode stream --connections 4 --size 16KiB"
)
# ONLY="stream4 pp1": just these message loads.
if [ -n "${ONLY:-}" ]; then
	selected=()
	for load in "${LOADS[@]}"; do
		[[ " $ONLY " == *" ${load%%|*} "* ]] && selected+=("$load")
	done
	LOADS=("${selected[@]}")
fi
if section messages; then
	run_loads "servercore baseline $( [ "$NATIVE" = 1 ] && echo native )" "${LOADS[@]}"
	if [ -n "$NA_PID" ]; then
		kill "$NA_PID" 2> /dev/null || true
		wait "$NA_PID" 2> /dev/null || true
		NA_PID=
	fi
fi

# Held sessions, on freshly started servers for every round: live heap (a class histogram forces a full GC
# and counts live objects only) and resident memory, before and while the client holds the sessions. Fresh
# servers, because after thousands of sessions close the buffer pools keep their bookkeeping for a while,
# which would shift the next round's starting point. The heap is touched at start (AlwaysPreTouch), so that
# resident memory grows with what the sessions keep, not with the first use of the young generation.
heap_live() { jcmd "$1" GC.class_histogram > "$2" 2>&1 && awk '/^Total/ { print $3 }' "$2"; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
section held || HELD_ROUNDS=0
for round in $(seq 1 "$HELD_ROUNDS"); do
	stop_servers
	start_servers "-held-$round" "-XX:+AlwaysPreTouch"
	for server in servercore baseline; do
		pid=$(server_pid "$server")
		base="$OUT/held-$server-$round"
		heap_before=$(heap_live "$pid" "$base.histo-before")
		rss_before=$(rss_kib "$pid")
		"${PIN_CLIENT[@]}" java -jar "$JAR" bench --port "$(server_port "$server")" --transport "$CLIENT_TRANSPORT" \
			--mode connect --connections "$SESSIONS" --rate "$OPEN_RATE" --duration "$HOLD" \
			--bind 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5 --server-pid "$pid" \
			--json "$base.json" --hgrm "$base.hgrm" > "$base.txt" 2>&1 &
		client_pid=$!
		wait_for_line "$base.txt" "^holding " "$client_pid" 120
		heap_after=$(heap_live "$pid" "$base.histo-after")
		rss_after=$(rss_kib "$pid")
		held=$(awk '/^holding / { print $2 }' "$base.txt")
		status=0
		wait "$client_pid" || status=$?
		echo "$status" > "$base.status"
		printf 'heap_before=%s\nheap_after=%s\nrss_before_kib=%s\nrss_after_kib=%s\nheld=%s\n' \
			"$heap_before" "$heap_after" "$rss_before" "$rss_after" "$held" > "$base.mem"
		log "$(printf '%-9s %-10s #%d  %s sessions held, live heap +%s B, RSS +%s KiB  (exit %d)' held "$server" \
			"$round" "$held" $(( heap_after - heap_before )) $(( rss_after - rss_before )) "$status")"
	done
done
stop_servers

if section typed; then
	start_typed_servers
	log "$LP_DESC"
	log "$TY_DESC"
	echo "typed_servers=$LP_DESC; typed game server: $TY_DESC" >> "$OUT/run.properties"
	warm_up lp typed
	run_loads "typed lp" \
		"pp100|--mode ping-pong --connections 100 --size 64" \
		"pipe100|--mode pipelined --connections 100 --pipeline 16 --size 64"
	kill "$LP_PID" "$TY_PID" 2> /dev/null || true
	wait "$LP_PID" "$TY_PID" 2> /dev/null || true
	LP_PID=
	TY_PID=
fi
if section fanout; then
	# Fan-out: servercore's chat on line framing (no baseline has rooms). Every member of a room receives every
	# line said there; the client measures send-to-receipt latency and checks loss, duplicates and order.
	log "starting servercore with the chat handler"
	"${PIN_SERVER[@]}" java $SERVER_JAVA_OPTS -jar "$JAR" --servercore.port="$SC_PORT" --server.port=0 \
		--servercore.io.transport="$TRANSPORT" --servercore.handler=chat --servercore.framing=line \
		> "$OUT/servercore-chat.log" 2>&1 &
	SC_PID=$!
	wait_for_line "$OUT/servercore-chat.log" "servercore started on" "$SC_PID" 120
	FANOUTS=(
		"fan100x10|--connections 100 --rooms 10 --rate ${FANOUT_RATE_SMALL:-500}"
		"fan1000x1|--connections 1000 --rooms 1 --rate ${FANOUT_RATE_LARGE:-10}"
	)
	for entry in "${FANOUTS[@]}"; do
		load=${entry%%|*}
		read -r -a args <<< "${entry#*|}"
		status=0
		# shellcheck disable=SC2086
		"${PIN_CLIENT[@]}" java -jar "$JAR" bench --mode fanout --port "$SC_PORT" --transport "$CLIENT_TRANSPORT" \
			"${args[@]}" --warmup "$WARMUP" --duration "$DURATION" > "$OUT/fanout-$load.txt" 2>&1 || status=$?
		log "$(printf '%-9s %s  (exit %d)' "$load" "$(grep -E '^  (delivered|latency)' "$OUT/fanout-$load.txt" \
			| sed 's/^ *//;s/  */ /g' | paste -sd ' ')" "$status")"
	done
	kill "$SC_PID" 2> /dev/null || true
	wait "$SC_PID" 2> /dev/null || true
fi

if section tls; then
	tls_section
fi

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/run.properties"
echo "elapsed_s=$(( $(date +%s) - started ))" >> "$OUT/run.properties"
{
	java -cp "$CP" dev.servercore.bench.BenchReport "$OUT"
	section fanout || exit 0
	echo
	echo "Fan-out (servercore chat, line framing; delivery latency from send to each member's receipt):"
	echo
	echo '| load | delivered/s | p50 | p99 | lost / dup+reordered |'
	echo '| --- | --- | --- | --- | --- |'
	for load in fan100x10 fan1000x1; do
		f="$OUT/fanout-$load.txt"
		awk -v load="$load" '
			/^  delivered/ { rate = $2 }
			/^  latency/ { p50 = $3 " " $4; p99 = $6 " " $7 }
			/^  checks/ { lost = $4; dup = $6 }
			END { printf "| %s | %s | %s | %s | %s / %s |\n", load, rate, p50, p99, lost, dup }' "$f"
	done
} | tee "$OUT/report.md"
if section tls; then
	cat "$OUT/tls/report.md" >> "$OUT/report.md"
fi
log "results in $OUT"
