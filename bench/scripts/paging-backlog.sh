#!/usr/bin/env bash
# Paging: a backlog much larger than the heap. Starts the broker jar with a small heap (HEAP, default 256m), publishes
# COUNT messages of BYTES bytes (every other one persistent) with confirms to one durable queue, reports the queue's
# in-memory body bytes and the broker's heap and RSS, then drains the queue checking every message arrives in order.
# With RESTART=1 every message is persistent and the broker is stopped and started again with the backlog before the
# drain (the restart time is reported).
#
# Usage: bench/scripts/paging-backlog.sh [COUNT] [BYTES]   (defaults 2000000 and 200; needs
#        broker-server/target/junction.jar from `mvn -pl broker-server -am package -DskipTests`, and amqp-client in
#        the local Maven repository)
# Environment: HEAP, LIMIT (storage.queue_memory_limit, default 67108864), PORT (default 25673),
#              HTTP (management port, default 25674), KEEP=1 keeps the work dir, RESTART=1 (see above),
#              HISTO=1 prints the broker's largest heap classes after publishing (jmap -histo:live).
set -euo pipefail

COUNT=${1:-2000000}
BYTES=${2:-200}
HEAP=${HEAP:-256m}
LIMIT=${LIMIT:-67108864}
PORT=${PORT:-25673}
HTTP=${HTTP:-25674}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=$ROOT/broker-server/target/junction.jar
M2=${M2_REPO:-$HOME/.m2/repository}
CLASSPATH=$M2/com/rabbitmq/amqp-client/5.37.1/amqp-client-5.37.1.jar:$M2/org/slf4j/slf4j-api/2.0.20/slf4j-api-2.0.20.jar
WORK=$(mktemp -d -t junction-paging.XXXXXX)
BROKER_PID=

[[ -f $JAR ]] || { echo "missing $JAR: run mvn -pl broker-server -am package -DskipTests" >&2; exit 2; }
cleanup() {
    if [[ -n $BROKER_PID ]] && kill -0 "$BROKER_PID" 2>/dev/null; then kill "$BROKER_PID"; wait "$BROKER_PID" || true; fi
    if [[ ${KEEP:-0} == 1 ]]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

javac -d "$WORK/client" -cp "$CLASSPATH" "$ROOT/bench/scripts/PagingBacklogClient.java"
client() { java -Dslf4j.internal.verbosity=ERROR -cp "$CLASSPATH:$WORK/client" PagingBacklogClient "$@"; }

start_broker() {
    : >"$WORK/broker.log"
    java -Xmx"$HEAP" -XX:MaxDirectMemorySize="$HEAP" -jar "$JAR" --set bind=127.0.0.1 --set amqp.port="$PORT" \
        --set mqtt.port=0 --set http.port="$HTTP" --set data.dir="$WORK/data" --set storage.fsync=never \
        --set storage.queue_memory_limit="$LIMIT" --set memory.high_watermark=0.9 >>"$WORK/broker.log" 2>&1 &
    BROKER_PID=$!
    for _ in $(seq 3000); do
        grep -q "Listening for AMQP" "$WORK/broker.log" && return 0
        kill -0 "$BROKER_PID" 2>/dev/null || { cat "$WORK/broker.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "the broker did not start within 300 s" >&2
    exit 1
}
start_broker

report() {
    local queue
    queue=$(curl -s -u guest:guest "http://127.0.0.1:$HTTP/api/queues/%2F/paging-backlog" \
        | grep -o '"message[a-z_]*":[0-9]*' | tr '\n' ' ')
    echo "$1: $queue"
    jcmd "$BROKER_PID" GC.heap_info | grep -E "garbage-first|total" | head -2
    grep -E "VmHWM|VmRSS" "/proc/$BROKER_PID/status" | tr -s ' \t' ' ' | tr '\n' ' '
    echo
}

EVERY=$([[ ${RESTART:-0} == 1 ]] && echo 1 || echo 2)
client publish "$PORT" "$COUNT" "$BYTES" "$EVERY"
report "after publishing"
[[ ${HISTO:-0} == 1 ]] && jmap -histo:live "$BROKER_PID" | head -16
if [[ ${RESTART:-0} == 1 ]]; then
    kill "$BROKER_PID"
    wait "$BROKER_PID" || true
    started=$(date +%s.%N)
    start_broker
    echo "restart with the backlog: $(echo "$(date +%s.%N) - $started" | bc) s to listening"
    report "after restarting"
fi
client consume "$PORT" "$COUNT"
report "after draining"
du -sh "$WORK/data"
