# syntax=docker/dockerfile:1
# Portrait's image: `docker build -t portrait .`; compose.yaml runs it as web and worker beside MariaDB and Redis.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- builder: compile every wheel (mysqlclient needs the MariaDB client headers) into a virtualenv -----------
FROM ${PYTHON_IMAGE} AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential pkg-config libmariadb-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements.txt requirements-mysql.txt ./
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt -r requirements-mysql.txt \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --no-index --find-links /wheels -r requirements.txt -r requirements-mysql.txt

# --- runtime: the virtualenv, the client library, the code and its static files; no compiler -----------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=portrait.settings.production \
    MEDIA_ROOT=/app/media \
    PORT=8000
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmariadb3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 portrait \
    && useradd --system --uid 10001 --gid portrait --home-dir /app --no-create-home --shell /usr/sbin/nologin portrait
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY . .
# Static files are collected at build (whitenoise serves them, compressed, with hashed names): production
# settings want a key and a database URL to load, neither of which collectstatic uses.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
        python manage.py collectstatic --noinput --verbosity 0 \
    && rm -f /tmp/collectstatic.sqlite3 \
    && mkdir -p /app/media && chown portrait:portrait /app/media
USER portrait
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["python", "docker/healthcheck.py"]
ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["web"]
