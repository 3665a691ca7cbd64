#!/usr/bin/env bash
# The generator oracle for the fidelity suite: Debian's jekyll and hugo packages.
#
#   tests/servers/generators.sh          install them if missing (INSTALLS SYSTEM PACKAGES,
#                                        needs root or sudo), then print their versions
#
# Nothing is started: the suite runs `jekyll build` / `hugo` itself into temporary folders.
# apt is told (policy-rc.d) to start no service while installing.
set -euo pipefail

log() { printf 'generators.sh: %s\n' "$*" >&2; }

missing=()
command -v jekyll >/dev/null 2>&1 || missing+=(jekyll)
command -v hugo >/dev/null 2>&1 || missing+=(hugo)

if ((${#missing[@]})); then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    log "installing system packages: ${missing[*]}"
    policy=/usr/sbin/policy-rc.d
    made_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
        $SUDO chmod +x "$policy"
        made_policy=1
    fi
    trap '[[ $made_policy -eq 1 ]] && $SUDO rm -f "$policy"' EXIT
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

jekyll --version
hugo version
