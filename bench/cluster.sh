#!/usr/bin/env bash
# Two servercore nodes as one cluster over a local Redis: cross-node chat delivery latency and throughput, then
# the recovery time after a Redis restart.
#
#   bench/cluster.sh
#
# Starts redis-server (the one the embedded-redis test dependency carries, or REDIS_SERVER), two nodes running
# the chat (servercore.handler=chat, servercore.framing=line, servercore.cluster.enabled=true), and the load
# client's fanout mode with --ports: client i talks to node i mod 2, so in every room half the members are on
# the other node. The summary's "cross-node" line is the latency of the deliveries from one node to the other
# (through Redis); "latency" covers all deliveries. Then Redis is stopped for OUTAGE seconds and started again,
# and the script measures how long both nodes take to be connected and see each other again.
#
# Settings, as environment variables:
#   RATES ("200 1000")          lines said per second in all, one run each
#   CONNECTIONS (100), ROOMS (5: an odd count, so that every room has members on both nodes), DURATION (10s),
#   WARMUP (3s)
#   OUTAGE (3)                   seconds Redis is down before the restart
#   REDIS_PORT (16379), PORT1 (17401), PORT2 (17402), MGMT1 (18401), MGMT2 (18402)
#   REDIS_SERVER                 a redis-server binary (default: unpacked from the embedded-redis jar)
#   NODE_JAVA_OPTS (-Xmx256m)    options of each node's JVM
# Loopback only; about a minute with the defaults.
set -euo pipefail

RATES="${RATES:-200 1000}"
CONNECTIONS="${CONNECTIONS:-100}"
ROOMS="${ROOMS:-5}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-3s}"
OUTAGE="${OUTAGE:-3}"
REDIS_PORT="${REDIS_PORT:-16379}"
PORT1="${PORT1:-17401}"
PORT2="${PORT2:-17402}"
MGMT1="${MGMT1:-18401}"
MGMT2="${MGMT2:-18402}"
NODE_JAVA_OPTS="${NODE_JAVA_OPTS:--Xmx256m}"

cd "$(dirname "$0")/.."
OUT="${OUT:-target/bench/cluster-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
started=$(date +%s)
log() { printf '[%4ds] %s\n' $(( $(date +%s) - started )) "$*"; }
now_ms() { date +%s%3N; }

JAR=target/servercore-exec.jar
if [ ! -f "$JAR" ]; then
	log "building $JAR"
	./mvnw -B -q -DskipTests package
fi

if [ -z "${REDIS_SERVER:-}" ]; then
	EMBEDDED=$(ls ~/.m2/repository/com/github/codemonstur/embedded-redis/*/embedded-redis-*.jar 2>/dev/null | grep -v sources | tail -1 || true)
	if [ -z "$EMBEDDED" ]; then
		echo "no redis-server: run ./mvnw test-compile once (it fetches embedded-redis), or set REDIS_SERVER" >&2
		exit 1
	fi
	unzip -o -q -d "$OUT" "$EMBEDDED" redis-server-6.2.6-v5-linux-amd64
	REDIS_SERVER="$OUT/redis-server-6.2.6-v5-linux-amd64"
	chmod +x "$REDIS_SERVER"
fi

pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	[ -n "${redis_pid:-}" ] && kill "$redis_pid" 2>/dev/null || true
	wait 2>/dev/null || true
}
trap cleanup EXIT

start_redis() {
	"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >>"$OUT/redis.log" 2>&1 &
	redis_pid=$!
}

start_node() { # name port management-port
	java $NODE_JAVA_OPTS -jar "$JAR" --servercore.port="$2" --server.port="$3" --servercore.handler=chat \
		--servercore.framing=line --servercore.cluster.enabled=true --servercore.cluster.node-id="$1" \
		--spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$REDIS_PORT" \
		--management.endpoints.web.exposure.include=health,prometheus,cluster >"$OUT/$1.log" 2>&1 &
	pids+=($!)
}

# Both nodes connected to Redis and seeing two live nodes.
cluster_whole() {
	for port in "$MGMT1" "$MGMT2"; do
		body=$(curl -s "http://127.0.0.1:$port/actuator/health" || true)
		[[ "$body" == *'"redis":"connected"'* ]] || return 1
		[[ "$(grep -o '"liveNodes":\[[^]]*\]' <<<"$body" | tr -cd ',' | wc -c)" -ge 1 ]] || return 1
	done
}

wait_until() { # seconds command...
	local deadline=$(( $(date +%s) + $1 )); shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for: $*" >&2; return 1; }
		sleep 0.05
	done
}

log "redis-server on $REDIS_PORT; nodes on $PORT1 and $PORT2 (management $MGMT1, $MGMT2); output in $OUT"
start_redis
start_node n1 "$PORT1" "$MGMT1"
start_node n2 "$PORT2" "$MGMT2"
wait_until 300 cluster_whole
log "cluster up"

for rate in $RATES; do
	log "fanout: $CONNECTIONS clients in $ROOMS rooms over 2 nodes, $rate lines/s"
	java -jar "$JAR" bench --mode fanout --ports "$PORT1,$PORT2" --connections "$CONNECTIONS" --rooms "$ROOMS" \
		--rate "$rate" --duration "$DURATION" --warmup "$WARMUP" --no-progress | tee "$OUT/fanout-$rate.txt"
done

curl -s "http://127.0.0.1:$MGMT1/actuator/prometheus" | grep '^servercore_cluster_' | tee "$OUT/n1-cluster-meters.txt"

log "Redis restart: down for ${OUTAGE}s"
kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
sleep "$OUTAGE"
restart=$(now_ms)
start_redis
wait_until 60 cluster_whole
recovered=$(now_ms)
log "both nodes connected and registered again $(( recovered - restart )) ms after redis-server was started again"
echo "recovery_ms=$(( recovered - restart ))" >"$OUT/recovery.txt"
