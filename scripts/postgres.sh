# Sourced by test.sh: a throwaway PostgreSQL server for the tests that run the store on PostgreSQL.
#
# Only when WORKBENCH_TEST_PG_URL is unset and we run as root with apt-get (CI, a fresh container):
# installs Debian's postgresql package if missing, creates a cluster in a temporary directory, starts
# it on a free port of 127.0.0.1 (no other address, no shared socket directory), exports
# WORKBENCH_TEST_PG_URL, and stops and deletes the cluster when test.sh exits. Elsewhere point
# WORKBENCH_TEST_PG_URL at a server of your own (a database the tests may create databases in), or
# leave it unset and the PostgreSQL variants of the tests are skipped.
if [ -z "${WORKBENCH_TEST_PG_URL:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  _pg_bin="$(dirname "$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
  # initdb refuses to run as root: the cluster belongs to the package's postgres user (or our own).
  _pg_user=postgres
  if ! id "$_pg_user" >/dev/null 2>&1; then
    _pg_user=workbench-pg
    id "$_pg_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$_pg_user"
  fi
  _pg_dir="$(mktemp -d /tmp/workbench-pg.XXXXXX)"
  chown "$_pg_user" "$_pg_dir"
  _pg_password="$("${PYTHON:-python3}" -c 'import secrets; print(secrets.token_hex(16))')"
  _pg_port="$("${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  printf '%s\n' "$_pg_password" >"$_pg_dir/pwfile"
  chown "$_pg_user" "$_pg_dir/pwfile"
  chmod 600 "$_pg_dir/pwfile"

  _pg_stop() {
    local rc=$?
    (cd "$_pg_dir" && runuser -u "$_pg_user" -- "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -m fast stop \
      >/dev/null 2>&1) || true
    rm -rf "$_pg_dir"
    return "$rc"
  }
  trap _pg_stop EXIT

  # fsync off: a throwaway cluster for tests; durability is SQLite's and the real server's concern.
  (cd "$_pg_dir" && runuser -u "$_pg_user" -- "$_pg_bin/initdb" -D "$_pg_dir/data" -U workbench \
    --pwfile="$_pg_dir/pwfile" --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >/dev/null)
  if ! (cd "$_pg_dir" && runuser -u "$_pg_user" -- "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -w -t 60 \
        -l "$_pg_dir/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $_pg_port -k $_pg_dir -c fsync=off -c max_connections=100" \
        start >/dev/null); then
    echo "test.sh: could not start PostgreSQL for the tests; its log:" >&2
    cat "$_pg_dir/server.log" >&2
    exit 1
  fi
  export WORKBENCH_TEST_PG_URL="postgresql+psycopg://workbench:${_pg_password}@127.0.0.1:${_pg_port}/postgres"
  echo "test.sh: PostgreSQL $(basename "$(dirname "$_pg_bin")") for the tests on 127.0.0.1:${_pg_port}"
fi
