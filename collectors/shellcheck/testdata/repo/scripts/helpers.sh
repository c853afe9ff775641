#!/bin/sh
# Helpers the other scripts source.
greet() { echo "hello from $1"; }
