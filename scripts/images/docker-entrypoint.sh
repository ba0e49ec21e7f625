#!/usr/bin/env bash
# Entry point of the PostgreSQL images scripts/images.sh builds locally (no registry is reachable
# in the lab). It follows the official postgres image's conventions, so a test or an image
# written for that image works unchanged:
#
#   POSTGRES_PASSWORD     the superuser's password; required unless POSTGRES_HOST_AUTH_METHOD=trust
#   POSTGRES_USER         the superuser (default postgres)
#   POSTGRES_DB           a database created at initialisation (default: $POSTGRES_USER)
#   POSTGRES_INITDB_ARGS  more initdb options;  POSTGRES_HOST_AUTH_METHOD  (default scram-sha-256)
#   PGDATA                the data directory (default /var/lib/postgresql/data)
#   *_FILE                each of the above read from a file (Docker secrets)
#   /docker-entrypoint-initdb.d/*.sh, *.sql, *.sql.gz   run once, after initialisation
#
# `docker run IMAGE postgres -c port=55432` initialises an empty PGDATA (as the postgres user,
# uid 999; PGDATA is chowned when started as root), then execs the server with those options.
#
# One difference, on purpose: initdb's own host lines use the same method as the appended
# `host all all all` line (the official image leaves 127.0.0.1 and ::1 on `trust`). With host
# networking every client is on loopback, and a password must still be checked as it would be
# through a published port.
#
# Upgrade mode (the pg-upgrade image, like tianon/postgres-upgrade): `pg_upgrade [OPTIONS]`
# initialises PGDATANEW when empty (with PGBINNEW's initdb, POSTGRES_USER and
# POSTGRES_INITDB_ARGS), runs PGBINNEW's pg_upgrade from PGDATAOLD/PGBINOLD to PGDATANEW/PGBINNEW
# (POSTGRES_UPGRADE_MODE=link|copy|clone adds --link, --copy or --clone) and, when it succeeds,
# gives the new cluster the old one's pg_hba.conf and pg_ident.conf. Mount one volume over
# /var/lib/postgresql so both data directories share a filesystem (needed for --link).
set -Eeo pipefail

# file_env VAR [DEFAULT]: VAR from the environment, or from the file named by VAR_FILE.
file_env() {
  local var=$1 file_var="${1}_FILE" def=${2:-}
  if [[ -n "${!var:-}" && -n "${!file_var:-}" ]]; then
    printf >&2 'error: both %s and %s are set (but are exclusive)\n' "$var" "$file_var"
    exit 1
  fi
  local val=$def
  if [[ -n "${!var:-}" ]]; then
    val=${!var}
  elif [[ -n "${!file_var:-}" ]]; then
    val=$(<"${!file_var}")
  fi
  export "$var"="$val"
  unset "$file_var"
}

setup_env() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
}

# Re-runs this script as the postgres user (setpriv, from util-linux: no gosu in the image).
as_postgres() {
  export HOME=/var/lib/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "${BASH_SOURCE[0]}" "$@"
}

# Creates a data directory with the permissions the server insists on, owned by postgres.
own_dir() {
  mkdir -p "$1"
  chmod 00700 "$1" || :
  find "$1" \! -user postgres -exec chown postgres:postgres '{}' +
}

require_password() {
  [[ -n "$POSTGRES_PASSWORD" || "$POSTGRES_HOST_AUTH_METHOD" == trust ]] && return 0
  cat >&2 <<-'EOM'
	Error: Database is uninitialized and superuser password is not specified.
	       You must specify POSTGRES_PASSWORD to a non-empty value for the
	       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

	       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
	       connections without a password. This is *not* recommended.
	EOM
  exit 1
}

