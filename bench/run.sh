#!/usr/bin/env bash
# Measures preflight on a generated tree of 50,000 files in 5,000 directories
# and prints the figures quoted in README. Needs go, node and TypeScript
# (`make bench` puts the test fixtures' TypeScript on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/pfbench" ./bench
"$out/pfbench" -dir "$out/tree" "$@"
