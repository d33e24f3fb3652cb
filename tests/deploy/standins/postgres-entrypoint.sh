#!/bin/sh
# initdb on an empty PGDATA with POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB, then run the server in the foreground.
set -eu
BIN=/usr/lib/postgresql/15/bin
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}" "${POSTGRES_PASSWORD:?}"
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/pwfile && chown postgres /tmp/pwfile
  runuser -u postgres -- "$BIN/initdb" --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile=/tmp/pwfile \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f /tmp/pwfile
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  runuser -u postgres -- "$BIN/pg_ctl" --pgdata="$PGDATA" --wait --silent -o "-c listen_addresses=''" start
  if [ "$POSTGRES_DB" != postgres ]; then
    runuser -u postgres -- "$BIN/psql" --username="$POSTGRES_USER" --dbname=postgres --quiet \
      --command="CREATE DATABASE \"$POSTGRES_DB\""
  fi
  runuser -u postgres -- "$BIN/pg_ctl" --pgdata="$PGDATA" --wait --silent stop
fi
exec runuser -u postgres -- "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*' \
  -c unix_socket_directories=/var/run/postgresql
