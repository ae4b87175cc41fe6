#!/usr/bin/env bash
# Side-by-side comparison of Junction with Mosquitto (MQTT) and RabbitMQ (MQTT plugin and AMQP 0-9-1) on this
# machine: builds Junction, starts the three brokers on loopback ports under a temporary directory, runs every
# scenario against each, measures each broker's CPU time (/proc/<pid>/stat) and resident memory, prints one table
# with Junction's ratio to each, and stops everything it started.
#
#   bench/scripts/compare.sh [--quick] [--idle-only] [--tree-only] [--mqtt5-only] [--skip-build] [--jfr] [--keep]
#
#   --quick       smaller runs (a smoke test, a few minutes); the full comparison takes about 20 minutes
#   --idle-only   only idle connections: MQTT (all three brokers) and AMQP with a channel and a consumer each
#                 (Junction and RabbitMQ), IDLE of them (default: as many as the descriptor limit allows); each
#                 broker's resident (RSS) and proportional (PSS) memory growth per connection, measured right after
#                 the last one opened
#   --tree-only   only the topic tree (MqttLoad --run tree=N): DeviceFleet subscriptions at 1k, 100k and 1M
#                 (RabbitMQ: 1k and 100k), then random publishes; always run first, on fresh brokers
#   --mqtt5-only  only the MQTT 5 rows, Junction and Mosquitto (MqttLoad --mqtt-version 5 --topic-alias): QoS 0 and
#                 QoS 1 throughput one to one, and fan-in into a $share group (SHARED_PUBLISHERS publishers, one topic
#                 each, SHARED_MEMBERS members, QoS 1); every publisher names its topic once, then sends its alias.
#                 RabbitMQ has no row: Debian's 3.10 speaks no MQTT 5, and from 3.13 on its MQTT 5 has no shared
#                 subscriptions. The full and quick runs include these rows after the MQTT 3.1.1 ones.
#   --skip-build  use the jars already in broker-server/target and bench/target
#   --jfr         record Junction with JDK Flight Recorder and summarise its hottest frames at the end
#   --keep        keep the temporary directory (logs, raw results, the recording)
#
# Environment: JUNCTION_JVM_FLAGS overrides Junction's JVM flags (default: those of config/junction.service).
# Needs java 17 and maven; installs mosquitto and rabbitmq-server with apt-get when they are missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/scripts/lib.sh
source "$ROOT/bench/scripts/lib.sh"
QUICK=0 BUILD=1 JFR=0 KEEP=0 IDLE_ONLY=0 TREE_ONLY=0 MQTT5_ONLY=0
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        --idle-only) IDLE_ONLY=1 ;;
        --tree-only) TREE_ONLY=1 ;;
        --mqtt5-only) MQTT5_ONLY=1 ;;
        --skip-build) BUILD=0 ;;
        --jfr) JFR=1 ;;
        --keep) KEEP=1 ;;
        *) echo "unknown option: $arg (see the header of $0)" >&2; exit 64 ;;
    esac
done

WORK=$(mktemp -d /tmp/junction-compare.XXXXXX)
RESULTS=$WORK/results.tsv     # broker <TAB> scenario <TAB> key <TAB> value
: > "$RESULTS"
JUNCTION_JVM_FLAGS=${JUNCTION_JVM_FLAGS:--Xms256m -Xmx2g -XX:+UseZGC -XX:+ExitOnOutOfMemoryError}
BENCH_JAR=$ROOT/bench/target/benchmarks.jar
JUNCTION_JAR=$ROOT/broker-server/target/junction.jar
# Loopback ports away from the brokers' defaults, so that a broker already running here is not measured instead.
J_MQTT=41883 J_AMQP=45672 J_HTTP=45673
M_MQTT=41884
R_AMQP=45674 R_MQTT=41885 R_DIST=45675 R_EPMD=44369
R_NODE=junction-compare@localhost
RABBIT_BIN=/usr/lib/rabbitmq/bin

if [ "$QUICK" = 1 ]; then
    QOS0=50000 QOS1=20000 QOS2=10000 FANOUT=1500 FANIN=20000 LAT=1000 LAT_WARMUP=500 IDLE=1000 CROSS=20000 QOS1_PERSISTENT=5000
    PHASE_SECONDS=8
    AMQP_MSGS=50000 AMQP_PERSISTENT=10000 AMQP_PERSISTENT_WARMUP=2000 AMQP_FANOUT=10000 AMQP_LAT_SECONDS=3
    AMQP_CONNS=100 AMQP_CONN_INTERVAL=3
else
    QOS0=500000 QOS1=200000 QOS2=100000 FANOUT=20000 FANIN=200000 LAT=15000 LAT_WARMUP=2000 IDLE=${IDLE:-0}
    CROSS=200000 QOS1_PERSISTENT=50000
    PHASE_SECONDS=20
    AMQP_MSGS=500000 AMQP_PERSISTENT=300000 AMQP_PERSISTENT_WARMUP=200000 AMQP_FANOUT=100000 AMQP_LAT_SECONDS=15
    AMQP_CONNS=500 AMQP_CONN_INTERVAL=10
