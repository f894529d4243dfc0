# Actieplanmonitor: one image for the web server, the Celery worker and Celery beat.
# docker-compose.yml runs the full stack; scripts/docker-entrypoint prepares the web server.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var \
    DEBUG=0 \
    WEB_CONCURRENCY=3

# WeasyPrint (PDF reports) loads Pango, HarfBuzz and fontconfig at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so that a code change keeps this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself, editable: settings find templates/ and static/ next to the packages.
COPY . .
# The English interface is compiled here (polib); the image needs no GNU gettext.
RUN pip install --no-deps -e . \
    && python scripts/messages.py compile \
    && chmod +x scripts/docker-entrypoint \
    && useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/var \
    && chown app:app /app/var

USER app
EXPOSE 8000
ENTRYPOINT ["/app/scripts/docker-entrypoint"]
CMD ["gunicorn", "actionplan.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
