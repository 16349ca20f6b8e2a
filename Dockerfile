# Sourcebound: slim, non-root image. graphviz draws the workflow PNGs.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SOURCEBOUND_DB=/data/sourcebound.db \
    HOST=0.0.0.0

RUN apt-get update \
 && apt-get install -y --no-install-recommends graphviz \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY templates ./templates
RUN pip install .

RUN useradd --create-home --uid 10001 sourcebound \
 && mkdir -p /data && chown sourcebound /data
USER sourcebound
VOLUME ["/data"]
EXPOSE 3000

# Slack HTTP mode listens on $PORT (3000); Socket Mode and Discord need no inbound port.
CMD ["sourcebound", "serve"]
