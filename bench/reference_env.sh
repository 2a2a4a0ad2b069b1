# Sourced by the side-by-side benchmarks after they set $threads: the
# reference scripts' folder ($ref), Debian's python ($py), a scratch folder
# ($out), the MNIST files both sides read ($MNIST_DIR) and the environment
# that gives PyTorch its best setting here (${torch_env[@]}).
ref=${NNLAB_REF_BENCH:-../shared/bench}
py=/usr/bin/python3
out=$(mktemp -d)
export MNIST_DIR
MNIST_DIR=$(go run ./bench/mnistdir)

# OpenBLAS: the fastest kernel this CPU runs (Haswell = AVX2+FMA; SkylakeX needs
# AVX-512), or Haswell when NNLAB_GEMM=avx2 holds nnlab to AVX2 too, so that
# the comparison is AVX2 against AVX2.
# NNLAB_TORCH_CORE=Haswell|SkylakeX|... sets it: on AMD Zen 4, whose 512-bit
# FMAs run at half rate, Haswell's kernels were as fast for the CNN or faster.
if grep -q avx512f /proc/cpuinfo && [ "${NNLAB_GEMM:-}" != avx2 ]; then core=SkylakeX; else core=Haswell; fi
core=${NNLAB_TORCH_CORE:-$core}
torch_env=(env OPENBLAS_CORETYPE=$core OPENBLAS_NUM_THREADS=$threads)

# What runs: the CPU, and the kernels on each side (printed before any timing).
echo "cpu: $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
go build -o "$out/kernels" ./bench/kernels
"$out/kernels"
echo "pytorch: OPENBLAS_CORETYPE=$core, $threads thread(s)"
# With several threads, OpenMP's spin-waiting collapses under load.
if [ "$threads" -gt 1 ]; then torch_env+=(OMP_WAIT_POLICY=PASSIVE); fi