fi
# The MQTT 5 rows: messages of each measured run (a fifth more first as a warm-up) and the shared group's shape.
if [ "$QUICK" = 1 ]; then
    V5_QOS0=50000 V5_QOS1=20000 V5_SHARED=20000
else
    V5_QOS0=500000 V5_QOS1=200000 V5_SHARED=200000
fi
SHARED_MEMBERS=4 SHARED_PUBLISHERS=10
if [ "$IDLE_ONLY" = 1 ]; then
    PHASE_SECONDS=120   # for opening every idle connection on a busy machine
fi
# The topic tree: subscriptions per run, for Junction and Mosquitto and for RabbitMQ (one binding per subscription,
# far slower to subscribe), measured publishes at each size (a fifth more first as a warm-up), phase deadlines.
# TREE_SIZES and TREE_SIZES_RABBIT may be set in the environment (empty: none).
if [ "$QUICK" = 1 ]; then
    TREE_SIZES=${TREE_SIZES-1000 20000} TREE_SIZES_RABBIT=${TREE_SIZES_RABBIT-1000 20000}
    TREE_PUBLISHES=2000 TREE_SECONDS=15 TREE_SUBSCRIBE_SECONDS=20
else
    TREE_SIZES=${TREE_SIZES-1000 100000 1000000} TREE_SIZES_RABBIT=${TREE_SIZES_RABBIT-1000 100000}
    TREE_PUBLISHES=10000 TREE_SECONDS=20 TREE_SUBSCRIBE_SECONDS=${TREE_SUBSCRIBE_SECONDS:-60}
fi
if [ "$IDLE" = 0 ]; then
    # Both the generator and the broker hold one descriptor per connection; keep headroom for their own files.
    IDLE=$(( $(ulimit -Hn) - 1000 ))
fi
ulimit -n "$(ulimit -Hn)"


PIDS=()
stop_brokers() {  # never fails: also used while the script exits
    if [ -n "${R_PID:-}" ]; then
        rabbit rabbitmqctl -n "$R_NODE" stop >/dev/null 2>&1 || true
    fi
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        timeout 30 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
    done
}
cleanup() {
    set +e
    stop_brokers
    if [ -d "$R_DIR" ]; then   # also when the node failed to start: its port mapper may be running
        ERL_EPMD_PORT=$R_EPMD epmd -port "$R_EPMD" -kill >/dev/null 2>&1
    fi
    if [ "$KEEP" = 1 ]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

install_missing() {
    local missing=()
    command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto mosquitto-clients)
    if [ "$MQTT5_ONLY" = 0 ]; then
        [ -x $RABBIT_BIN/rabbitmq-server ] || missing+=(rabbitmq-server)
        command -v amqp-publish >/dev/null || missing+=(amqp-tools)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        # The package's own service must not start: the script runs its brokers on its own ports.
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        rm -f /usr/sbin/policy-rc.d
    fi
}

rss_mb() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# Proportional set size: a page mapped N times counts 1/N each time. ZGC on JDK 17 maps its heap three times and
# VmRSS counts every mapping's pages, so Junction's RSS is up to three times its memory; PSS counts the heap once.
pss_kb() {
    awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"
}

pss_mb() {
    awk -v kb="$(pss_kb "$1")" 'BEGIN { printf "%.1f", kb / 1024 }'
}

record() {  # broker scenario key value
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RESULTS"
}

start_junction() {
    local jfr=()
    if [ "$JFR" = 1 ]; then
        jfr=("-XX:StartFlightRecording=settings=profile")
    fi
    # shellcheck disable=SC2086 # the flags are a word list on purpose
    java $JUNCTION_JVM_FLAGS "${jfr[@]}" "-Xlog:gc,gc+phases:file=$WORK/junction-gc.log" -jar "$JUNCTION_JAR" --set data.dir="$WORK/junction-data" \
        --set bind=127.0.0.1 --set mqtt.port=$J_MQTT --set amqp.port=$J_AMQP --set http.port=$J_HTTP \
        --set log.level=WARN > "$WORK/junction.log" 2>&1 &
    J_PID=$!
    PIDS+=("$J_PID")
    wait_for_port $J_MQTT 60 && wait_for_port $J_AMQP 10
    log "Junction pid $J_PID"
}

start_mosquitto() {
    cat > "$WORK/mosquitto.conf" <<EOF
listener $M_MQTT 127.0.0.1
allow_anonymous true
persistence true
persistence_location $WORK/
log_dest file $WORK/mosquitto.log
EOF
    /usr/sbin/mosquitto -c "$WORK/mosquitto.conf" > /dev/null 2>&1 &
    M_PID=$!
    PIDS+=("$M_PID")
    wait_for_port $M_MQTT 20
    log "Mosquitto pid $M_PID"
}

