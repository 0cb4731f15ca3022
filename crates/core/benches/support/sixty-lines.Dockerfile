# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.12
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY web/ .
RUN npm run build

FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        build-essential \
        libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip \
    pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:${PYTHON_VERSION}-slim AS runtime
ARG APP_VERSION=dev
LABEL org.opencontainers.image.title="shop" \
      org.opencontainers.image.version="${APP_VERSION}"
ENV PYTHONUNBUFFERED=1 \
    APP_HOME=/app \
    PORT=8000
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system app && useradd --system --gid app --home /app app
WORKDIR $APP_HOME
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY --from=web /web/dist ./static
COPY src/ ./src/
COPY config/ ./config/
RUN python -m compileall -q src
# Health and runtime settings.
HEALTHCHECK --interval=30s --timeout=3s \
    CMD curl -fsS http://localhost:8000/health || exit 1
EXPOSE 8000
USER app
STOPSIGNAL SIGTERM
VOLUME ["/app/data"]
ENTRYPOINT ["gunicorn"]
CMD ["--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "src.app:app"]
# Local development target.
FROM runtime AS dev
USER root
RUN pip install --no-cache-dir pytest ruff
USER app
CMD ["--reload", "--bind", "0.0.0.0:8000", "src.app:app"]
# end
