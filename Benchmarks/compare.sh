#!/usr/bin/env bash
# Runs ModelGen's harness and, where PyTorch is installed, the peer script (shared/peers/torch_workloads.py),
# one after the other with the same thread count, then prints one table with the speed-up per figure.
# Usage: Benchmarks/compare.sh [THREADS] [ROUNDS] [extra harness options]   (JSON in Benchmarks/results/)
#   e.g. Benchmarks/compare.sh 1 3 --workloads cnn   (the peer then runs its cnn section alone)
# With ROUNDS > 1 the two alternate (ModelGen, peer, ModelGen, peer, ...) and the table takes each side's best
# median: on a machine shared with other work, load only ever slows a run down.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
threads="${1:-1}"
rounds="${2:-1}"
shift $(( $# > 2 ? 2 : $# )) || true
out="$here/results"
mkdir -p "$out"
ours="$out/modelgen.json"
peer="$out/peer.json"
peer_script="${PEER_SCRIPT:-$here/../../shared/peers/torch_workloads.py}"

# The peer runs the sections matching the harness's --workloads (default gemm,hotel_mlp,cnn, as the harness's):
# gemm -> gemm, hotel_mlp -> mlp, cnn -> cnn; floor is ModelGen's alone. A --budget goes to both.
workloads="gemm,hotel_mlp,cnn"
peer_budget=()
prev=""
for arg in "$@"; do
  case "$arg" in
    --workloads=*) workloads="${arg#--workloads=}" ;;
    --budget=*) peer_budget=(--budget "${arg#--budget=}") ;;
    *)
      if [ "$prev" = "--workloads" ]; then workloads="$arg"; fi
      if [ "$prev" = "--budget" ]; then peer_budget=(--budget "$arg"); fi
      ;;
  esac
  prev="$arg"
done
sections=""
for w in ${workloads//,/ }; do
  case "$w" in
    gemm) sections="$sections,gemm" ;;
    hotel_mlp) sections="$sections,mlp" ;;
    cnn) sections="$sections,cnn" ;;
  esac
done
sections="${sections#,}"

dotnet build "$here/ModelGen.Benchmarks.csproj" -c Release -v quiet -nologo >/dev/null
bin="$here/bin/Release/net10.0/ModelGen.Benchmarks"

have_peer=0
if [ -z "$sections" ]; then
  echo "(no peer section for --workloads $workloads; table without the peer)"
elif [ -f "$peer_script" ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  have_peer=1
else
  echo "(PyTorch peer not installed: apt-get install python3-torch libopenblas0-openmp; table without it)"
fi

echo "== machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p') (family $(sed -n 's/^cpu family[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
for r in $(seq 1 "$rounds"); do
  label=modelgen; peer_label=peer
  if [ "$rounds" -gt 1 ]; then label="modelgen-r$r"; peer_label="peer-r$r"; fi
  "$bin" --threads "$threads" --label "$label" --json "$ours" "$@"
  if [ "$have_peer" = 1 ]; then
    # The OpenMP OpenBLAS build and no core-type override: the AVX-512 kernels (see the peer's docstring).
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
      /usr/bin/python3 "$peer_script" --threads "$threads" --label "$peer_label" --sections "$sections" ${peer_budget[@]+"${peer_budget[@]}"} --json "$peer"
  fi
done

"$bin" --threads "$threads" --json "$ours" --compare-peer "$peer" --rounds "$rounds"
