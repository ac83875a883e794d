#!/bin/sh
# The part of the official postgres image's entrypoint that Cosmic relies on: on an empty $PGDATA,
# initdb with POSTGRES_USER (default postgres) as superuser and POSTGRES_PASSWORD, create
# POSTGRES_DB (default: the user's name), accept password logins from the network; then run the
# server as the postgres user in the foreground (it is PID 1 and gets the stop signal).
set -eu
if [ $# -gt 0 ] && [ "$1" != postgres ]; then exec "$@"; fi
[ $# -gt 0 ] && shift  # what follows "postgres" goes to the server, e.g. -c fsync=off
case " $* " in *" -V "* | *" --version "* | *" --help "* | *" --describe-config "*) exec postgres "$@" ;; esac
user=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$user}
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

mkdir -p "$PGDATA"
chown postgres:postgres "$PGDATA"
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "error: POSTGRES_PASSWORD must be set (as with the official image)" >&2
        exit 1
    fi
    password_file=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$password_file"
    chown postgres "$password_file"
    as_postgres initdb -D "$PGDATA" -U "$user" --pwfile="$password_file" -E UTF8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$password_file"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
    if [ "$database" != postgres ]; then
        # A server on the Unix socket only, as the official image does while it initialises.
        as_postgres pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
        as_postgres psql -v ON_ERROR_STOP=1 -U "$user" -d postgres -qc "CREATE DATABASE \"$database\""
        as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    fi
    echo "PostgreSQL initialised: user $user, database $database"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres "$@"
