#!/usr/bin/env bash
# Measures preflight on generated trees and prints the figures quoted in
# README: a tree of 50,000 files in 5,000 directories, one shaped like a
# real product repository (committed virtualenvs, three TypeScript
# projects) and a TypeScript monorepo of 20 npm workspace packages. Needs
# go, git, node and TypeScript (`make bench` puts the test fixtures'
# TypeScript on PATH). Takes several minutes. Then `check` twice on an
# unchanged tree and `check --base` on a one-file change, next to a full
# check, on the demo project and the generated tree (bench/hold).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/pfbench" ./bench
go build -o "$out/preflight" .
go build -o "$out/trivial" ./bench/trivial
go build -o "$out/hold" ./bench/hold
"$out/pfbench" -dir "$out/tree" -preflight "$out/preflight" -trivial "$out/trivial" "$@"
# Results reused by content and --base, next to a full check.
echo
"$out/hold" -preflight "$out/preflight"
"$out/hold" -preflight "$out/preflight" -dir "$out/tree" -name "generated tree"
