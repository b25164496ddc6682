# syntax=docker/dockerfile:1
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# Project metadata first, then the packages and the migration machinery.
COPY pyproject.toml requirements.lock README.md alembic.ini ./
COPY api/ ./api/
COPY schema/ ./schema/
COPY seeds/ ./seeds/
COPY migrations/ ./migrations/

# Install the project (provides the `realign` console script), then create an
# unprivileged user. Source stays root-owned and read-only for that user.
RUN pip install --no-cache-dir -c requirements.lock . \
    && useradd --system --create-home --uid 10001 --user-group realign

USER realign

EXPOSE 8000

# slim has no curl: probe liveness with the standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# REALIGN_DATABASE_URL is deliberately not set in the image: supply it at run time.
CMD ["sh", "-c", "realign db upgrade && realign seed && exec realign serve --host 0.0.0.0 --port 8000"]
