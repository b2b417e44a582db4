#!/usr/bin/env bash
# Docker engine + local PostgreSQL image for the testcontainers tests (issue 9).
#
#   eval "$(scripts/ci-docker.sh)"      # start (or reuse) an engine, build the image, print exports
#   scripts/ci-docker.sh stop           # stop the engine this script started (by its pid)
#   scripts/ci-docker.sh status         # say whether our engine runs and the image exists
#
# `start` (the default) is idempotent: it reuses the engine it started earlier, installs
# docker.io/debootstrap only when missing and builds the image only when it is missing or
# its entrypoint changed. Everything meant for `eval` goes to stdout; progress and errors
# go to stderr. When the engine cannot start it says why and exits non-zero, so CI fails.
#
# CI machines have no image registry and no bridge networking (no iptables), hence:
# `dockerd --iptables=false --bridge=none`, containers on the host network, and an image
# built locally from Debian packages (debootstrap) instead of pulling postgres:15.
#
# Overridable: ATTUNE_DOCKER_STATE (state dir, default /run/attune-lint-docker),
# ATTUNE_DOCKER_DATA (data root, default /var/lib/attune-lint-docker: keeps the image
# between runs), ATTUNE_PG_LOCAL_IMAGE (tag, default attune-lint/postgres:15-local),
# ATTUNE_DEBIAN_MIRROR (default: the mirror apt is configured with).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE_DIR="${ATTUNE_DOCKER_STATE:-/run/attune-lint-docker}"
DATA_ROOT="${ATTUNE_DOCKER_DATA:-/var/lib/attune-lint-docker}"
IMAGE="${ATTUNE_PG_LOCAL_IMAGE:-attune-lint/postgres:15-local}"
SOCKET="$STATE_DIR/docker.sock"
PIDFILE="$STATE_DIR/dockerd.pid"
LOGFILE="$STATE_DIR/dockerd.log"
ENTRYPOINT_SRC="$HERE/docker/postgres-entrypoint.sh"
# Containers started by attune_lint.registrar.containers carry this label; `stop`
# removes any left behind (a killed test run cannot run its atexit handler).
OWNER_LABEL="attune-lint.owner=attune-lint"

log() { printf 'ci-docker: %s\n' "$*" >&2; }
die() { printf 'ci-docker: ERROR: %s\n' "$*" >&2; exit 1; }

our_host() { printf 'unix://%s' "$SOCKET"; }

# True when an engine answers at $1 (a DOCKER_HOST value) within a few seconds.
engine_answers() {
    DOCKER_HOST="$1" timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# The pid recorded by `start`, only if that process is still a running dockerd...
our_pid() {
    [ -s "$PIDFILE" ] || return 1
    local pid
    pid="$(cat "$PIDFILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "dockerd" ] || return 1
    # ...and it is ours (serving our socket), not another dockerd that reused the pid.
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    [[ "$cmdline" == *"unix://$SOCKET "* ]] || return 1
    printf '%s' "$pid"
}

