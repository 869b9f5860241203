#!/usr/bin/env bash
# `make test`: the whole suite on SQLite, then the database-backed tests on PostgreSQL.
# Without a reachable PostgreSQL the second half is skipped loudly, unless
# KIPU_REQUIRE_POSTGRES=1 (as in CI), which turns the skip into a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${KIPU_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/kipu_test}"

echo "== Kipu tests on SQLite =="
# Two workers: the machines have two cores. Whole files go to one worker (shared fixtures).
PARALLEL=(-n "${KIPU_TEST_WORKERS:-2}" --dist loadfile)
env -u DATABASE_URL "$BIN/pytest" -q -p no:cacheprovider "${PARALLEL[@]}" "$@"
sqlite_status=$?

echo "== Kipu tests on PostgreSQL ($PG_URL) =="
if "$BIN/python" -m kipu.web.database ping "$PG_URL"; then
  # Not again what cannot differ on PostgreSQL: rendering documents, and the tests marked
  # backend_independent (pyproject.toml).
  DATABASE_URL="$PG_URL" "$BIN/pytest" -q -p no:cacheprovider "${PARALLEL[@]}" \
    -m "not render and not backend_independent" tests/web tests/cli "$@"
  pg_status=$?
elif [ "${KIPU_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "!! PostgreSQL is not reachable at $PG_URL and KIPU_REQUIRE_POSTGRES=1: failing." >&2
  pg_status=1
else
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!! PostgreSQL is not reachable at $PG_URL: the PostgreSQL half was SKIPPED.    " >&2
  echo "!! Set KIPU_TEST_POSTGRES_URL, or KIPU_REQUIRE_POSTGRES=1 to make this an error. " >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  pg_status=0
fi

if [ $sqlite_status -ne 0 ] || [ $pg_status -ne 0 ]; then
  echo "== FAILED (sqlite: $sqlite_status, postgresql: $pg_status) ==" >&2
  exit 1
fi
echo "== All test runs passed =="
