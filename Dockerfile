# wuye-desk service image: `docker compose up --build` (docker-compose.yml), or
# `docker build -t wuye-desk . && docker run -p 8080:8080 wuye-desk` for the embedded SQLite setup.

# Build stage: jieba-fast-dat ships no wheels, so its C++ extension is compiled here; the final image has no compiler.
FROM python:3.11-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/wuye
ENV PATH=/opt/wuye/bin:$PATH PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY nlu ./nlu
COPY storage ./storage
COPY dialogs ./dialogs
COPY bot ./bot
# The dependency pins live in pyproject.toml.
RUN pip install .

FROM python:3.11-slim
COPY --from=build /opt/wuye /opt/wuye
ENV PATH=/opt/wuye/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    WUYE_HTTP_HOST=0.0.0.0 \
    WUYE_DATA_DIR=/app/var
RUN useradd --create-home --uid 10001 wuye && mkdir -p /app/var && chown wuye /app/var
USER wuye
WORKDIR /app
# Data (SQLite file, uploads, speech model under var/models) lives here; mount a volume to keep it.
VOLUME ["/app/var"]
EXPOSE 8080 5055
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('WUYE_HTTP_PORT', '8080'), timeout=2)"]
CMD ["wuye", "run"]
