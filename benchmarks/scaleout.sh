#!/usr/bin/env bash
# Scale-out check on real components, all on this machine: two gunicorn instances on two loopback ports,
# two Celery workers, one MariaDB, one Redis (db 7 unless REDIS_URL says otherwise).
#
#   DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_perf benchmarks/scaleout.sh
#
# Then benchmarks/scaleout_check.py signs in on one instance and continues on the other (sessions live in
# the database), starts runs from both at once (they must not interleave, capacity must hold, every run
# must be recorded), and kills a worker mid-run (the run and its job must end failed, nothing half-written, the lock
# free for the next run). Exits non-zero when a check fails. Everything it started is stopped at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

# The clone's own environment (`make install-dev`), or PY=/path/to/python.
PY=${PY:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || { echo "No Python at $PY: run 'make install-dev' first, or set PY." >&2; exit 1; }
BIN=$(dirname "$PY")
PORT_A=${PORT_A:-8011}
PORT_B=${PORT_B:-8012}
LOGS=${LOGS:-$(mktemp -d /tmp/portrait-scaleout-XXXX)}
mkdir -p "$LOGS"
export DATABASE_URL=${DATABASE_URL:-mysql://root:@127.0.0.1:3306/portrait_perf}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/7}
export CACHE_URL=${CACHE_URL:-redis://127.0.0.1:6379/8}
# A RUNNING run older than this wait + 60 s belongs to a dead process (the kill check waits that long).
export PORTRAIT_RUN_LOCK_WAIT_SECONDS=${PORTRAIT_RUN_LOCK_WAIT_SECONDS:-10}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portrait.settings.base}
export DEBUG=${DEBUG:-0}
export SECRET_KEY=${SECRET_KEY:-scaleout-only-secret-key-not-for-production-use}
export ALLOWED_HOSTS=127.0.0.1,localhost
export LOG_LEVEL=${LOG_LEVEL:-INFO}

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

"$PY" manage.py migrate -v0
"$PY" manage.py collectstatic --noinput -v0 >/dev/null 2>&1 || true
for port in "$PORT_A" "$PORT_B"; do
    "$BIN/gunicorn" portrait.wsgi --bind "127.0.0.1:$port" --workers 1 --access-logfile /dev/null \
        --error-logfile "$LOGS/gunicorn-$port.log" &
    pids+=($!)
done
for name in w1 w2; do
    # --pool solo: one task at a time per worker, so killing the process kills the run it holds.
    "$BIN/celery" -A portrait worker -n "$name@%h" --pool solo --loglevel INFO \
        --pidfile "$LOGS/$name.pid" >"$LOGS/celery-$name.log" 2>&1 &
    pids+=($!)
done
for port in "$PORT_A" "$PORT_B"; do
    up=0
    for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && { up=1; break; }; sleep 1; done
    [ "$up" = 1 ] || { echo "the instance on port $port did not answer /api/health; see $LOGS" >&2; exit 1; }
done
echo "instances on 127.0.0.1:$PORT_A and :$PORT_B, workers w1 and w2 on $CELERY_BROKER_URL; logs in $LOGS"
"$PY" benchmarks/scaleout_check.py --a "http://127.0.0.1:$PORT_A" --b "http://127.0.0.1:$PORT_B" \
    --worker-pids "$LOGS/w1.pid" "$LOGS/w2.pid" --logs "$LOGS"
