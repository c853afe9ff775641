#!/bin/sh
# Removes build output.
set -eu
rm -rf -- "./dist"
