#!/bin/bash
# Deploys the build to the host given as the first argument.
target=$1
files=$(ls dist/*.js)
for f in $files; do
  scp $f "$target:/srv/app/"
done
cd /srv/app
echo "deployed to $target"