# The RabbitMQ node this script runs: its own files, ports, Erlang port mapper and cookie (in HOME).
R_DIR=$WORK/rabbit
R_ENV=(HOME="$R_DIR/home" RABBITMQ_MNESIA_BASE="$R_DIR/mnesia" RABBITMQ_LOG_BASE="$R_DIR/log"
    RABBITMQ_NODENAME=$R_NODE RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$R_AMQP
    RABBITMQ_DIST_PORT=$R_DIST ERL_EPMD_PORT=$R_EPMD ERL_EPMD_ADDRESS=127.0.0.1
    RABBITMQ_ENABLED_PLUGINS_FILE="$R_DIR/enabled_plugins" RABBITMQ_CONFIG_FILE="$R_DIR/rabbitmq.conf"
    RABBITMQ_PID_FILE="$R_DIR/rabbit.pid")

rabbit() {  # runs a RabbitMQ command against that node
    env "${R_ENV[@]}" "$RABBIT_BIN/$1" "${@:2}"
}

start_rabbitmq() {
    local r=$R_DIR
    mkdir -p "$r/mnesia" "$r/log" "$r/home"
    echo '[rabbitmq_mqtt].' > "$r/enabled_plugins"
    cat > "$r/rabbitmq.conf" <<EOF
mqtt.listeners.tcp.default = 127.0.0.1:$R_MQTT
mqtt.allow_anonymous = true
EOF
    rabbit rabbitmq-server > "$r/stdout.log" 2>&1 &
    PIDS+=("$!")
    timeout 120 env "${R_ENV[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$R_NODE" wait "$r/rabbit.pid" > /dev/null
    R_PID=$(cat "$r/rabbit.pid")
    PIDS+=("$R_PID")
    wait_for_port $R_AMQP 20
    if wait_for_port $R_MQTT 5 2>/dev/null; then R_HAS_MQTT=1; else R_HAS_MQTT=0; fi
    log "RabbitMQ pid $R_PID (MQTT plugin: $R_HAS_MQTT)"
}

mqtt_suite() {  # broker pid port [amqp-port: adds MQTT to AMQP and AMQP to MQTT through amq.topic]
    local broker=$1 pid=$2 port=$3 amqp_port=${4:-} runs
    [ "$TREE_ONLY" = 1 ] && return
    log "MQTT scenarios against $broker"
    # Idle connections first: a fresh broker's memory growth is not hidden by pages earlier runs touched.
    runs=(--run idle="$IDLE")
    if [ "$IDLE_ONLY" = 0 ]; then
        runs+=(--run qos0=$QOS0 --run qos1=$QOS1 --run qos2=$QOS2 --run fanout=$FANOUT --run fanin=$FANIN
            --run latency=$LAT)
        if [ -n "$amqp_port" ]; then
            runs+=(--amqp-uri "amqp://guest:guest@127.0.0.1:$amqp_port" --run mqtt_to_amqp=$CROSS
                --run amqp_to_mqtt=$CROSS)
        fi
    fi
    timeout 600 java -cp "$BENCH_JAR" dev.junction.bench.mqtt.MqttLoad --port "$port" --broker-pid "$pid" \
        --seconds "$PHASE_SECONDS" --connect-concurrency 200 --clients 100 --rate 1000 \
        --warmup-messages "$LAT_WARMUP" --latency-qos 1 "${runs[@]}" \
        2>> "$WORK/generator-$broker.log" | grep '^RESULT' > "$WORK/mqtt-$broker.log" || true
    if [ "$IDLE_ONLY" = 0 ]; then
        # Persistent sessions: the broker stores every QoS 1 message for the subscriber (Junction in its log,
        # fsync'd before PUBACK by default; Mosquitto in memory, saved to its persistence file periodically).
        timeout 300 java -cp "$BENCH_JAR" dev.junction.bench.mqtt.MqttLoad --port "$port" --broker-pid "$pid" \
            --seconds "$PHASE_SECONDS" --persistent-sessions --run qos1=$QOS1_PERSISTENT \
            2>> "$WORK/generator-$broker.log" | grep '^RESULT' | sed 's/scenario=qos1 /scenario=qos1-persistent /' \
            >> "$WORK/mqtt-$broker.log" || true
    fi
    record_results "$broker" mqtt "$WORK/mqtt-$broker.log"
}

