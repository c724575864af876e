# One image: web (gunicorn, the default command) and worker (`python manage.py qcluster`).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=app:app . .
RUN DATABASE_URL=sqlite:////tmp/build.sqlite3 SECRET_KEY=build-only python manage.py collectstatic --no-input -v0

USER app
EXPOSE 8000
# --timeout 120: a streamed CSV export of every contact or a bulk action on many pages may
# take longer than gunicorn's default 30 s.
CMD ["gunicorn", "scrapersky.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
