# Shared by scripts/test and scripts/run: install what a fresh machine of this kind lacks, and
# manage a throwaway PostgreSQL cluster. Sourced, not run.

log() { printf '\033[1m[cosmic %s]\033[0m %s\n' "$(date +%T)" "$*" >&2; }

# Whether a Debian package is installed (not merely known: a removed one keeps `dpkg -s` happy).
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# Debian packages the build needs (libzmq for the transport, SQLite headers for GRDB), and
# PostgreSQL, which the tests and scripts/run start.
missing_build_packages() {
    installed libzmq3-dev || echo libzmq3-dev
    installed libsqlite3-dev || echo libsqlite3-dev
    command -v openssl >/dev/null 2>&1 || echo openssl  # certificates for the test clusters' TLS
    command -v python3 >/dev/null 2>&1 || echo python3  # the scripts' helpers (free ports, health polls)
    if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        echo postgresql
    fi
}

# Debian packages only some tests need.
missing_test_packages() {
    installed chromium || echo chromium  # renders the query dashboard in tests
    installed python3-yaml || echo python3-yaml  # reads the compose file as docker-compose 1.29 does
    # checks the query service's answers against the OpenAPI file
    python3 -c 'import jsonschema' 2>/dev/null || echo python3-jsonschema
}

# install_packages PACKAGE...: apt-get install, after one apt-get update per script run.
apt_updated=""
install_packages() {
    [ $# -gt 0 ] || return 0
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    if [ -z "$apt_updated" ]; then
        $sudo apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# debug_build [swift build options]: the debug build every script shares, so that none undoes
# another's: without indexing but for the test targets. SwiftPM's test discovery on Linux reads
# the test targets' index (even with --disable-xctest); indexing every dependency too cost a
# seventh of a clean build (358 s against 311 s here). Package.swift gives the test targets the
# store named in COSMIC_TEST_INDEX_STORE. Progress lines ("[12/345] Compiling …") are dropped;
# warnings and errors stay.
debug_build() {
    COSMIC_TEST_INDEX_STORE="$(swift build --show-bin-path)/index/store"
    export COSMIC_TEST_INDEX_STORE
    swift build --disable-index-store "$@" 2>&1 | awk '!/^\[[0-9]+\/[0-9]+\]/'
}

# Everything the build and the tests need, installed now.
ensure_packages() {
    local missing
    mapfile -t missing < <(missing_build_packages; missing_test_packages)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        install_packages "${missing[@]}"
    fi
}

# PostgreSQL's server binaries: on PATH, or in Debian's versioned folder.
pg_bin() {
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# make_certificates DIR: a throwaway certificate authority (DIR/ca.crt) and a server certificate it
# signed for localhost and 127.0.0.1 (DIR/server.crt, DIR/server.key), for TLS to a test cluster.
make_certificates() {
    local dir=$1
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cosmic test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" \
        >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
        -extfile "$dir/san.ext" -out "$dir/server.crt" >/dev/null 2>&1
    chmod 600 "$dir/server.key" "$dir/ca.key"
}

# start_postgres DIR [fsync on|off] [max_connections]: a new cluster in DIR on a free loopback port;
# sets PG_URL, PG_DIR and PG_CA. The test suite runs dozens of services side by side, each with a
# pool of its own, and asks for more connections than the default 200. The cluster speaks TLS too,
# with a certificate of a throwaway authority (PG_CA), for `sslmode` in the database URL; plain
# connections still work.
# initdb refuses to run as root, so the cluster belongs to the postgres user when we are root.
start_postgres() {
    local dir=$1 fsync=${2:-on} connections=${3:-200} bin port as=()
    bin=$(pg_bin)
    port=$(free_port)
    mkdir -p "$dir"
    make_certificates "$dir/tls"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown -R postgres "$dir"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U cosmic --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=$fsync -c max_connections=$connections \
            -c ssl=on -c ssl_cert_file=$dir/tls/server.crt -c ssl_key_file=$dir/tls/server.key" >/dev/null \
        || { cat "$dir/postgres.log" >&2; return 1; }
    local psql; psql=$(command -v psql || echo "$bin/psql")
    "$psql" -h 127.0.0.1 -p "$port" -U cosmic -d postgres -qc "CREATE DATABASE cosmic" >/dev/null
    PG_DIR=$dir
    PG_CA=$dir/tls/ca.crt
    PG_URL="postgres://cosmic@127.0.0.1:$port/cosmic"
    PG_AS=("${as[@]}")
}

stop_postgres() {
    [ -n "${PG_DIR:-}" ] || return 0
    "${PG_AS[@]}" "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
}

# Secure mode's keys for a local run, made once in folder $1 by the `cosmic` binary $2 (`cosmic keys
# setup`): the command service's, the query service's (reader), and the CLI's default `cli` plus alice,
# bob and carol for the README's walkthrough. Exports the folder for the CLI.
make_local_keys() {
    "$2" keys setup "$1" >/dev/null
    export COSMIC_KEY_DIR=$1
}
