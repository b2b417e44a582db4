#!/bin/sh
# Entrypoint of the locally built PostgreSQL image (scripts/ci-docker.sh builds it with
# debootstrap + `docker import`, because no image registry is reachable on CI).
#
# It honours the same environment as the official `postgres` image, which is what
# testcontainers' PostgresContainer sets: POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB,
# PGDATA and PGPORT. Arguments are passed to the server like the official image's
# (`postgres -c name=value ...`, a leading "postgres" is accepted and dropped).
#
# The image runs as the `postgres` user (USER in the image), so no privilege dropping here.
set -eu

: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set (the server accepts TCP clients only with a password)}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
export PGDATA

if [ "${1:-}" = "postgres" ]; then
    shift
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    # The password reaches initdb through a file, never the command line (ps would show it).
    pwfile="$(mktemp)"
    trap 'rm -f "$pwfile"' EXIT
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --no-locale --no-sync > /dev/null
    rm -f "$pwfile"
    trap - EXIT
    # initdb only allows 127.0.0.1/::1 over TCP; with a published port (bridge network)
    # clients arrive from the bridge gateway, as with the official image.
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"

    if [ "$POSTGRES_DB" != "postgres" ]; then
        # An identifier: double any double quote, then quote it.
        db_ident="$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')"
        out="$(printf 'CREATE DATABASE "%s" OWNER "%s"\n' "$db_ident" \
            "$(printf '%s' "$POSTGRES_USER" | sed 's/"/""/g')" \
            | postgres --single -D "$PGDATA" -c fsync=off postgres 2>&1)"
        # postgres --single exits 0 even when the statement fails: look for the error.
        case "$out" in
            *ERROR:*|*FATAL:*) printf '%s\n' "$out" >&2; exit 1 ;;
        esac
    fi
    echo "attune-lint entrypoint: database cluster initialised in $PGDATA" >&2
fi

# Default: listen everywhere inside the container (a published port needs it); host
# networking passes `-c listen_addresses=127.0.0.1`, which wins because it comes later.
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
