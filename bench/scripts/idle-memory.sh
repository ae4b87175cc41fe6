#!/usr/bin/env bash
# What one idle connection costs Junction, by class: starts the broker jar alone with a fixed, pre-touched heap and
# native memory tracking, takes a class histogram (after a full GC), the NMT summary, RSS and the JVM's direct
# buffer use with no connection and again with N idle connections (MQTT: clean session, keep alive 0; AMQP: one
# channel, heartbeat 0), and prints the per-connection difference: heap by class, native memory by NMT category,
# RSS. With a pre-touched heap, RSS growth is what the connections cost outside the Java heap.
#
#   bench/scripts/idle-memory.sh mqtt|amqp [N] [--skip-build] [--keep] [--persistent] [--consumer]
#
#   --persistent  MQTT only: persistent sessions (clean session 0), each with its durable queue, instead of clean ones
#   --consumer    AMQP only: each connection also consumes from an exclusive queue of its own (issue #9's shape)
#
# Environment: JUNCTION_JVM_FLAGS adds JVM flags (e.g. -Dio.netty.allocator.type=pooled).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/scripts/lib.sh
source "$ROOT/bench/scripts/lib.sh"
PROTOCOL=${1:?usage: $0 mqtt|amqp [N] [--skip-build] [--keep]}
shift
N=10000 BUILD=1 KEEP=0 SESSIONS=() CONSUMER=()
for arg in "$@"; do
    case "$arg" in
        --skip-build) BUILD=0 ;;
        --keep) KEEP=1 ;;
        --persistent) SESSIONS=(--persistent-sessions) ;;
        --consumer) CONSUMER=(--consumer) ;;
        [0-9]*) N=$arg ;;
        *) echo "unknown option: $arg (see the header of $0)" >&2; exit 64 ;;
    esac
done
case "$PROTOCOL" in mqtt|amqp) ;; *) echo "protocol must be mqtt or amqp" >&2; exit 64 ;; esac

WORK=$(mktemp -d /tmp/junction-idle.XXXXXX)
BENCH_JAR=$ROOT/bench/target/benchmarks.jar
JUNCTION_JAR=$ROOT/broker-server/target/junction.jar
J_MQTT=42883 J_AMQP=46672 J_HTTP=46673
PORT=$([ "$PROTOCOL" = mqtt ] && echo $J_MQTT || echo $J_AMQP)
ulimit -n "$(ulimit -Hn)"


PIDS=()
cleanup() {
    set +e
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do timeout 30 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null; done
    if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

established() {
    ss -Htn state established "( sport = :$PORT )" | wc -l
}

snapshot() {  # name: histogram (its full GC first), NMT summary, RSS, direct buffers
    jcmd "$J_PID" GC.class_histogram > "$WORK/histo-$1.txt"
    jcmd "$J_PID" VM.native_memory summary > "$WORK/nmt-$1.txt"
    awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$J_PID/status" > "$WORK/rss-$1.txt"
}

if [ "$BUILD" = 1 ]; then
    log "building (mvn package, tests skipped)"
    (cd "$ROOT" && mvn -B -q -o -DskipTests package)
fi

# shellcheck disable=SC2086 # the flags are a word list on purpose
java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseG1GC -XX:NativeMemoryTracking=summary ${JUNCTION_JVM_FLAGS:-} \
    -jar "$JUNCTION_JAR" --set data.dir="$WORK/data" --set bind=127.0.0.1 --set mqtt.port=$J_MQTT \
    --set amqp.port=$J_AMQP --set http.port=$J_HTTP --set log.level=WARN > "$WORK/junction.log" 2>&1 &
J_PID=$!
PIDS+=("$J_PID")
wait_for_port $J_MQTT 60 && wait_for_port $J_AMQP 10
log "Junction pid $J_PID, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# A few connections first, so that the code paths, classes and per-thread caches one connection needs are loaded
# and warm in both snapshots and only what each connection holds is counted.
warm_up() {  # count
    if [ "$PROTOCOL" = mqtt ]; then
        java -cp "$BENCH_JAR" dev.junction.bench.mqtt.MqttLoad --port $J_MQTT "${SESSIONS[@]}" --run idle="$1" >/dev/null 2>&1
    else
        java -cp "$BENCH_JAR" dev.junction.bench.amqp.AmqpIdleConnections --uri "amqp://guest:guest@127.0.0.1:$J_AMQP" \
            --connections "$1" --hold-seconds 0 "${CONSUMER[@]}" >/dev/null 2>&1
    fi
}
warm_up 200
sleep 2
snapshot 0

HOLD=600
if [ "$PROTOCOL" = mqtt ]; then
    java -cp "$BENCH_JAR" dev.junction.bench.mqtt.MqttLoad --port $J_MQTT --seconds 300 --connect-concurrency 200 \
        "${SESSIONS[@]}" --run idle="$N" --idle-hold-seconds $HOLD > "$WORK/generator.log" 2>&1 &
else
    java -cp "$BENCH_JAR" dev.junction.bench.amqp.AmqpIdleConnections --uri "amqp://guest:guest@127.0.0.1:$J_AMQP" \
        --connections "$N" --hold-seconds $HOLD "${CONSUMER[@]}" > "$WORK/generator.log" 2>&1 &
fi
G_PID=$!
PIDS+=("$G_PID")
deadline=$(( SECONDS + 300 ))
# Until all are open, or the AMQP generator reached its deadline (it says OPEN): then what is open is measured.
until [ "$(established)" -ge "$N" ] || grep -qs '^OPEN' "$WORK/generator.log"; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$G_PID" 2>/dev/null; then
        log "only $(established) of $N connections open"; cat "$WORK/generator.log" >&2; exit 1
    fi
    sleep 1
done
sleep 3   # the last handshakes' work done
snapshot n
CONNECTED=$(established)
kill "$G_PID"

echo "Junction, $CONNECTED idle $PROTOCOL connections${SESSIONS[*]:+ with persistent sessions}${CONSUMER[*]:+ with a consumer each}, load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v n="$CONNECTED" '
    FNR == 1 { file++ }
    $1 ~ /^[0-9]+:$/ { key = $4; bytes[file, key] += $3; count[file, key] += $2; keys[key] = 1 }
    END {
        for (k in keys) {
            d = bytes[2, k] - bytes[1, k]
            total += d
            if (d / n >= 8) printf "%10.1f B/conn %8.2f obj/conn  %s\n", d / n, (count[2, k] - count[1, k]) / n, k
        }
        printf "%10.1f B/conn heap in total (live objects after a full GC)\n", total / n
    }' "$WORK/histo-0.txt" "$WORK/histo-n.txt" | sort -rn | head -40
awk -v n="$CONNECTED" '
    FNR == 1 { file++ }
    /^-/ && /committed=/ { name = $2; for (i = 3; i <= NF && $i !~ /^\(/; i++) name = name " " $i
                           match($0, /committed=[0-9]+KB/); c = substr($0, RSTART + 10, RLENGTH - 12)
                           committed[file, name] = c; names[name] = 1 }
    END { for (k in names) { d = committed[2, k] - committed[1, k]
                             if (d != 0) printf "%10.1f B/conn NMT committed %s\n", d * 1024 / n, k } }' \
    "$WORK/nmt-0.txt" "$WORK/nmt-n.txt" | sort -rn
echo "$(( ($(cat "$WORK/rss-n.txt") - $(cat "$WORK/rss-0.txt")) / CONNECTED )) B/conn RSS growth (heap pre-touched)"
