#!/bin/bash
# Usage: TF=~/transit-features.mjs SAMPLES=koi.csv OUT=results [CACHE=lc-cache] [MAST=URL] \
#          [RUN_OPTIONS="--tls"] submit.sh SHARDS [sbatch options for the array tasks...]
# Submits SHARDS array tasks (one shard each) and the merge step, which runs when all of them have
# ended with status 0; prints the two job ids. Options after SHARDS override the #SBATCH lines of
# array.sbatch, e.g. --cpus-per-task=16 --mem=16G --time=48:00:00 --partition=long.
set -euo pipefail
shards=${1:?usage: submit.sh SHARDS [sbatch options]}
shift
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
array=$(sbatch --parsable --array="0-$((shards - 1))" --export=ALL "$@" "$here/array.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --export=ALL "$here/merge.sbatch")
echo "$array ${merge%%;*}"
