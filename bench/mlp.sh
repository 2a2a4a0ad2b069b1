#!/usr/bin/env bash
# Side-by-side timing of the tutorial network: PyTorch (../shared/bench/torch_mlp.py)
# against nnlab (bench/mlp), alternating A B A B on the same machine, then the
# median of each and the ratio nnlab/PyTorch.
#
#   bench/mlp.sh [ROUNDS] [THREADS] [VARIANT]      defaults: 3 1 linear
#
# Needs Debian packages: apt-get install -y python3-torch python3-numpy libopenblas0-pthread
# (without OpenBLAS, torch falls back to the slow reference BLAS).
# PyTorch runs with OpenBLAS's AVX kernels selected (see ../shared/bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=${2:-1}
variant=${3:-linear}
. bench/reference_env.sh
go build -o "$out/mlp" ./bench/mlp

for r in $(seq "$rounds"); do
  "${torch_env[@]}" $py "$ref/torch_mlp.py" --variant "$variant" --threads "$threads" --quiet > "$out/torch.$r.json"
  GOMAXPROCS=$threads "$out/mlp" -variant "$variant" -threads "$threads" > "$out/nnlab.$r.json"
  echo "round $r of $rounds done" >&2
done

$py - "$out" "$rounds" <<'PY'
import json, statistics, sys
d, n = sys.argv[1], int(sys.argv[2])
t = [json.load(open(f"{d}/torch.{r}.json")) for r in range(1, n + 1)]
g = [json.load(open(f"{d}/nnlab.{r}.json")) for r in range(1, n + 1)]
def med(xs, k): return statistics.median(x[k] for x in xs)
tt, gt = med(t, "train_wall_s"), med(g, "train_wall_s")
te, ge = med(t, "eval_median_s"), med(g, "eval_median_s")
print(f"threads={t[0]['torch_threads']} variant={t[0]['variant']} openblas={t[0]['openblas_core']} gemm={g[0]['gemm_kernel']} rounds={n}")
print(f"train 1000 iters: torch {tt:.3f} s  nnlab {gt:.3f} s  ratio nnlab/torch {gt/tt:.2f}")
print(f"eval 10000 imgs:  torch {te*1000:.1f} ms  nnlab {ge*1000:.1f} ms  ratio nnlab/torch {ge/te:.2f}")
print(f"test accuracy:    torch {t[-1]['test_acc']:.4f}  nnlab {g[-1]['test_acc']:.4f}")
PY
