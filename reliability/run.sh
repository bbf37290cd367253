#!/usr/bin/env bash
# servercore's reliability suite: hostile clients against the fat jar, on loopback, each scenario bounded in
# time, a well-behaved control client beside them, and checks after each (sessions = live connections, no
# leaked buffer, heap / direct memory / descriptors back to the baseline, health UP). Prints one summary that
# ends in PASS or FAIL (exit status 0 or 1).
#
#   reliability/run.sh                         every scenario at full size, soak 10 minutes (about 27 minutes)
#   reliability/run.sh --quick                 a tenth of the sizes, shorter runs, soak 1 minute (about 15 minutes)
#   reliability/run.sh slowloris headers       only these scenarios
#   reliability/run.sh soak --minutes 30       a longer soak
#
# Scenarios: scale memory partial reset slowloris headers flood random throw sigterm soak.
# Options: --quick, --scale F (sizes times F), --minutes M (soak), --transport auto|io_uring|epoll|nio (servers
# of every scenario but reset, which runs all three), --leak-detection LEVEL (paranoid), --out DIR
# (target/reliability/<date>), --senders 1000,2000 (the memory attack's sizes; 100,500,1000,2000),
# --no-build (use the jar as it is).
# Needs Java 17 (a JDK: javac, jar, jcmd) and Linux (/proc); nothing else. Results: <out>/summary.txt,
# results.txt, every process's log, soak.csv and soak.png.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
args=()
for arg in "$@"; do
	if [ "$arg" = "--no-build" ]; then build=0; else args+=("$arg"); fi
done

# The runnable fat jar: servercore-exec.jar beside the plain library jar, or servercore.jar in older builds.
fat_jar() {
	for jar in target/servercore-exec.jar target/servercore.jar; do
		if [ -f "$jar" ] && jar tf "$jar" | grep -q '^BOOT-INF/lib/'; then
			echo "$jar"
			return
		fi
	done
}
if [ "$build" = 1 ] || [ -z "$(fat_jar)" ]; then
	echo "building the jar (tests skipped)"
	./mvnw -B -q package -DskipTests
fi
JAR=$(fat_jar)
WORK=target/reliability/build

# The suite and its test handler compile against the jar's own classes and libraries.
rm -rf "$WORK"
mkdir -p "$WORK/exploded" "$WORK/suite" "$WORK/handler"
(cd "$WORK/exploded" && jar xf "../../../../$JAR" BOOT-INF)
javac -nowarn -d "$WORK/handler" -cp "$WORK/exploded/BOOT-INF/classes:$WORK/exploded/BOOT-INF/lib/*" \
	$(find reliability/handler -name '*.java')
cp -r reliability/handler/META-INF "$WORK/handler/"
javac -nowarn -d "$WORK/suite" $(find reliability/src -name '*.java')

# Every held session is a descriptor in the server and one in a client process.
hard=$(ulimit -Hn)
ulimit -n "$hard"

exec java -cp "$WORK/suite" dev.servercore.reliability.Suite --jar "$JAR" --handler "$WORK/handler" \
	--fd-limit "$(ulimit -n)" "${args[@]}"
