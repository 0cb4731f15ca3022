#!/usr/bin/env bash
# Seeds fuzz/corpus/parse from the shared corpus (../shared/corpus relative to
# the workspace root). Usage: fuzz/seed-corpus.sh [CORPUS_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="${1:-$here/../../shared/corpus}"
dst="$here/corpus/parse"
mkdir -p "$dst"
tail -n +2 "$src/MANIFEST.tsv" | while IFS=$'\t' read -r _ _ _ path _ kind _ sha; do
  case "$kind" in dockerfile|dockerfile-extracted|negative) cp "$src/$path" "$dst/$sha" ;; esac
done
echo "seeded $(ls "$dst" | wc -l) files into $dst"
