#!/usr/bin/env bash
# Paired timing of one nnlab build under two settings: runs bench/mlp with
# the environment ENV_A, then with ENV_B, ROUNDS times, pinned to one core,
# and prints the median of the per-pair ratios B/A of the training time.
# Pairs taken back to back cancel most of a shared host's drift, which
# moves whole runs by more than a change of a few percent.
#
#   bench/pair.sh [ROUNDS] [ITERS] ENV_A ENV_B
#   bench/pair.sh 9 1000 "NNLAB_GEMM=avx2 NNLAB_FUSED_UPDATE=off" "NNLAB_GEMM=avx2"
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-9}
iters=${2:-1000}
envA=${3:?ENV_A, such as "NNLAB_FUSED_UPDATE=off"}
envB=${4?ENV_B, such as "" (the defaults)}
out=$(mktemp -d)
go build -o "$out/mlp" ./bench/mlp
MNIST_DIR=$(go run ./bench/mnistdir)
export MNIST_DIR
cpu=$(( $(nproc) - 1 ))
train() { env $1 GOMAXPROCS=1 taskset -c $cpu "$out/mlp" -threads 1 -evals 1 -iters "$iters" | python3 -c 'import json,sys; print(json.load(sys.stdin)["train_wall_s"])'; }
for r in $(seq "$rounds"); do
  echo "$(train "$envA") $(train "$envB")"
done | python3 -c '
import statistics as st, sys
pairs = [tuple(map(float, l.split())) for l in sys.stdin]
q = [b / a for a, b in pairs]
print("A median %.3f s, B median %.3f s, paired B/A median %.3f (min %.3f, max %.3f), %d pairs" % (
    st.median(a for a, _ in pairs), st.median(b for _, b in pairs), st.median(q), min(q), max(q), len(q)))
'
