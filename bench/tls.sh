# The tls section of bench/run.sh (sourced by it; SECTIONS=tls bench/run.sh runs it alone): what TLS costs.
#
# Three servers on the same transport, each pinned like the others: servercore with TLS (a PEM SSL bundle),
# servercore in plaintext, and a bare Reactor Netty TLS echo (BaselineEchoServer --tls-cert, same engine). Two
# loads, ROUNDS rounds each, servers in turn: ping-pong with 100 connections (64 B), and streaming 16 KiB chunks
# over 4 connections. The certificates (a CA and a localhost certificate, EC P-256) are made here with openssl
# and live under $OUT/tls/cert only. Settings: TLS_SC_PORT (17750), TLS_PLAIN_PORT (17751), TLS_BL_PORT (17752).
# Needs from run.sh: JAR, CP, OUT, TRANSPORT, CLIENT_TRANSPORT, WARMUP, DURATION, ROUNDS, SERVER_JAVA_OPTS,
# PIN_SERVER, PIN_CLIENT, log, wait_for_line, wait_drained, cpu_ticks.

TLS_SC_PORT="${TLS_SC_PORT:-17750}"
TLS_PLAIN_PORT="${TLS_PLAIN_PORT:-17751}"
TLS_BL_PORT="${TLS_BL_PORT:-17752}"
TLS_PIDS=()

tls_port() { case $1 in sc-tls) echo "$TLS_SC_PORT" ;; sc-plain) echo "$TLS_PLAIN_PORT" ;; bl-tls) echo "$TLS_BL_PORT" ;; esac; }
tls_pid() { case $1 in sc-tls) echo "${TLS_PIDS[0]}" ;; sc-plain) echo "${TLS_PIDS[1]}" ;; bl-tls) echo "${TLS_PIDS[2]}" ;; esac; }
tls_client_args() { case $1 in sc-plain) ;; *) echo "--tls-ca $OUT/tls/cert/ca.crt" ;; esac; }

tls_certificates() {
	local cert="$OUT/tls/cert"
	mkdir -p "$cert"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=servercore bench CA" -keyout "$cert/ca.key" -out "$cert/ca.crt" 2> /dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
		-keyout "$cert/tls.key" -out "$cert/tls.csr" 2> /dev/null
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$cert/san.ext"
	openssl x509 -req -in "$cert/tls.csr" -CA "$cert/ca.crt" -CAkey "$cert/ca.key" -CAcreateserial -days 2 \
		-extfile "$cert/san.ext" -out "$cert/tls.crt" 2> /dev/null
}

tls_start_servers() {
	local cert="$OUT/tls/cert"
	log "tls: starting servercore with TLS, servercore plaintext and a bare Reactor Netty TLS echo ($TRANSPORT)"
	# shellcheck disable=SC2086
	"${PIN_SERVER[@]}" java $SERVER_JAVA_OPTS -jar "$JAR" --servercore.port="$TLS_SC_PORT" --server.port=0 \
		--servercore.io.transport="$TRANSPORT" --servercore.ssl.bundle=bench \
		--spring.ssl.bundle.pem.bench.keystore.certificate="file:$cert/tls.crt" \
		--spring.ssl.bundle.pem.bench.keystore.private-key="file:$cert/tls.key" > "$OUT/tls/sc-tls.log" 2>&1 &
	TLS_PIDS[0]=$!
	# shellcheck disable=SC2086
	"${PIN_SERVER[@]}" java $SERVER_JAVA_OPTS -jar "$JAR" --servercore.port="$TLS_PLAIN_PORT" --server.port=0 \
		--servercore.io.transport="$TRANSPORT" > "$OUT/tls/sc-plain.log" 2>&1 &
	TLS_PIDS[1]=$!
	# shellcheck disable=SC2086
	"${PIN_SERVER[@]}" java $SERVER_JAVA_OPTS -cp "$CP" dev.servercore.bench.BaselineEchoServer --port "$TLS_BL_PORT" \
		--transport "$TRANSPORT" --tls-cert "$cert/tls.crt" --tls-key "$cert/tls.key" > "$OUT/tls/bl-tls.log" 2>&1 &
	TLS_PIDS[2]=$!
	wait_for_line "$OUT/tls/sc-tls.log" "servercore started on" "${TLS_PIDS[0]}" 120
	wait_for_line "$OUT/tls/sc-plain.log" "servercore started on" "${TLS_PIDS[1]}" 120
	wait_for_line "$OUT/tls/bl-tls.log" "baseline listening on" "${TLS_PIDS[2]}" 60
	for server in sc-tls sc-plain bl-tls; do
		log "tls: $(grep -o -E '(servercore started on|baseline listening on).*' "$OUT/tls/$server.log" | head -1)"
	done
}