# init_cluster [INITDB]: initdb into $PGDATA, then the host line every client on any address uses.
init_cluster() {
  local initdb=${1:-initdb}
  local args=(--username="$POSTGRES_USER")
  if [[ -n "$POSTGRES_PASSWORD" ]]; then
    # See the header: loopback gets the same method as every other address.
    if [[ "$POSTGRES_HOST_AUTH_METHOD" != trust && ! "$POSTGRES_INITDB_ARGS" =~ (^|[[:space:]])(-A|--auth) ]]; then
      args+=(--auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD")
    fi
    # eval, like the official image: POSTGRES_INITDB_ARGS is split as a shell would split it; the
    # password goes through a pipe, never a file.
    eval '"$initdb" "${args[@]}" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"
  else
    eval '"$initdb" "${args[@]}" '"$POSTGRES_INITDB_ARGS"
  fi
  # Debian's clients (/usr/bin/psql in every image) look for the socket in /var/run/postgresql,
  # as users of the official image do; a source build's default is /tmp: serve both.
  local postgres sockets
  postgres="$(dirname "$(command -v "$initdb")")/postgres"
  sockets=$("$postgres" -C unix_socket_directories -D "$PGDATA")
  if [[ ",$sockets," != *,/var/run/postgresql,* ]]; then
    printf "\nunix_socket_directories = '/var/run/postgresql,%s'\n" "$sockets" >>"$PGDATA/postgresql.conf"
  fi
  {
    printf '\n'
    [[ "$POSTGRES_HOST_AUTH_METHOD" == trust ]] && printf '# warning: trust is enabled for all connections\n'
    printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD"
  } >>"$PGDATA/pg_hba.conf"
}

quote_ident() {
  local s=${1//\"/\"\"}
  printf '"%s"' "$s"
}

# Creates POSTGRES_DB in single-user mode: no temporary server, and no psql needed (the embedded
# build ships only postgres, initdb and pg_ctl).
create_database() {
  [[ "$POSTGRES_DB" == postgres ]] && return 0
  local out
  out=$(printf 'CREATE DATABASE %s;\n' "$(quote_ident "$POSTGRES_DB")" | postgres --single -D "$PGDATA" -c listen_addresses='' postgres 2>&1) || {
    printf '%s\n' "$out" >&2
    exit 1
  }
  if grep -qE '(ERROR|FATAL):' <<<"$out"; then
    printf '%s\n' "$out" >&2
    exit 1
  fi
  printf 'created database %s\n' "$POSTGRES_DB"
}

# Runs /docker-entrypoint-initdb.d against a temporary server that listens on no TCP address.
run_init_scripts() {
  local scripts=()
  shopt -s nullglob
  scripts=(/docker-entrypoint-initdb.d/*)
  shopt -u nullglob
  ((${#scripts[@]} > 0)) || return 0
  # The server's own psql, else any (the embedded build has none; Debian's speaks to it fine).
  local bin psqlbin
  bin=$(dirname "$(command -v postgres)")
  if [[ -x "$bin/psql" ]]; then psqlbin="$bin/psql"; else psqlbin=$(command -v psql) || {
    printf >&2 'error: /docker-entrypoint-initdb.d has scripts but this image has no psql\n'
    exit 1
  }; fi
  # A socket where every client of the image looks (the builds' defaults differ), and no TCP.
  local saved_host=${PGHOST-} saved_port=${PGPORT-}
  export PGHOST=/var/run/postgresql PGPORT="${PGPORT:-5432}"
  set -- "$@" -c listen_addresses='' -c unix_socket_directories="$PGHOST" -p "$PGPORT"
  PGUSER="$POSTGRES_USER" "$bin/pg_ctl" -D "$PGDATA" -w -o "$(printf '%q ' "$@")" start
  local psql=("$psqlbin" -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc --dbname "$POSTGRES_DB")
  local f
  for f in "${scripts[@]}"; do
    case "$f" in
      *.sh)
        if [[ -x "$f" ]]; then
          printf 'running %s\n' "$f"
          "$f"
        else
          printf 'sourcing %s\n' "$f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql) printf 'running %s\n' "$f"; "${psql[@]}" -f "$f" ;;
      *.sql.gz) printf 'running %s\n' "$f"; gunzip -c "$f" | "${psql[@]}" ;;
      *) printf 'ignoring %s\n' "$f" ;;
    esac
  done
  PGUSER="$POSTGRES_USER" "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop
  # The server started next reads PGPORT (and a user's PGHOST) as before.
  if [[ -n "$saved_host" ]]; then PGHOST=$saved_host; else unset PGHOST; fi
  if [[ -n "$saved_port" ]]; then PGPORT=$saved_port; else unset PGPORT; fi
}

server() {
  # "$@" is: postgres [OPTIONS]
  if [[ "$(id -u)" == 0 ]]; then
    own_dir "$PGDATA"
    mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql && chmod 3777 /var/run/postgresql
    as_postgres "$@"
  fi
  if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
    require_password
    mkdir -p "$PGDATA"
    chmod 00700 "$PGDATA" 2>/dev/null || :
    init_cluster initdb
    create_database
    run_init_scripts "${@:2}"
    printf '\nPostgreSQL init process complete; ready for start up.\n\n'
  fi
  exec "$@"
}

upgrade() {
  # "$@" is: pg_upgrade [OPTIONS]
  : "${PGBINOLD:?PGBINOLD is not set}" "${PGBINNEW:?PGBINNEW is not set}"
  : "${PGDATAOLD:?PGDATAOLD is not set}" "${PGDATANEW:?PGDATANEW is not set}"
  export PGBINOLD PGBINNEW PGDATAOLD PGDATANEW
  if [[ "$(id -u)" == 0 ]]; then
    own_dir "$PGDATAOLD"
    own_dir "$PGDATANEW"
    # pg_upgrade writes its sockets and logs in the working directory.
    chown postgres:postgres .
    as_postgres "$@"
  fi
  [[ -s "$PGDATAOLD/PG_VERSION" ]] || { printf >&2 'error: PGDATAOLD (%s) holds no cluster\n' "$PGDATAOLD"; exit 1; }
  if [[ ! -s "$PGDATANEW/PG_VERSION" ]]; then
    PGDATA=$PGDATANEW init_cluster "$PGBINNEW/initdb"
  fi
  local mode=()
  case "${POSTGRES_UPGRADE_MODE:-}" in
    '') ;;
    link | copy | clone) mode=("--$POSTGRES_UPGRADE_MODE") ;;
    *) printf >&2 'error: POSTGRES_UPGRADE_MODE must be link, copy or clone, not "%s"\n' "$POSTGRES_UPGRADE_MODE"; exit 1 ;;
  esac
  [[ -w . ]] || cd "$(dirname "$PGDATANEW")"
  PGUSER="${PGUSER:-$POSTGRES_USER}" "$PGBINNEW/pg_upgrade" "${mode[@]}" "${@:2}"
  cp "$PGDATAOLD/pg_hba.conf" "$PGDATAOLD/pg_ident.conf" "$PGDATANEW/"
  printf 'upgrade complete: %s (%s) -> %s (%s)\n' "$PGDATAOLD" "$(cat "$PGDATAOLD/PG_VERSION")" "$PGDATANEW" "$(cat "$PGDATANEW/PG_VERSION")"
}

# The upgrade image (it sets PGBINOLD) takes bare options as pg_upgrade's, like
# tianon/postgres-upgrade; every other image as the server's, like the official image.
if [[ $# -eq 0 || "${1:0:1}" == - ]]; then
  if [[ -n "${PGBINOLD:-}" ]]; then set -- pg_upgrade "$@"; else set -- postgres "$@"; fi
fi

case "$1" in
  postgres) setup_env; server "$@" ;;
  pg_upgrade) setup_env; upgrade "$@" ;;
  *) exec "$@" ;;
esac
