# studybot: the bot in a container (README: "Running it for real" -> Docker / compose).
#
#   docker build -t studybot .
#   docker run -d --name studybot --env-file .env -v studybot-home:/data \
#       -p 127.0.0.1:9321:9321 studybot
#
# /data is the bot's home folder (a volume): .env may live there, the SQLite database is
# created in /data/data/studybot.db, and `studybot db backup /data/backups/...` writes there.
# With PostgreSQL set DATABASE_URL=postgresql+asyncpg://... (compose.yaml does).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY cogs ./cogs
COPY content ./content
# The `postgres` extra adds asyncpg, for DATABASE_URL=postgresql+asyncpg://...
RUN pip install ".[postgres]"

# A dedicated, unprivileged user; it owns only its home folder.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/studybot \
        --shell /usr/sbin/nologin studybot \
    && mkdir -p /data \
    && chown studybot:studybot /data

# The home folder is the working directory, so .env and data/ are found there (STUDYBOT_HOME
# names it for the bot as well). The built-in content packs stay in the image.
# The metrics endpoint listens on every interface *inside* the container so that a port
# published on the host's loopback (compose.yaml) reaches it; it is off without METRICS_PORT.
ENV STUDYBOT_HOME=/data \
    CONTENT_DIR=/app/content \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9321 \
    MPLCONFIGDIR=/home/studybot/.cache/matplotlib
WORKDIR /data
VOLUME ["/data"]
USER studybot
EXPOSE 9321

# 200 from /healthz: ready, gateway connected, database reachable, scheduler running.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot.core.observability.healthcheck"]

# `docker run IMAGE` runs the bot; `docker run IMAGE db upgrade` (or any subcommand) too.
ENTRYPOINT ["studybot"]
CMD ["run"]
