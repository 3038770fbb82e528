#!/bin/sh
# The image's entrypoint: wait for the database, migrate when asked, then become the process asked for.
#
#   entrypoint.sh web       migrate, then gunicorn (GUNICORN_WORKERS=3, GUNICORN_THREADS=2, PORT=8000)
#   entrypoint.sh worker    a Celery worker (CELERY_CONCURRENCY=2); migrations are the web role's job
#   entrypoint.sh CMD ...   any other command (manage.py shell, createsuperuser ...), after the wait
#
# MIGRATE_ON_START (1 for web, 0 otherwise) runs `manage.py migrate --noinput` first; DB_WAIT_SECONDS
# (60) bounds the wait for the database. Runs from any directory: paths are the repository's own.
set -eu
cd "$(dirname "$0")/.."

role=${1:-web}
case "$role" in
    web) migrate_default=1 ;;
    *) migrate_default=0 ;;
esac

python - <<'PYTHON'
import os
import sys
import time

import django
from django.db import connection
from django.db.utils import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portrait.settings.production")
django.setup()
deadline = time.monotonic() + float(os.environ.get("DB_WAIT_SECONDS", "60"))
while True:
    try:
        connection.ensure_connection()
        break
    except OperationalError as exc:
        if time.monotonic() > deadline:
            sys.exit(f"Portrait cannot start: the database is not reachable ({exc}).")
        print("waiting for the database...", file=sys.stderr, flush=True)
        time.sleep(1)
PYTHON

if [ "${MIGRATE_ON_START:-$migrate_default}" = 1 ]; then
    python manage.py migrate --noinput
fi

case "$role" in
    web)
        exec gunicorn portrait.wsgi --bind "0.0.0.0:${PORT:-8000}" \
            --workers "${GUNICORN_WORKERS:-3}" --threads "${GUNICORN_THREADS:-2}" \
            --access-logfile - --error-logfile - ;;
    worker)
        exec celery -A portrait worker --loglevel "${LOG_LEVEL:-INFO}" --concurrency "${CELERY_CONCURRENCY:-2}" ;;
    *)
        exec "$@" ;;
esac
