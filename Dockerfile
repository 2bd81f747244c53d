# The production image of the session-auth API: gunicorn serving the installed package, static files
# collected at build time and served by WhiteNoise. No secret is baked in: SECRET_KEY, DATABASE_URL,
# REDIS_URL, ALLOWED_HOSTS and the rest come from the environment at run time (docs/deployment.md).
# tests/e2e/test_dockerfile.py installs and starts the project the way this file does.

FROM python:3.11-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=api_project.settings \
    STATIC_ROOT=/app/staticfiles \
    STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage
WORKDIR /app

# Build: the runtime dependencies (no dev extras) at the versions of the lock, every file's hash checked,
# then the project alone, built by the locked setuptools; and the static files.
FROM base AS builder
RUN python -m venv /opt/venv
WORKDIR /src
COPY requirements/base.txt requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY pyproject.toml README.md ./
COPY api_project api_project
COPY accounts accounts
COPY sessions_api sessions_api
# collectstatic imports the settings, which refuse to load without a strong key (50+ characters): this
# one exists for this step only and never reaches the final image. The in-memory database keeps it
# from creating a file.
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
    && SECRET_KEY=collectstatic-only-signs-nothing-and-never-reaches-the-image \
        DATABASE_URL=sqlite://:memory: \
        django-admin collectstatic --noinput -v0

# Run: the venv and the collected files, owned by root and read-only to the unprivileged user.
FROM base AS runtime
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-log-init --no-create-home --shell /usr/sbin/nologin app
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app/staticfiles /app/staticfiles
COPY deploy/gunicorn.conf.py deploy/healthcheck.py /app/deploy/
# Numeric, so that a runtime checking runAsNonRoot can tell it is not root.
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]
CMD ["gunicorn", "--config", "/app/deploy/gunicorn.conf.py", "api_project.wsgi:application"]
