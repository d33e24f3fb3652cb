# The RoomiAI API: `roomi serve` (migrates the database, then serves /v1, /desk and /docs on port 8000).
# Build from the repository root: docker build -f docker/api.Dockerfile -t roomiai-api .
# BASE_IMAGE: any Debian-based image with Python 3.11+ and its venv module (default: the official slim image).
# PIP_NO_INDEX=1 installs only from docker/wheelhouse/ (builds with no network; see docker/wheelhouse/README.md).
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
ARG PIP_NO_INDEX=0
ENV PIP_NO_INDEX=${PIP_NO_INDEX} PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/roomiai
COPY docker/wheelhouse /wheelhouse
COPY pyproject.toml README.md LICENSE /src/
COPY src /src/src
RUN /opt/roomiai/bin/pip install --no-cache-dir --find-links /wheelhouse /src \
    && /opt/roomiai/bin/pip uninstall --yes --quiet pip

FROM ${BASE_IMAGE}
RUN useradd --system --no-log-init --uid 10001 --user-group --create-home --home-dir /home/roomi roomi \
    && mkdir /data && chown roomi:roomi /data && chmod 700 /data
COPY --from=build /opt/roomiai /opt/roomiai
ENV PATH=/opt/roomiai/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 ROOMIAI_DATA_DIR=/data
USER roomi
WORKDIR /data
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/ready', timeout=4)"]
CMD ["roomi", "serve", "--host", "0.0.0.0", "--port", "8000"]
