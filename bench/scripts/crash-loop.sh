#!/usr/bin/env bash
# Crash loop: CYCLES times, start the broker jar on one data directory, publish persistent messages with
# publisher confirms (AMQP) until the broker is killed with SIGKILL after a random 2-5 s, and restart. After each
# restart every message confirmed in the cycle before must be in the queue exactly once and in order.
#
# Usage: bench/scripts/crash-loop.sh [CYCLES]   (default 10; needs broker-server/target/junction.jar from
#        `mvn -pl broker-server -am package -DskipTests`, and amqp-client in the local Maven repository)
# Environment: FSYNC (storage.fsync, default always), PORT (AMQP port, default 25672), KEEP=1 keeps the work dir.
set -euo pipefail

CYCLES=${1:-10}
FSYNC=${FSYNC:-always}
PORT=${PORT:-25672}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=$ROOT/broker-server/target/junction.jar
M2=${M2_REPO:-$HOME/.m2/repository}
CLASSPATH=$M2/com/rabbitmq/amqp-client/5.37.1/amqp-client-5.37.1.jar:$M2/org/slf4j/slf4j-api/2.0.20/slf4j-api-2.0.20.jar
WORK=$(mktemp -d -t junction-crash-loop.XXXXXX)
CLIENT=(java -Dslf4j.internal.verbosity=ERROR -cp "$CLASSPATH:$WORK/client" CrashLoopClient)
BROKER_PID=

[[ -f $JAR ]] || { echo "missing $JAR: run mvn -pl broker-server -am package -DskipTests" >&2; exit 2; }
for jar in ${CLASSPATH//:/ }; do
    [[ -f $jar ]] || { echo "missing $jar (resolve it with mvn dependency:get)" >&2; exit 2; }
done

compile_client() {
    javac -d "$WORK/client" -cp "$CLASSPATH" "$ROOT/bench/scripts/CrashLoopClient.java"
}

cleanup() {
    if [[ -n $BROKER_PID ]] && kill -0 "$BROKER_PID" 2>/dev/null; then kill -9 "$BROKER_PID"; fi
    if [[ ${KEEP:-0} == 1 ]]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

start_broker() {
    local log=$WORK/broker-$1.log
    : >"$log"
    java -Xmx512m -jar "$JAR" --set bind=127.0.0.1 --set amqp.port="$PORT" --set mqtt.port=0 --set http.port=0 \
        --set data.dir="$WORK/data" --set storage.fsync="$FSYNC" --set storage.segment_size=8388608 \
        >"$log" 2>&1 &
    BROKER_PID=$!
    for _ in $(seq 300); do
        grep -q "Listening for AMQP" "$log" && return 0
        kill -0 "$BROKER_PID" 2>/dev/null || { echo "broker exited at start; see $log" >&2; cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    echo "broker did not start within 30 s; see $log" >&2
    exit 1
}

compile_client
started=$(date +%s)
status=0
# Each start first drains the queue and checks it against what the previous cycle had confirmed, so the backlog
# (and the broker's heap) stays one cycle's worth.
verify() {
    "${CLIENT[@]}" verify "$PORT" "$WORK/confirmed-$1.txt" || status=1
}
for cycle in $(seq "$CYCLES"); do
    start_broker "$cycle"
    if ((cycle > 1)); then verify $((cycle - 1)); fi
    "${CLIENT[@]}" publish "$PORT" "$cycle" "$WORK/confirmed-$cycle.txt" &
    client=$!
    sleep "$((2 + RANDOM % 3)).$((RANDOM % 10))"
    kill -9 "$BROKER_PID"
    wait "$BROKER_PID" 2>/dev/null || true
    wait "$client"
done

start_broker final
verify "$CYCLES"
grep -h "recovered" "$WORK"/broker-*.log | sort | tail -1
kill "$BROKER_PID"
wait "$BROKER_PID" 2>/dev/null || true
total=$(cat "$WORK"/confirmed-*.txt | wc -l)
echo "fsync=$FSYNC, $CYCLES kill -9 cycles, $total confirmed messages, in $(( $(date +%s) - started )) s:" \
    "$([[ $status == 0 ]] && echo PASS || echo FAIL)"
exit "$status"