record_results() {  # broker what file: records each RESULT line of MqttLoad; "what failed" if there is none
    local broker=$1 line scenario
    while read -r line; do
        scenario=$(sed 's/^RESULT scenario=\([^ ]*\).*/\1/' <<< "$line")
        for pair in ${line#RESULT }; do
            record "$broker" "$scenario" "${pair%%=*}" "${pair#*=}"
        done
    done < "$3"
    if [ ! -s "$3" ]; then
        record "$broker" "$2" failed 1
    fi
}

# MQTT 5 with topic aliases (reported as v5-qos0-alias, v5-qos1-alias, v5-shared-alias): the same generator and
# window as the MQTT 3.1.1 rows, so v5-qos0-alias against qos0 is what MQTT 5 and aliases cost or save.
mqtt5_suite() {  # broker pid port
    local broker=$1 pid=$2 port=$3
    if [ "$IDLE_ONLY" = 1 ] || [ "$TREE_ONLY" = 1 ]; then return; fi
    log "MQTT 5 scenarios against $broker"
    timeout 600 java -cp "$BENCH_JAR" dev.junction.bench.mqtt.MqttLoad --port "$port" --broker-pid "$pid" \
        --seconds "$PHASE_SECONDS" --mqtt-version 5 --topic-alias --qos 1 \
        --shared-members "$SHARED_MEMBERS" --shared-publishers "$SHARED_PUBLISHERS" \
        --run qos0=$V5_QOS0 --run qos1=$V5_QOS1 --run shared=$V5_SHARED \
        2>> "$WORK/generator-$broker.log" | grep '^RESULT' > "$WORK/mqtt5-$broker.log" || true
    record_results "$broker" mqtt5 "$WORK/mqtt5-$broker.log"
}

# As the MQTT scenarios do: messages first, unmeasured, so that a JIT-compiled broker is measured compiled; both
# brokers get the same warm-up. A fifth of the measured count, except for the persistent path, whose code Junction
# kept compiling for longer: back-to-back PerfTest runs of 20k, 100k, 100k and 300k persistent messages went at
# 10.8k, 24.4k, 32.0k and 45.8k msg/s.
warmed_perf_test() {  # broker pid port scenario messages warm-up perf-test-args (without -C/-D)
    local warmup=$6
    log "AMQP $4 warm-up ($warmup messages, unmeasured) against $1"
    timeout 120 java -cp "$BENCH_JAR" com.rabbitmq.perf.PerfTest -h "amqp://guest:guest@127.0.0.1:$3" \
        --id "$4-warmup" -s 64 "${@:7}" -C "$warmup" -D "$warmup" >> "$WORK/perftest-$1-warmup.log" 2>&1 || true
    perf_test "$1" "$2" "$3" "$4" "${@:7}" -C "$5" -D "$5"
}

perf_test() {  # broker pid port scenario perf-test-args...
    local broker=$1 pid=$2 port=$3 scenario=$4 out cpu0 cpu1 sent received latency seconds
    log "AMQP $scenario against $broker"
    out=$WORK/perftest-$broker-$scenario.log
    cpu0=$(cpu_ms "$pid")
    timeout 300 java -cp "$BENCH_JAR" com.rabbitmq.perf.PerfTest -h "amqp://guest:guest@127.0.0.1:$port" \
        --id "$scenario" -s 64 "${@:5}" > "$out" 2>&1 || true
    cpu1=$(cpu_ms "$pid")
    sent=$(sed -n 's/.*sending rate avg: \([0-9]*\) msg\/s.*/\1/p' "$out")
    received=$(sed -n 's/.*receiving rate avg: \([0-9]*\) msg\/s.*/\1/p' "$out")
    latency=$(sed -n 's/.*consumer latency min\/median\/75th\/95th\/99th \([0-9/]*\) µs.*/\1/p' "$out" | tail -1)
    # PerfTest prints average rates; the messages moved are the receiving rate over its last reported time.
    seconds=$(sed -n 's/.*, time \([0-9.]*\) s,.*/\1/p' "$out" | tail -1)
    if [ -z "$received" ]; then
        record "$broker" "amqp-$scenario" failed 1
        return
    fi
    record "$broker" "amqp-$scenario" msgs_per_s "$received"
    record "$broker" "amqp-$scenario" sent_per_s "$sent"
    record "$broker" "amqp-$scenario" broker_cpu_ms $(( cpu1 - cpu0 ))
    record "$broker" "amqp-$scenario" broker_cpu_us_per_msg \
        "$(awk -v ms=$(( cpu1 - cpu0 )) -v rate="$received" -v s="${seconds:-0}" \
            'BEGIN { if (rate * s > 0) printf "%.2f", ms * 1000 / (rate * s); else print "" }')"
    record "$broker" "amqp-$scenario" broker_rss_mb "$(rss_mb "$pid")"
    record "$broker" "amqp-$scenario" broker_pss_mb "$(pss_mb "$pid")"
    if [ -n "$latency" ]; then
        record "$broker" "amqp-$scenario" p50_us "$(cut -d/ -f2 <<< "$latency")"
        record "$broker" "amqp-$scenario" p99_us "$(cut -d/ -f5 <<< "$latency")"
    fi
}

amqp_idle() {  # broker pid port: IDLE connections, a channel and a consumer each, held while RSS and PSS are read
    local broker=$1 pid=$2 port=$3 out rss0 rss1 pss0 pss1 opened consumers generator deadline
    # The MQTT idle run's connections gone first: a broker still closing thousands of them (RabbitMQ) answers no
    # AMQP handshake within the client's timeout, and its memory is still falling.
    deadline=$(( SECONDS + 180 ))
    while [ "$(ss -Htn state established "( sport = :$J_MQTT or sport = :$R_MQTT )" | wc -l)" -gt 0 ] \
            && [ $SECONDS -lt $deadline ]; do
        sleep 1
    done
    sleep 10
    log "AMQP idle connections against $broker"
    out=$WORK/amqp-idle-$broker.log
    rss0=$(rss_kb "$pid")
    pss0=$(pss_kb "$pid")
    java -cp "$BENCH_JAR" dev.junction.bench.amqp.AmqpIdleConnections --uri "amqp://guest:guest@127.0.0.1:$port" \
        --connections "$IDLE" --consumer --seconds 300 --hold-seconds 60 > "$out" 2>&1 &
    generator=$!
    deadline=$(( SECONDS + 330 ))
    until grep -qs '^OPEN' "$out" || ! kill -0 "$generator" 2>/dev/null || [ $SECONDS -ge $deadline ]; do
        sleep 1
    done
    sleep 1   # as MqttLoad does: the last handshakes' work done
    rss1=$(rss_kb "$pid")
    pss1=$(pss_kb "$pid")
    opened=$(sed -n 's/^OPEN \([0-9]*\).*/\1/p' "$out")
    consumers=$(sed -n 's/^OPEN .*consumers=\([0-9]*\).*/\1/p' "$out")
    kill "$generator" 2>/dev/null || true
    wait "$generator" 2>/dev/null || true
    if [ -z "$opened" ] || [ "$opened" = 0 ]; then
        record "$broker" amqp-idle failed 1
        return
    fi
    record "$broker" amqp-idle connected "$opened"
    record "$broker" amqp-idle consumers "$consumers"
    record "$broker" amqp-idle broker_bytes_per_conn $(( (rss1 - rss0) * 1024 / opened ))
    record "$broker" amqp-idle broker_pss_bytes_per_conn $(( (pss1 - pss0) * 1024 / opened ))
    record "$broker" amqp-idle broker_rss_mb "$(awk -v kb="$rss1" 'BEGIN { printf "%.1f", kb / 1024 }')"
    record "$broker" amqp-idle broker_pss_mb "$(awk -v kb="$pss1" 'BEGIN { printf "%.1f", kb / 1024 }')"
}

# PerfTest's -o file: a header, then a row per interval (-i seconds): id, time, published, returned, confirmed, nacked,
# received (msg/s), then min, median, 75th, 95th and 99th percentile of consumer latency (µs), then confirm latency.
perf_rows() {  # csv: intervals written so far
    local lines=0
    if [ -f "$1" ]; then lines=$(wc -l < "$1"); fi
    echo $(( lines > 0 ? lines - 1 : 0 ))
}

await_perf_rows() {  # csv rows perftest-pid: until the file has that many rows; fails if PerfTest ended first
    until [ "$(perf_rows "$1")" -ge "$2" ]; do
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.1
    done
}

# Records PerfTest's interval `row` (receiving rate, consumer latency p50 and p99) and the broker's CPU time over it,
# read when the row before it and the row itself were written. Each interval's latency is PerfTest's own histogram
# of that interval alone, so earlier intervals (JIT warm-up of both ends, connections opening) are left out.
measure_perf_interval() {  # broker pid scenario csv row seconds perftest-pid
    local broker=$1 pid=$2 scenario=$3 csv=$4 row=$5 seconds=$6 perftest=$7 cpu0 cpu1 fields received
    await_perf_rows "$csv" $(( row - 1 )) "$perftest" || return 1
    cpu0=$(cpu_ms "$pid")
    await_perf_rows "$csv" "$row" "$perftest" || return 1
    cpu1=$(cpu_ms "$pid")
    fields=$(sed -n "$(( row + 1 ))p" "$csv")
    received=$(cut -d, -f7 <<< "$fields")
    record "$broker" "$scenario" msgs_per_s "$received"
    record "$broker" "$scenario" broker_cpu_us_per_msg \
        "$(awk -v ms=$(( cpu1 - cpu0 )) -v rate="$received" -v s="$seconds" \
            'BEGIN { if (rate * s > 0) printf "%.2f", ms * 1000 / (rate * s); else print "" }')"
    record "$broker" "$scenario" p50_us "$(cut -d, -f9 <<< "$fields")"
    record "$broker" "$scenario" p99_us "$(cut -d, -f12 <<< "$fields")"
}

amqp_latency() {  # broker pid port: 1 -> 1 at 1,000 msg/s, two intervals of AMQP_LAT_SECONDS; the second is measured
    local broker=$1 pid=$2 port=$3 csv=$WORK/perftest-$1-latency.csv perftest
    log "AMQP latency against $broker"
    timeout 300 java -cp "$BENCH_JAR" com.rabbitmq.perf.PerfTest -h "amqp://guest:guest@127.0.0.1:$port" \
        --id latency -s 64 -x 1 -y 1 -a -r 1000 -i "$AMQP_LAT_SECONDS" -z $(( 2 * AMQP_LAT_SECONDS + 1 )) \
        -o "$csv" > "$WORK/perftest-$broker-latency.log" 2>&1 &
    perftest=$!
    if ! measure_perf_interval "$broker" "$pid" amqp-latency "$csv" 2 "$AMQP_LAT_SECONDS" "$perftest"; then
        record "$broker" amqp-latency failed 1
    fi
    wait "$perftest" || true
    record "$broker" amqp-latency broker_rss_mb "$(rss_mb "$pid")"
    record "$broker" amqp-latency broker_pss_mb "$(pss_mb "$pid")"
}

# AMQP_CONNS consumer connections, each with its own queue, and producers publishing 1 msg/s to each queue from
# AMQP_CONNS / 50 connections of 50 channels (PerfTest's IoT-style options, NIO and small thread pools on its side).
# Memory growth per connection is read once all are open; rate, latency and CPU over the first full interval after.
amqp_connections() {  # broker pid port
    local broker=$1 pid=$2 port=$3 csv=$WORK/perftest-$1-connections.csv scenario=amqp-conns
    local rss0 pss0 rss1 pss1 perftest expected open deadline
    log "AMQP $AMQP_CONNS connections with a consumer each against $broker"
    expected=$(( AMQP_CONNS + AMQP_CONNS / 50 ))
    rss0=$(rss_kb "$pid")
    pss0=$(pss_kb "$pid")
    timeout 300 java -cp "$BENCH_JAR" com.rabbitmq.perf.PerfTest -h "amqp://guest:guest@127.0.0.1:$port" \
        --id connections -s 64 -a -y "$AMQP_CONNS" -x $(( AMQP_CONNS / 50 )) -X 50 \
        -qp 'compare-conn-%d' -qpf 1 -qpt "$AMQP_CONNS" -P 1 -pst 2 -niot 2 -niotp 4 -ctp 2 \
        -i "$AMQP_CONN_INTERVAL" -z 240 -o "$csv" > "$WORK/perftest-$broker-connections.log" 2>&1 &
    perftest=$!
    deadline=$(( SECONDS + 180 ))
    until [ "$(ss -Htn state established "( sport = :$port )" | wc -l)" -ge "$expected" ]; do
        if ! kill -0 "$perftest" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
            record "$broker" "$scenario" failed 1
            kill "$perftest" 2>/dev/null || true
            wait "$perftest" || true
            return
        fi
        sleep 0.2
    done
    sleep 2   # the last producers' channels open, every consumer's queue declared
    open=$(ss -Htn state established "( sport = :$port )" | wc -l)
    rss1=$(rss_kb "$pid")
    pss1=$(pss_kb "$pid")
    record "$broker" "$scenario" connected "$open"
    record "$broker" "$scenario" broker_bytes_per_conn $(( (rss1 - rss0) * 1024 / open ))
    record "$broker" "$scenario" broker_pss_bytes_per_conn $(( (pss1 - pss0) * 1024 / open ))
    if ! measure_perf_interval "$broker" "$pid" "$scenario" "$csv" $(( $(perf_rows "$csv") + 2 )) \
            "$AMQP_CONN_INTERVAL" "$perftest"; then
        record "$broker" "$scenario" failed 1
    fi
    record "$broker" "$scenario" broker_rss_mb "$(rss_mb "$pid")"
    record "$broker" "$scenario" broker_pss_mb "$(pss_mb "$pid")"
    kill "$perftest" 2>/dev/null || true
    wait "$perftest" || true
}

amqp_suite() {  # broker pid port
    [ "$TREE_ONLY" = 1 ] && return
    if [ "$IDLE_ONLY" = 1 ]; then
        amqp_idle "$@"
        return
    fi
    warmed_perf_test "$@" transient $AMQP_MSGS $(( AMQP_MSGS / 5 )) -x 1 -y 1 -a -z $(( PHASE_SECONDS + 10 ))
    warmed_perf_test "$@" persistent $AMQP_PERSISTENT $AMQP_PERSISTENT_WARMUP -x 1 -y 1 -f persistent -c 100 -q 200 \
        -u compare-durable -ad false -z $(( PHASE_SECONDS + 10 ))
    warmed_perf_test "$@" fanout $AMQP_FANOUT $(( AMQP_FANOUT / 5 )) -e compare-fanout -t fanout \
        -qp 'compare-fanout-%d' -qpf 1 -qpt 10 -x 1 -y 10 -a -z $(( PHASE_SECONDS + 10 ))
    amqp_latency "$@"
    amqp_connections "$@"
}

# ---- the topic tree (issue #9) ----

wait_until_quiet() {  # pid: prints the seconds until the process used under 10% of a core for 2 s (at most 120)
    local start=$SECONDS before after quiet=0
    before=$(cpu_ms "$1")
    while [ $quiet -lt 2 ] && [ $(( SECONDS - start )) -lt 120 ]; do
        sleep 1
        after=$(cpu_ms "$1")
        if [ $(( after - before )) -lt 100 ]; then quiet=$(( quiet + 1 )); else quiet=0; fi
        before=$after
    done
    echo $(( SECONDS - start - quiet ))
}

tree_run() {  # broker pid port subscriptions
    local broker=$1 pid=$2 port=$3 subs=$4 scenario line
    scenario=tree-$(awk -v n="$subs" 'BEGIN { if (n >= 1e6) printf "%gM", n / 1e6; else printf "%gk", n / 1e3 }')
    log "MQTT topic tree of $subs subscriptions against $broker"
    line=$(timeout $(( TREE_SUBSCRIBE_SECONDS + 3 * TREE_SECONDS + 60 )) java -cp "$BENCH_JAR" \
        dev.junction.bench.mqtt.MqttLoad --port "$port" --broker-pid "$pid" --seconds "$TREE_SECONDS" \
        --subscribe-seconds "$TREE_SUBSCRIBE_SECONDS" --subscribe-stall-seconds 30 --tree-clients 100 --tree-publishes "$TREE_PUBLISHES" \
        --run tree="$subs" 2>> "$WORK/generator-$broker.log" | grep '^RESULT' || true)
    echo "$line" >> "$WORK/tree-$broker.log"
    if [ -z "$line" ]; then
        record "$broker" "$scenario" failed 1
    fi
    for pair in ${line#RESULT }; do
        record "$broker" "$scenario" "${pair%%=*}" "${pair#*=}"
    done
    # Closing the connections drops their subscriptions: the next size starts once the broker has done so.
    record "$broker" "$scenario" teardown_s "$(wait_until_quiet "$pid")"
}

tree_suites() {  # every size against every broker; then fresh brokers for the other suites
    if [ "$IDLE_ONLY" = 1 ] || [ "$MQTT5_ONLY" = 1 ]; then return; fi
    local subs
    for subs in $TREE_SIZES; do tree_run junction "$J_PID" $J_MQTT "$subs"; done
    for subs in $TREE_SIZES; do tree_run mosquitto "$M_PID" $M_MQTT "$subs"; done
    if [ "$R_HAS_MQTT" = 1 ]; then
        for subs in $TREE_SIZES_RABBIT; do tree_run rabbitmq "$R_PID" $R_MQTT "$subs"; done
    fi
    if [ "$TREE_ONLY" = 0 ]; then
        log "restarting the brokers with empty data directories"
        stop_brokers
        PIDS=() R_PID=
        mv "$WORK/junction-gc.log" "$WORK/junction-tree-gc.log"
        rm -rf "$WORK/junction-data" "$WORK/mosquitto.db" "$R_DIR/mnesia" "$R_DIR/rabbit.pid"
        start_junction
        start_mosquitto
        start_rabbitmq
    fi
}

gc_summary() {
    awk '/Pause/ && /ms$/ { ms = substr($NF, 1, length($NF) - 2) + 0; n++; total += ms; if (ms > max) max = ms
                            if (ms > 10) over++ }
         END { printf "Junction GC pauses over the whole run: %d, total %.0f ms, longest %.1f ms, %d above 10 ms\n",
               n, total, max, over }' "$WORK/junction-gc.log"
}

jfr_summary() {
    [ -f "$WORK/junction.jfr" ] || return 0
    echo
    echo "Junction's hottest frames (JFR jdk.ExecutionSample, top frame of each sample):"
    jfr print --events jdk.ExecutionSample --stack-depth 64 "$WORK/junction.jfr" \
        | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print }' \
        | sort | uniq -c | sort -rn | head -25
    echo
    echo "Junction's samples by package of the first dev.junction frame (where the work is attributed):"
    jfr print --events jdk.ExecutionSample --stack-depth 64 "$WORK/junction.jfr" \
        | awk '/stackTrace = \[/ { inside = 1; found = 0; next }
               inside && /^[ \t]*\]/ { if (!found) print "(outside dev.junction)"; inside = 0; next }
               inside && !found && /dev\.junction\./ { sub(/^[ \t]+/, ""); sub(/\.[^.]*\.[^.(]*\(.*/, "");
                                                     print; found = 1 }' \
        | sort | uniq -c | sort -rn | head -15
}

print_table() {
    awk -F'\t' '
    function v(b, s, k) { return ((b SUBSEP s SUBSEP k) in val) ? val[b, s, k] : "" }
    function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
    function row(s, k, label,   j, m, r) {
        j = v("junction", s, k); m = v("mosquitto", s, k); r = v("rabbitmq", s, k)
        if (j == "" && m == "" && r == "") return
        printf "| %-15s | %-28s | %12s | %12s | %12s | %8s | %8s |\n", s, label,
            (j == "" ? "-" : j), (m == "" ? "-" : m), (r == "" ? "-" : r), ratio(j, m), ratio(j, r)
    }
    { val[$1, $2, $3] = $4; if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 } }
    END {
        printf "| %-15s | %-28s | %12s | %12s | %12s | %8s | %8s |\n", "scenario", "metric", "Junction",
            "Mosquitto", "RabbitMQ", "J/Mosq", "J/Rabbit"
        print "|-----------------|------------------------------|-------------:|-------------:|-------------:|---------:|---------:|"
        for (i = 0; i < n; i++) {
            s = order[i]
            row(s, "failed", "FAILED (see the logs)")
            row(s, "stopped_by", "CUT SHORT by")
            row(s, "subscriptions", "subscriptions made")
            row(s, "subscriptions_per_s", "subscriptions/s (higher)")
            row(s, "broker_pss_bytes_per_sub", "PSS growth B/sub (lower)")
            row(s, "broker_rss_bytes_per_sub", "RSS growth B/sub (lower)")
            row(s, "publishes_per_s", "publishes/s (higher)")
            row(s, "broker_cpu_us_per_publish", "broker CPU us/publish (lower)")
            row(s, "teardown_s", "s busy after closing (lower)")
            row(s, "msgs_per_s", "deliveries/s (higher better)")
            row(s, "min_share", "smallest member share")
            row(s, "max_share", "largest member share")
            row(s, "broker_cpu_us_per_msg", "broker CPU us/msg (lower)")
            row(s, "p50_us", "latency p50 us (lower)")
            row(s, "p99_us", "latency p99 us (lower)")
            row(s, "p999_us", "latency p99.9 us (lower)")
            row(s, "connected", "connections held")
            row(s, "consumers", "consumers held")
            row(s, "connects_per_s", "connects/s (higher)")
            row(s, "broker_bytes_per_conn", "RSS growth B/conn (lower)")
            row(s, "broker_pss_bytes_per_conn", "PSS growth B/conn (lower)")
            row(s, "broker_rss_mb", "broker RSS MB after (lower)")
            row(s, "broker_pss_mb", "broker PSS MB after (lower)")
            row(s, "generator_cpu_us_per_msg", "generator CPU us/msg")
        }
    }' "$RESULTS"
}