install_missing() {
    local pkgs=()
    command -v dockerd >/dev/null 2>&1 || pkgs+=(docker.io)
    command -v docker >/dev/null 2>&1 || pkgs+=(docker.io)
    command -v debootstrap >/dev/null 2>&1 || pkgs+=(debootstrap)
    [ "${#pkgs[@]}" -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing ${pkgs[*]} and not root: install them (apt-get install docker.io debootstrap)"
    command -v apt-get >/dev/null 2>&1 || die "missing ${pkgs[*]} and no apt-get on this machine"
    log "installing ${pkgs[*]} (apt)"
    apt-get update -qq >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        $(printf '%s\n' "${pkgs[@]}" | sort -u) >&2 || die "apt-get install ${pkgs[*]} failed"
}

start_engine() {
    local pid
    if pid="$(our_pid)"; then
        if engine_answers "$(our_host)"; then
            log "dockerd already running (pid $pid)"
            return 0
        fi
    fi
    [ "$(id -u)" -eq 0 ] || die "no Docker engine answers and starting dockerd needs root"
    mkdir -p "$STATE_DIR" "$DATA_ROOT"
    rm -f "$SOCKET"
    log "starting dockerd (log: $LOGFILE)"
    # setsid: the engine must outlive this script and not get the CI shell's signals.
    # No iptables and no default bridge: the machine has no NAT; containers use --network host.
    setsid dockerd \
        --host "$(our_host)" \
        --data-root "$DATA_ROOT" \
        --exec-root "$STATE_DIR/exec" \
        --pidfile "$STATE_DIR/dockerd.self.pid" \
        --iptables=false --ip6tables=false --bridge=none \
        >"$LOGFILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PIDFILE"
    local waited=0
    until engine_answers "$(our_host)"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$LOGFILE" >&2 || true
            rm -f "$PIDFILE"
            die "dockerd exited during startup (see the log lines above: $LOGFILE)"
        fi
        if [ "$waited" -ge 60 ]; then
            tail -n 20 "$LOGFILE" >&2 || true
            die "dockerd (pid $pid) did not answer on $SOCKET within 60 s"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    log "dockerd answers (pid $pid, after ${waited}s)"
}

debian_mirror() {
    if [ -n "${ATTUNE_DEBIAN_MIRROR:-}" ]; then
        printf '%s' "$ATTUNE_DEBIAN_MIRROR"
        return
    fi
    local uri=""
    # deb822 sources first (Debian 12 default), then one-line sources.
    if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
        uri="$(awk '
            /^URIs:/ { uris = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") hit = 1 }
            /^$/ { if (hit && uris != "") { print uris; exit } hit = 0; uris = "" }
            END { if (hit && uris != "") print uris }
        ' /etc/apt/sources.list.d/*.sources | head -n 1)"
    fi
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        uri="$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)"
    fi
    printf '%s' "${uri:-http://deb.debian.org/debian}"
}

entrypoint_sum() { sha256sum "$ENTRYPOINT_SRC" | cut -c1-16; }

image_is_current() {
    local have
    have="$(DOCKER_HOST="$(our_host)" docker image inspect \
        --format '{{ index .Config.Labels "attune-lint.entrypoint" }}' "$IMAGE" 2>/dev/null)" || return 1
    [ "$have" = "$(entrypoint_sum)" ]
}

build_image() {
    if image_is_current; then
        log "image $IMAGE present"
        return 0
    fi
    local mirror work rootfs t0
    mirror="$(debian_mirror)"
    work="$(mktemp -d /var/tmp/attune-pg-image.XXXXXX)"
    rootfs="$work/rootfs"
    # shellcheck disable=SC2064  # expand $work now
    trap "rm -rf '$work'" EXIT
    t0=$(date +%s)
    log "building $IMAGE: debootstrap bookworm + postgresql-15 from $mirror"
    debootstrap --variant=minbase --include=postgresql-15 bookworm "$rootfs" "$mirror" \
        >"$work/debootstrap.log" 2>&1 || {
        tail -n 30 "$work/debootstrap.log" >&2
        die "debootstrap failed (mirror $mirror)"
    }
    # The package's own cluster and the download caches are dead weight in the image.
    rm -rf "$rootfs/var/lib/postgresql/15" "$rootfs/etc/postgresql/15" \
        "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"* \
        "$rootfs/usr/share/doc" "$rootfs/usr/share/man"
    install -m 0755 "$ENTRYPOINT_SRC" "$rootfs/usr/local/bin/attune-pg-entrypoint"
    # PGDATA's parent and the socket directory must belong to the postgres user.
    chroot "$rootfs" install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data
    chroot "$rootfs" install -d -o postgres -g postgres -m 2775 /var/run/postgresql
    log "importing the root file system as $IMAGE"
    tar --numeric-owner -C "$rootfs" -c . | DOCKER_HOST="$(our_host)" docker import \
        -c 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        -c 'ENV PGDATA=/var/lib/postgresql/data' \
        -c 'ENV LANG=C.UTF-8' \
        -c 'USER postgres' \
        -c 'EXPOSE 5432' \
        -c "LABEL attune-lint.entrypoint=$(entrypoint_sum)" \
        -c 'ENTRYPOINT ["/usr/local/bin/attune-pg-entrypoint"]' \
        -c 'CMD ["postgres"]' \
        - "$IMAGE" >&2 || die "docker import of $IMAGE failed"
    rm -rf "$work"
    trap - EXIT
    log "image $IMAGE built in $(( $(date +%s) - t0 ))s"
}

print_exports() {
    printf 'export DOCKER_HOST=%q\n' "$(our_host)"
    printf 'export ATTUNE_PG_IMAGE=%q\n' "$IMAGE"
    printf 'export ATTUNE_PG_NETWORK=host\n'
    printf 'export TESTCONTAINERS_RYUK_DISABLED=true\n'
}

cmd_start() {
    install_missing
    start_engine
    build_image
    print_exports
}

cmd_stop() {
    local pid
    if ! pid="$(our_pid)"; then
        rm -f "$PIDFILE"
        log "no dockerd started by this script is running"
        return 0
    fi
    # Remove containers our tests left behind (e.g. a killed pytest) before the engine goes.
    local leftovers
    leftovers="$(DOCKER_HOST="$(our_host)" timeout 10 docker ps -aq --filter "label=$OWNER_LABEL" 2>/dev/null || true)"
    if [ -n "$leftovers" ]; then
        log "removing leftover containers: $(echo "$leftovers" | tr '\n' ' ')"
        # shellcheck disable=SC2086
        DOCKER_HOST="$(our_host)" timeout 30 docker rm -f -v $leftovers >/dev/null 2>&1 || true
    fi
    log "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge 30 ]; then
            log "dockerd (pid $pid) still running after 15 s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    rm -f "$PIDFILE"
    log "dockerd stopped"
}

cmd_status() {
    local pid
    if pid="$(our_pid)" && engine_answers "$(our_host)"; then
        log "dockerd running (pid $pid) on $SOCKET"
        if image_is_current; then log "image $IMAGE present"; else log "image $IMAGE missing or outdated"; fi
        return 0
    fi
    log "dockerd not running"
    return 1
}

case "${1:-start}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) print_exports ;;
    *) die "usage: $0 [start|stop|status|env]" ;;
esac
