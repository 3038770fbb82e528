#!/usr/bin/env bash
# Headless, time-bounded Locust run against gunicorn on loopback (127.0.0.1 only).
#
#   DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_perf benchmarks/loadtest.sh
#   USERS=60 DURATION=120s WORKERS=2 PORT=8001 benchmarks/loadtest.sh
#
# Uses the data already in DATABASE_URL (seed it with `python -m benchmarks.harness ...` or
# `manage.py seed_demo --minimal --customers N --managers M`). Starts gunicorn, waits for /api/health, runs
# benchmarks/locustfile.py, writes CSV figures to $OUT (default benchmarks/results/loadtest-*), stops
# gunicorn, and exits non-zero when any request failed. Needs requirements-bench.txt (locust).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

# The clone's own environment (`make install-dev`), or PY=/path/to/python.
PY=${PY:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || { echo "No Python at $PY: run 'make install-dev' first, or set PY." >&2; exit 1; }
BIN=$(dirname "$PY")
PORT=${PORT:-8001}
WORKERS=${WORKERS:-2}
USERS=${USERS:-40}
SPAWN=${SPAWN:-10}
DURATION=${DURATION:-60s}
OUT=${OUT:-benchmarks/results/loadtest-$(date -u +%Y%m%dT%H%M%SZ)}
export DATABASE_URL=${DATABASE_URL:-mysql://root:@127.0.0.1:3306/portrait_perf}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portrait.settings.base}
export DEBUG=${DEBUG:-0}
export SECRET_KEY=${SECRET_KEY:-loadtest-only-secret-key-not-for-production-use}
export ALLOWED_HOSTS=127.0.0.1,localhost
export CONN_MAX_AGE=${CONN_MAX_AGE:-60}
export CACHE_URL=${CACHE_URL:-redis://127.0.0.1:6379/8}
# Every simulated user signs in from 127.0.0.1: lift the per-address sign-in rate limit for the test.
export API_AUTH_THROTTLE_RATE=${API_AUTH_THROTTLE_RATE:-100000/minute}
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
export LOCUST_CUSTOMERS=${LOCUST_CUSTOMERS:-$("$PY" manage.py shell --verbosity 0 -c "from accounts.models import User; print(User.objects.filter(username__startswith='syn_c').count())")}
export LOCUST_MANAGERS=${LOCUST_MANAGERS:-$("$PY" manage.py shell --verbosity 0 -c "from accounts.models import User; print(User.objects.filter(username__startswith='syn_m').count())")}
mkdir -p "$(dirname "$OUT")"

"$PY" manage.py collectstatic --noinput -v0 >/dev/null 2>&1 || true
"$BIN/gunicorn" portrait.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --access-logfile /dev/null \
    --error-logfile "$OUT-gunicorn.log" &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break
    sleep 1
done
echo "gunicorn $WORKERS worker(s) on 127.0.0.1:$PORT; $LOCUST_CUSTOMERS customers, $LOCUST_MANAGERS managers; $USERS users for $DURATION"
status=0
"$BIN/locust" -f benchmarks/locustfile.py --headless -H "http://127.0.0.1:$PORT" -u "$USERS" -r "$SPAWN" \
    -t "$DURATION" --csv "$OUT" --only-summary --stop-timeout 10 || status=$?
echo "figures: $OUT""_stats.csv (requests per second, p95 per endpoint); failures: $OUT""_failures.csv"
exit $status