others() {
    if [ "$MQTT5_ONLY" = 0 ]; then
        echo " and RabbitMQ $(dpkg-query -W -f '${Version}' rabbitmq-server 2>/dev/null)"
    fi
}

run_kind() {
    local size=full
    [ "$QUICK" = 1 ] && size=quick
    if [ "$IDLE_ONLY" = 1 ]; then echo idle-only
    elif [ "$TREE_ONLY" = 1 ]; then echo tree-only
    elif [ "$MQTT5_ONLY" = 1 ]; then echo "$size MQTT 5-only (no RabbitMQ: no MQTT 5 shared subscriptions)"
    else echo "$size"
    fi
}

main() {
    local start=$SECONDS
    install_missing
    if [ "$BUILD" = 1 ]; then
        log "building (mvn package, tests skipped)"
        (cd "$ROOT" && mvn -B -q -DskipTests package)
    fi
    start_junction
    start_mosquitto
    if [ "$MQTT5_ONLY" = 1 ]; then
        mqtt5_suite junction "$J_PID" $J_MQTT
        mqtt5_suite mosquitto "$M_PID" $M_MQTT
    else
        start_rabbitmq
        tree_suites

        mqtt_suite junction "$J_PID" $J_MQTT $J_AMQP
        mqtt_suite mosquitto "$M_PID" $M_MQTT
        if [ "$R_HAS_MQTT" = 1 ]; then
            mqtt_suite rabbitmq "$R_PID" $R_MQTT $R_AMQP
        fi
        mqtt5_suite junction "$J_PID" $J_MQTT
        mqtt5_suite mosquitto "$M_PID" $M_MQTT
        amqp_suite junction "$J_PID" $J_AMQP
        amqp_suite rabbitmq "$R_PID" $R_AMQP
    fi

    echo
    echo "Junction vs Mosquitto $(dpkg-query -W -f '${Version}' mosquitto 2>/dev/null)$(others) on $(nproc) cores," \
        "$(run_kind) run;" \
        "load average $(cut -d' ' -f1-3 /proc/loadavg); ratios are Junction / other."
    if [ "$MQTT5_ONLY" = 0 ] && [ "$IDLE_ONLY" = 0 ] && [ "$TREE_ONLY" = 0 ]; then
        echo "The v5-* rows are MQTT 5 with topic aliases; RabbitMQ has none (no MQTT 5 shared subscriptions)."
    fi
    print_table
    gc_summary
    if [ "$JFR" = 1 ]; then
        # Dumped while running: Junction halts its JVM after a shutdown, which skips a dump on exit.
        jcmd "$J_PID" JFR.dump filename="$WORK/junction.jfr" > /dev/null
        jfr_summary
    fi
    log "done in $(( SECONDS - start )) s"
}

main
