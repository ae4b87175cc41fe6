#!/usr/bin/env bash
# Junction alone, started once per variant, with the same load against each, for choices that only a run shows:
#
#   bench/scripts/variants.sh gc [--skip-build] [--keep] [VARIANT...]
#       VARIANT: g1 (the JDK's default pause target), g1-10ms (-XX:MaxGCPauseMillis=10), zgc, shenandoah; all four
#       by default. Per variant: MQTT QoS 1, one publisher to one subscriber, QOS1 (2,700,000: about 60 s at full
#       rate on 2 cores) messages, a fifth more before them to compile the code, then IDLE (10,000) idle connections opened 200
#       at a time. For each phase: deliveries/s (or connects/s), the longest and 99th-percentile GC pause and the
#       longest safepoint (what the application threads were stopped for, time to reach it included), broker RSS.
#   bench/scripts/variants.sh fsync [--skip-build] [--keep]
#       storage.fsync = always and never, ROUNDS (2) times each, alternating: MQTT QoS 1 one to one with persistent
#       sessions (the subscriber's messages are stored), and PerfTest with persistent messages, a durable queue,
#       confirms (100 outstanding) and manual acks (prefetch 200). Deliveries/s, broker CPU per message, fsyncs.
#
# Environment: HEAP (default: the systemd unit's -Xms256m -Xmx2g), QOS1, IDLE, ROUNDS, MQTT_PERSISTENT and
# AMQP_PERSISTENT (message counts of the fsync runs).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/scripts/lib.sh
source "$ROOT/bench/scripts/lib.sh"
SUITE=${1:?usage: $0 gc|fsync [--skip-build] [--keep] [VARIANT...]}
shift
BUILD=1 KEEP=0 VARIANTS=()
for arg in "$@"; do
    case "$arg" in
        --skip-build) BUILD=0 ;;
        --keep) KEEP=1 ;;
        g1|g1-10ms|zgc|shenandoah) VARIANTS+=("$arg") ;;
        *) echo "unknown option: $arg (see the header of $0)" >&2; exit 64 ;;
    esac
done
case "$SUITE" in
    gc) [ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(g1 g1-10ms zgc shenandoah) ;;
    fsync) VARIANTS=() ; for _ in $(seq "${ROUNDS:-2}"); do VARIANTS+=(always never); done ;;
    *) echo "suite must be gc or fsync" >&2; exit 64 ;;
esac

HEAP=${HEAP:--Xms256m -Xmx2g}
QOS1=${QOS1:-2700000} IDLE=${IDLE:-10000}
MQTT_PERSISTENT=${MQTT_PERSISTENT:-100000} AMQP_PERSISTENT=${AMQP_PERSISTENT:-100000}
WORK=$(mktemp -d /tmp/junction-variants.XXXXXX)
BENCH_JAR=$ROOT/bench/target/benchmarks.jar
JUNCTION_JAR=$ROOT/broker-server/target/junction.jar
J_MQTT=43883 J_AMQP=47672 J_HTTP=47673
ulimit -n "$(ulimit -Hn)"


J_PID=
cleanup() {
    set +e
    stop_junction
    if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

collector_flags() {
    case "$1" in
        g1) echo "-XX:+UseG1GC" ;;
        g1-10ms) echo "-XX:+UseG1GC -XX:MaxGCPauseMillis=10" ;;
        zgc) echo "-XX:+UseZGC" ;;
        shenandoah) echo "-XX:+UseShenandoahGC" ;;
    esac
}

