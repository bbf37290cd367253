#!/usr/bin/env bash
# servercore's start-up time, by way of running it: the fat jar, the extracted jar with a CDS archive (Java 17),
# and the extracted jar with Java 25's AOT cache (the Dockerfile's way).
#
#   bench/startup.sh                       (5 starts of each way, interleaved; prints one Markdown table)
#
# For every start, bench/startup-probe.c (built here with cc) starts the command, polls every 2 ms, and
# records the time from process start to the first echoed line on the TCP port and to the first 200 from
# /actuator/health/readiness, and the server's CPU time at that moment (in all, on the main thread, in the JIT
# compilers); the script adds the "Started ServerCoreApplication in" line of the log and the 1-minute load
# average. Figures are the medians of the starts, min and max in brackets (load average: the median).
#
# Ways (METHODS):
#   plain      java -jar target/servercore-exec.jar                                  (the README's command)
#   extracted  java -jar servercore-exec.jar in the extracted folder, no archive     (what the archives start from)
#   cds        the Java 17 way: extracted jar, -XX:SharedArchiveFile from a training run
#              (-XX:ArchiveClassesAtExit with -Dspring.context.exit=onRefresh), JAVA_TOOL_OPTIONS as the chart sets them
#   aot25      the Dockerfile's command: Java 25, extracted jar, -XX:AOTCache from a training run (-XX:AOTCacheOutput,
#              same exit on refresh), JDK_JAVA_OPTIONS as the Dockerfile sets them (native access for Netty's
#              transport, sun.misc.Unsafe allowed) and JAVA_TOOL_OPTIONS as the chart sets them
#
# Settings, as environment variables:
#   RUNS (5), METHODS ("plain extracted cds aot25"), TCP_PORT (27400), HTTP_PORT (27401)
#   JAVA (java: Java 17), JAVA25 (/usr/lib/jvm/temurin-25-jdk-amd64/bin/java), OUT (target/startup/<date>)
#   JAVA_TOOL_OPTIONS_CHART ("-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"): what the Helm chart passes
#   SKIP_BUILD (unset): reuse target/servercore-exec.jar; PROBE_TIMEOUT_S (120): a start slower than that is
#   reported as failed and left out of the medians
set -euo pipefail

RUNS="${RUNS:-5}"
METHODS="${METHODS:-plain extracted cds aot25}"
TCP_PORT="${TCP_PORT:-27400}"
HTTP_PORT="${HTTP_PORT:-27401}"
JAVA="${JAVA:-java}"
JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAVA_TOOL_OPTIONS_CHART="${JAVA_TOOL_OPTIONS_CHART:--XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError}"
JDK_JAVA_OPTIONS_25="${JDK_JAVA_OPTIONS_25:---enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow}"

cd "$(dirname "$0")/.."
OUT="${OUT:-target/startup/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT" target/bench
# Absolute: the starts run from other folders.
OUT=$(cd "$OUT" && pwd)
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS

if [ -z "${SKIP_BUILD:-}" ] || [ ! -f target/servercore-exec.jar ]; then
	echo "building (tests skipped)"
	./mvnw -B -q package -DskipTests
fi
cc -O2 -o target/bench/startup-probe bench/startup-probe.c
# The probe would time whatever answers there: the ports must be free.
if command -v ss > /dev/null && ss -Hltn | awk '{ print $4 }' | grep -Eq ":($TCP_PORT|$HTTP_PORT)\$"; then
	echo "port $TCP_PORT or $HTTP_PORT is in use: set TCP_PORT and HTTP_PORT to free ports" >&2
	exit 1
fi
PROBE="$PWD/target/bench/startup-probe"
ARGS=(--servercore.port="$TCP_PORT" --server.port="$HTTP_PORT")

# The extracted jar, as the Dockerfile lays it out (servercore-exec.jar and lib/ in one folder).
EXTRACTED="$OUT/extracted"
rm -rf "$EXTRACTED"
"$JAVA" -Djarmode=tools -jar target/servercore-exec.jar extract --destination "$EXTRACTED" > /dev/null

# Training runs: start the application up to the end of the context refresh (nothing is bound or started),
# and write the classes it loaded into an archive.
if [[ " $METHODS " == *" cds "* ]]; then
	echo "CDS training run (Java 17)"
	(cd "$EXTRACTED" && JAVA_TOOL_OPTIONS="$JAVA_TOOL_OPTIONS_CHART" "$JAVA" -XX:ArchiveClassesAtExit=application.jsa \
		-Dspring.context.exit=onRefresh -jar servercore-exec.jar "${ARGS[@]}" > "$PWD/../cds-training.log" 2>&1)
