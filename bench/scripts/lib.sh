# Helpers the benchmark scripts share; sourced, not run.

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

wait_for_port() {  # port seconds
    local deadline=$(( SECONDS + $2 ))
    until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
            echo "nothing listens on 127.0.0.1:$1 after $2 s" >&2
            return 1
        fi
        sleep 0.2
    done
}

cpu_ms() {  # utime + stime of /proc/<pid>/stat, in milliseconds (USER_HZ ticks)
    local hz; hz=$(getconf CLK_TCK)
    awk -v hz="$hz" '{ sub(/.*\) /, ""); print int(($12 + $13) * 1000 / hz) }' "/proc/$1/stat"
}
