#!/usr/bin/env bash
# As nestjs-boilerplate's generator tests: the file comes from a variable.
set -euo pipefail
COMPOSE_FILE="docker-compose.generators.test.yaml"
docker compose -f "$COMPOSE_FILE" --env-file env-example-relational -p generators up -d --build
