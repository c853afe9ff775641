# preflight:ignore dockerfile/no-healthcheck
FROM python:3.13-slim@sha256:1f3c5a4b8e2d9c0a7b6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b
# preflight:ignore dockerfile/root-user the worker binds port 80 and drops privileges itself
USER root
CMD ["python", "-m", "worker"]
