# shellcheck shell=bash
# Process bookkeeping shared by wordpress.sh, ghost.sh and bluesky.sh (sourced, never run).
#
# The sourcing script sets, before calling anything here:
#   SCRIPT_NAME    prefix of its log lines ("wordpress.sh")
#   D              its data dir (absolute once `up`/`down` resolved it)
#   READY_TIMEOUT  seconds a server may take to answer (wait_http)
#   STOP_TIMEOUT   seconds a process group gets after TERM before KILL (default 15)
# and may redefine pid_is_ours (below) when its server's command line does not name D.
#
# The rules, the same for every server: each runs in its own session / process group whose
# leader's pid (= the group id) is recorded in D/NAME.pid; a pid file is trusted only while
# that process is alive and is ours, so a recycled pid of an unrelated process is never
# signalled; stopping signals the whole group, by pid, never by name.

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Whether pid $1 is the server this data dir started: by default its command line names D.
pid_is_ours() {
    [[ -r /proc/$1/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$D"
}

running_pid() {  # running_pid NAME : prints the recorded pid if that server still runs
    local f="$D/$1.pid" pid
    [[ -s $f ]] || return 1
    pid=$(<"$f")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    pid_is_ours "$pid" || return 1
    printf '%s' "$pid"
}

# Alive and not a zombie: pid 1 on some machines is slow to reap orphans (seconds).
alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z ]]
}

# The recorded pid is the new session's leader, so it is also the process group id. The
# leader writes its own pid before exec'ing the server: right even if setsid had to fork.
# The server gets neither lock descriptor (8: install cache, 9: data dir), so it never
# holds a lock after the script exits.
start_group() {  # start_group NAME LOGFILE CMD... : own session/process group, pid recorded
    local name=$1 logf=$2 i; shift 2
    rm -f "$D/$name.pid"
    # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell
    setsid bash -c 'printf "%s" "$$" >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
        "$D/$name.pid" "$@" >>"$logf" 2>&1 </dev/null 8>&- 9>&- &
    for ((i = 0; i < 50; i++)); do [[ -s $D/$name.pid ]] && return 0; sleep 0.1; done
    die "could not start $name (log: $logf)"
}

stop_group() {  # stop_group NAME : TERM the group, KILL it after STOP_TIMEOUT seconds
    local name=$1 limit=${STOP_TIMEOUT:-15} pid i
    if ! pid=$(running_pid "$name"); then rm -f "$D/$name.pid"; return 0; fi
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < limit * 10; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        log "$name (pgid $pid) did not stop in $limit s; sending KILL"
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$D/$name.pid"
}

# wait_http WHAT URL NAME LOGFILE [STEP_S] [MAX_TIME_S] [TAIL_LINES]: poll URL until it
# answers 200, giving up after READY_TIMEOUT seconds or as soon as server NAME has died;
# then the log's tail goes to stderr and the script dies.
wait_http() {
    local what=$1 url=$2 name=$3 logf=$4 step=${5:-0.1} max_time=${6:-2} lines=${7:-20}
    local tries i code
    tries=$(awk -v t="$READY_TIMEOUT" -v s="$step" 'BEGIN { printf "%d", t / s }')
    for ((i = 0; i < tries; i++)); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$max_time" "$url" || true)
        [[ $code == 200 ]] && return 0
        alive "$(<"$D/$name.pid")" || break
        sleep "$step"
    done
    tail -n "$lines" "$logf" >&2 || true
    die "$what did not answer 200 at $url within ${READY_TIMEOUT}s (log: $logf)"
}

# One `up`/`down` at a time per data dir (two test sessions may start together).
lock_data_dir() {  # lock_data_dir SECONDS
    exec 9>"$D/.lock"
    flock -w "$1" 9 || die "timed out waiting for the lock on $D"
}

free_port() {  # a port nothing listens on now, on 127.0.0.1
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_free() {  # port_free PORT : true if 127.0.0.1:PORT can be bound now
    python3 -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' \
        "$1" 2>/dev/null
}

# apt_install PACKAGE... : as root, with --no-install-recommends, behind a temporary
# /usr/sbin/policy-rc.d (exit 101) so apt starts no system service -- nothing may end up
# listening on 0.0.0.0 or outliving the tests. An existing policy-rc.d is left alone.
apt_install() {
    local had_policy=0
    [[ -e /usr/sbin/policy-rc.d ]] && had_policy=1
    if ((had_policy == 0)); then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
    if ((had_policy == 0)); then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
}
