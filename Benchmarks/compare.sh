#!/usr/bin/env bash
# Runs ModelGen's harness and, where PyTorch is installed, the peer script (shared/peers/torch_workloads.py),
# one after the other with the same thread count, then prints one table with the speed-up per figure.
# Usage: Benchmarks/compare.sh [THREADS] [extra harness options]   (results in Benchmarks/results/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
threads="${1:-1}"
shift || true
out="$here/results"
mkdir -p "$out"
ours="$out/modelgen.json"
peer="$out/peer.json"
peer_script="${PEER_SCRIPT:-$here/../../shared/peers/torch_workloads.py}"

dotnet build "$here/ModelGen.Benchmarks.csproj" -c Release -v quiet -nologo >/dev/null
bin="$here/bin/Release/net10.0/ModelGen.Benchmarks"

echo "== machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
"$bin" --threads "$threads" --json "$ours" "$@"

if [ -f "$peer_script" ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  # The OpenMP OpenBLAS build and no core-type override: the AVX-512 kernels (see the peer's docstring).
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
    /usr/bin/python3 "$peer_script" --threads "$threads" --label peer --sections gemm,mlp --json "$peer"
else
  echo "(PyTorch peer not installed: apt-get install python3-torch libopenblas0-openmp; table without it)"
fi

"$bin" --threads "$threads" --json "$ours" --compare-peer "$peer"
