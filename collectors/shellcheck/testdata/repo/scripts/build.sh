#!/bin/sh
# Builds the site with the shared helpers.
# shellcheck source=helpers.sh
. "$(dirname "$0")/helpers.sh"
greet "build"