tls_stop_servers() {
	kill "${TLS_PIDS[@]}" 2> /dev/null || true
	wait "${TLS_PIDS[@]}" 2> /dev/null || true
	TLS_PIDS=()
}

tls_client() { # server load round args...
	local server=$1 load=$2 round=$3 status=0
	shift 3
	local base="$OUT/tls/$load-$server-$round"
	# shellcheck disable=SC2046
	"${PIN_CLIENT[@]}" java -jar "$JAR" bench --port "$(tls_port "$server")" --transport "$CLIENT_TRANSPORT" \
		--server-pid "$(tls_pid "$server")" --json "$base.json" $(tls_client_args "$server") "$@" \
		> "$base.txt" 2>&1 || status=$?
	log "$(printf 'tls %-10s %-9s #%d  %s  (exit %d)' "$load" "$server" "$round" \
		"$(grep -E '^  messages ' "$base.txt" | sed 's/^ *//;s/  */ /g')" "$status")"
}

tls_warm_up() {
	for server in sc-tls sc-plain bl-tls; do
		log "tls: warming up $server"
		for warm in "--connections 100" "--mode stream --connections 4 --size 16KiB"; do
			# shellcheck disable=SC2046,SC2086
			"${PIN_CLIENT[@]}" java -jar "$JAR" bench --port "$(tls_port "$server")" --transport "$CLIENT_TRANSPORT" \
				$(tls_client_args "$server") $warm --warmup 0s --duration "${SETTLE_TRAFFIC:-5s}" --no-progress \
				> "$OUT/tls/warmup-$server.txt" 2>&1 || true
		done
		local pid deadline before
		pid=$(tls_pid "$server")
		deadline=$(( $(date +%s) + 60 ))
		while [ "$(date +%s)" -lt "$deadline" ]; do
			before=$(cpu_ticks "$pid")
			sleep 1
			[ $(( $(cpu_ticks "$pid") - before )) -le 3 ] && break
		done
	done
}

tls_section() {
	if ! command -v openssl > /dev/null; then
		log "tls: skipped, openssl is needed to make the certificates"
		return
	fi
	mkdir -p "$OUT/tls"
	tls_certificates
	tls_start_servers
	tls_warm_up
	local loads=("pp100|--mode ping-pong --connections 100 --size 64" "stream16k|--mode stream --connections 4 --size 16KiB")
	for entry in "${loads[@]}"; do
		local load=${entry%%|*}
		read -r -a args <<< "${entry#*|}"
		for round in $(seq 1 "$ROUNDS"); do
			for server in sc-tls sc-plain bl-tls; do
				wait_drained "$(tls_port "$server")"
				tls_client "$server" "$load" "$round" "${args[@]}" --warmup "$WARMUP" --duration "$DURATION" --no-progress
			done
		done
	done
	tls_stop_servers
	tls_report | tee "$OUT/tls/report.md"
}

# The median of a JSON field over the rounds of one load and server.
tls_median() { # load server field
	for f in "$OUT/tls/$1-$2-"*.json; do
		[ -f "$f" ] && sed -n "s/^ *\"$3\": *\([-0-9.eE]*\),*$/\1/p" "$f"
	done | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

tls_report() {
	echo
	echo "TLS cost (medians of $ROUNDS rounds; server CPU is seconds per million messages):"
	echo
	echo '| load | server | msgs/s | MB/s | p50 us | p99 us | server CPU s/M |'
	echo '| --- | --- | --- | --- | --- | --- | --- |'
	for load in pp100 stream16k; do
		for server in sc-tls sc-plain bl-tls; do
			case $server in sc-tls) name="servercore TLS" ;; sc-plain) name="servercore plaintext" ;; bl-tls) name="Reactor Netty TLS" ;; esac
			printf '| %s | %s | %.0f | %.1f | %.0f | %.0f | %.2f |\n' "$load" "$name" \
				"$(tls_median "$load" "$server" msgs_per_s)" "$(tls_median "$load" "$server" mb_per_s)" \
				"$(tls_median "$load" "$server" latency_p50_us)" "$(tls_median "$load" "$server" latency_p99_us)" \
				"$(tls_median "$load" "$server" server_cpu_s_per_million)"
		done
	done
}
