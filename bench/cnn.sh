#!/usr/bin/env bash
# Side-by-side timing of the classic Keras MNIST CNN: PyTorch
# (../shared/bench/torch_cnn.py) against nnlab's model package
# (bench/cnnbench), alternating A B A B on the same machine, then the
# median epoch time of each and the ratio nnlab/PyTorch.
#
#   bench/cnn.sh [ROUNDS] [THREADS] [MAX_BATCHES]     defaults: 3 2 0 (whole epochs)
#
# MAX_BATCHES > 0 times only that many batches per epoch (a quick probe).
# Each round trains one epoch (430 batches of 128) and evaluates the 10,000
# test images. Needs Debian's python3-torch and python3-numpy
# (apt-get install -y python3-torch python3-numpy). PyTorch runs with
# OpenBLAS's fastest kernels for this CPU and OMP_WAIT_POLICY=PASSIVE with
# several threads (see ../shared/bench/README.md). The background load
# (cores kept busy by other processes) is printed per run: compare runs
# made on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=${2:-2}
maxb=${3:-0}
. bench/reference_env.sh
go build -o "$out/cnnbench" ./bench/cnnbench

# busy: CPU seconds the whole machine has spent busy so far.
busy() { awk '/^cpu /{print ($2+$3+$4+$7+$8+$9)/100}' /proc/stat; }
run() { # run NAME CMD...: one JSON line per epoch into $out/NAME, plus the background load
  local name=$1; shift
  local b0 t0 b1 t1
  b0=$(busy); t0=$(date +%s.%N)
  "$@" > "$out/$name"
  b1=$(busy); t1=$(date +%s.%N)
  echo "$b0 $b1 $t0 $t1" > "$out/$name.load"
}

for r in $(seq "$rounds"); do
  run "torch.$r" "${torch_env[@]}" $py "$ref/torch_cnn.py" --threads "$threads" --epochs 1 --max-batches "$maxb"
  run "nnlab.$r" env GOMAXPROCS="$threads" "$out/cnnbench" -threads "$threads" -epochs 1 -max-batches "$maxb"
  echo "round $r of $rounds done" >&2
done

$py - "$out" "$rounds" <<'PY'
import json, statistics, sys
d, n = sys.argv[1], int(sys.argv[2])
def last(path): return json.loads(open(path).read().strip().splitlines()[-1])
t = [last(f"{d}/torch.{r}") for r in range(1, n + 1)]
g = [last(f"{d}/nnlab.{r}") for r in range(1, n + 1)]
def load(name):
    b0, b1, t0, t1 = map(float, open(f"{d}/{name}.load").read().split())
    return (b1 - b0) / (t1 - t0)
for r in range(1, n + 1):
    # CPU seconds per wall second of each run, and the machine's busy cores during it:
    # busy minus the run's own cores is what other processes took.
    print(f"round {r}: torch {t[r-1]['epoch_wall_s']:.1f} s ({t[r-1]['images_per_s']:.0f} img/s, {t[r-1]['epoch_cpu_s']/t[r-1]['epoch_wall_s']:.2f} cores, machine {load(f'torch.{r}'):.2f})"
          f"  nnlab {g[r-1]['epoch_wall_s']:.1f} s ({g[r-1]['images_per_s']:.0f} img/s, {g[r-1]['epoch_cpu_s']/g[r-1]['epoch_wall_s']:.2f} cores, machine {load(f'nnlab.{r}'):.2f})")
def med(xs, k): return statistics.median(x[k] for x in xs)
tt, gt = med(t, "epoch_wall_s"), med(g, "epoch_wall_s")
te, ge = med(t, "eval_wall_s"), med(g, "eval_wall_s")
print(f"threads={t[0]['threads']} images/epoch={g[0]['images']} rounds={n}")
print(f"train epoch:     torch {tt:.1f} s  nnlab {gt:.1f} s  ratio nnlab/torch {gt/tt:.2f}")
print(f"eval 10000 imgs: torch {te:.2f} s  nnlab {ge:.2f} s  ratio nnlab/torch {ge/te:.2f}")
print(f"test accuracy:   torch {t[-1]['test_acc']:.4f}  nnlab {g[-1]['test_acc']:.4f}")
PY
