#!/usr/bin/env bash
# How long an idle servercore takes to exit after SIGTERM: starts the fat jar on ephemeral ports with no
# session, waits for its start line, sends SIGTERM and prints the milliseconds until the process has exited.
#
#   ./mvnw -B package -DskipTests && bench/idle-exit.sh [rounds, default 5] [extra application arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/servercore.jar
ROUNDS=${1:-5}
shift || true
[ -f "$JAR" ] || { echo "build first: ./mvnw -B package -DskipTests" >&2; exit 1; }
for round in $(seq 1 "$ROUNDS"); do
	LOG=$(mktemp)
	java -jar "$JAR" --servercore.port=0 --server.port=0 "$@" >"$LOG" 2>&1 &
	PID=$!
	for _ in $(seq 1 600); do
		grep -q "servercore started" "$LOG" && break
		sleep 0.1
	done
	grep -q "servercore started" "$LOG" || { echo "not started:"; cat "$LOG"; kill "$PID"; exit 1; }
	sleep 1
	START=$(date +%s%N)
	kill -TERM "$PID"
	wait "$PID" || true
	END=$(date +%s%N)
	echo "round $round: exited $(( (END - START) / 1000000 )) ms after SIGTERM"
	rm -f "$LOG"
done