start_junction() {  # name jvm-flags junction-args...
    local name=$1 flags=$2
    rm -rf "$WORK/data"
    # shellcheck disable=SC2086 # the flags are a word list on purpose
    java $HEAP $flags -XX:+ExitOnOutOfMemoryError "-Xlog:gc*,safepoint:file=$WORK/gc-$name.log:uptime,level,tags" \
        -jar "$JUNCTION_JAR" --set data.dir="$WORK/data" --set bind=127.0.0.1 --set mqtt.port=$J_MQTT \
        --set amqp.port=$J_AMQP --set http.port=$J_HTTP --set log.level=WARN "${@:3}" > "$WORK/junction-$name.log" 2>&1 &
    J_PID=$!
    wait_for_port $J_MQTT 60 && wait_for_port $J_AMQP 10
    log "Junction ($name: $HEAP $flags ${*:3}) pid $J_PID, load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

stop_junction() {
    [ -n "$J_PID" ] || return 0
    kill "$J_PID" 2>/dev/null
    timeout 40 tail --pid="$J_PID" -f /dev/null 2>/dev/null || kill -9 "$J_PID" 2>/dev/null
    J_PID=
}

mqtt_load() {  # MqttLoad arguments; prints its RESULT lines
    java -cp "$BENCH_JAR" dev.junction.bench.mqtt.MqttLoad --port $J_MQTT --broker-pid "$J_PID" "$@" \
        2>> "$WORK/generator.log" | grep '^RESULT' || true
}

field() {  # key line
    sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"
}

# The GC pauses and safepoints logged after a line number of a log: count, longest, 99th percentile (ms).
pauses() {  # log first-line
    local safepoint
    safepoint=$(tail -n +"$2" "$1" | sed -n 's/.*\[safepoint *\].*Total: \([0-9]*\) ns.*/\1/p' \
        | awk '$1 > max { max = $1 } END { printf "%.2f", max / 1e6 }')
    tail -n +"$2" "$1" | grep -v -e '\[safepoint' -e '\[gc,stats' | sed -n 's/.* Pause .* \([0-9.]*\)ms$/\1/p' | sort -n \
        | awk -v sp="$safepoint" '{ p[++n] = $1 }
              END { i = int(n * 0.99); if (i < 1) i = 1
                    printf "pauses=%d max_pause_ms=%.2f p99_pause_ms=%.2f max_safepoint_ms=%s", n, p[n], p[i], sp }'
}

gc_variant() {  # name
    local name=$1 gclog=$WORK/gc-$1.log mark result
    start_junction "$name" "$(collector_flags "$name")"
    # MqttLoad runs a fifth of the messages first (unmeasured, for the JIT): the GC log counts from there.
    mark=$(( $(wc -l < "$gclog") + 1 ))
    result=$(mqtt_load --seconds 150 --run qos1="$QOS1")
    echo "$name qos1 $(field msgs_per_s "$result") msg/s seconds=$(field seconds "$result")" \
        "complete=$(field complete "$result") broker_cpu_us_per_msg=$(field broker_cpu_us_per_msg "$result")" \
        "$(pauses "$gclog" "$mark") rss_mb=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$J_PID/status")" \
        "load=$(cut -d' ' -f1 /proc/loadavg)"
    mark=$(( $(wc -l < "$gclog") + 1 ))
    result=$(mqtt_load --seconds 120 --connect-concurrency 200 --run idle="$IDLE")
    echo "$name idle connected=$(field connected "$result") connects_per_s=$(field connects_per_s "$result")" \
        "$(pauses "$gclog" "$mark") rss_mb=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$J_PID/status")" \
        "bytes_per_conn=$(field broker_bytes_per_conn "$result") load=$(cut -d' ' -f1 /proc/loadavg)"
    stop_junction
}

fsyncs() {
    curl -s "http://127.0.0.1:$J_HTTP/metrics" | awk '/^junction_storage_fsyncs_total/ { printf "%d", $2 }'
}

fsync_variant() {  # always|never
    local name=$1 result cpu0 out received seconds fsyncs0
    start_junction "$name" "-XX:+UseG1GC" --set storage.fsync="$name"
    mqtt_load --seconds 30 --run qos1=20000 --persistent-sessions > /dev/null   # compiles the code
    fsyncs0=$(fsyncs)
    result=$(mqtt_load --seconds 120 --run qos1="$MQTT_PERSISTENT" --persistent-sessions)
    echo "$name mqtt-qos1-persistent $(field msgs_per_s "$result") msg/s complete=$(field complete "$result")" \
        "broker_cpu_us_per_msg=$(field broker_cpu_us_per_msg "$result")" \
        "fsyncs_per_msg=$(awk -v f=$(( $(fsyncs) - fsyncs0 )) -v n="$MQTT_PERSISTENT" 'BEGIN { printf "%.3f", f / n }')" \
        "load=$(cut -d' ' -f1 /proc/loadavg)"
    out=$WORK/perftest-$name-$SECONDS.log
    cpu0=$(cpu_ms "$J_PID") fsyncs0=$(fsyncs)
    timeout 300 java -cp "$BENCH_JAR" com.rabbitmq.perf.PerfTest -h "amqp://guest:guest@127.0.0.1:$J_AMQP" \
        -s 64 -x 1 -y 1 -f persistent -c 100 -q 200 -u variants-durable -ad false \
        -C "$AMQP_PERSISTENT" -D "$AMQP_PERSISTENT" -z 120 > "$out" 2>&1 || true
    received=$(sed -n 's/.*receiving rate avg: \([0-9]*\) msg\/s.*/\1/p' "$out")
    seconds=$(sed -n 's/.*, time \([0-9.]*\) s,.*/\1/p' "$out" | tail -1)
    echo "$name amqp-persistent ${received:-FAILED} msg/s broker_cpu_us_per_msg=$(awk -v ms=$(( $(cpu_ms "$J_PID") - cpu0 )) \
        -v r="${received:-0}" -v s="${seconds:-0}" 'BEGIN { if (r * s > 0) printf "%.2f", ms * 1000 / (r * s) }')" \
        "fsyncs_per_msg=$(awk -v f=$(( $(fsyncs) - fsyncs0 )) -v n="$AMQP_PERSISTENT" 'BEGIN { printf "%.3f", f / n }')" \
        "load=$(cut -d' ' -f1 /proc/loadavg)"
    stop_junction
}

if [ "$BUILD" = 1 ]; then
    log "building (mvn package, tests skipped)"
    (cd "$ROOT" && mvn -B -q -o -DskipTests package)
fi
echo "Junction variants ($SUITE) on $(nproc) cores, $(java -version 2>&1 | head -1), heap $HEAP"
for variant in "${VARIANTS[@]}"; do
    "${SUITE}_variant" "$variant"
done