fi
if [[ " $METHODS " == *" aot25 "* ]]; then
	if [ -x "$JAVA25" ]; then
		echo "AOT cache training run (Java 25)"
		(cd "$EXTRACTED" && JDK_JAVA_OPTIONS="$JDK_JAVA_OPTIONS_25" JAVA_TOOL_OPTIONS="$JAVA_TOOL_OPTIONS_CHART" \
			"$JAVA25" -XX:AOTCacheOutput=application.aot -Dspring.context.exit=onRefresh \
			-jar servercore-exec.jar "${ARGS[@]}" > "$PWD/../aot-training.log" 2>&1)
	else
		echo "no Java 25 at $JAVA25: skipping aot25"
		METHODS="${METHODS/aot25/}"
	fi
fi

# One start: the probe's figures plus Spring Boot's own line, as key=value on one line.
start_once() { # method run
	local method=$1 log="$OUT/$1-$2.log" figures
	case $method in
		plain) figures=$("$PROBE" "$TCP_PORT" "$HTTP_PORT" "$log" "$JAVA" -jar target/servercore-exec.jar "${ARGS[@]}") || figures="" ;;
		extracted) figures=$(cd "$EXTRACTED" && "$PROBE" "$TCP_PORT" "$HTTP_PORT" "$log" "$JAVA" -jar servercore-exec.jar \
			"${ARGS[@]}") || figures="" ;;
		cds) figures=$(cd "$EXTRACTED" && JAVA_TOOL_OPTIONS="$JAVA_TOOL_OPTIONS_CHART" "$PROBE" "$TCP_PORT" "$HTTP_PORT" \
			"$log" "$JAVA" -XX:SharedArchiveFile=application.jsa -jar servercore-exec.jar "${ARGS[@]}") || figures="" ;;
		aot25) figures=$(cd "$EXTRACTED" && JDK_JAVA_OPTIONS="$JDK_JAVA_OPTIONS_25" JAVA_TOOL_OPTIONS="$JAVA_TOOL_OPTIONS_CHART" \
			"$PROBE" "$TCP_PORT" "$HTTP_PORT" "$log" "$JAVA25" -XX:AOTCache=application.aot -jar servercore-exec.jar \
			"${ARGS[@]}") || figures="" ;;
	esac
	if [ -z "$figures" ]; then
		echo "$method start $2 failed or timed out (see $log)" >&2
		return
	fi
	local started
	started=$(sed -n 's/.*Started ServerCoreApplication in \([0-9.]*\) seconds (process running for \([0-9.]*\)).*/started_s=\1 running_s=\2/p' "$log" | head -1)
	echo "$method $figures $started load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/starts.txt"
}

echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ) machine=$(nproc) CPUs, $(uname -sr), $("$JAVA" -version 2>&1 | head -1), $("$JAVA25" -version 2>&1 | head -1) load_before=$(cut -d' ' -f1-3 /proc/loadavg)" \
	| tee "$OUT/run.txt"
: > "$OUT/starts.txt"
for run in $(seq 1 "$RUNS"); do
	for method in $METHODS; do
		start_once "$method" "$run"
	done
done
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.txt"

# Median (min / max) of one figure over the starts of one way.
stat() { # method key scale [decimals]
	grep "^$1 " "$OUT/starts.txt" | tr ' ' '\n' | sed -n "s/^$2=//p" | sort -n | awk -v scale="$3" -v d="${4:-0}" '
		{ v[NR] = $1 * scale }
		END { if (NR == 0) { print "-"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			f = "%." d "f"; printf f " (" f " / " f ")", m, v[1], v[NR] }'
}
{
	echo
	echo "Start-up, median of $RUNS starts (min / max), milliseconds from process start ($(date -u +%Y-%m-%d), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)):"
	echo
	echo '| way | first echo | readiness 200 | "Started ... in" | JVM running at "Started" | server CPU until ready | of which main thread | of which JIT compilers | load average |'
	echo '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
	for method in $METHODS; do
		echo "| $method | $(stat "$method" first_echo_ms 1) | $(stat "$method" ready_ms 1) | $(stat "$method" started_s 1000) | $(stat "$method" running_s 1000) | $(stat "$method" cpu_ms 1) | $(stat "$method" main_cpu_ms 1) | $(stat "$method" jit_cpu_ms 1) | $(stat "$method" load 1 1 | cut -d' ' -f1) |"
	done
} | tee "$OUT/report.md"
echo "results in $OUT"
