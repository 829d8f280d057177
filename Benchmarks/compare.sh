#!/usr/bin/env bash
# Runs ModelGen's harness and, where PyTorch is installed, the peer script (shared/peers/torch_workloads.py),
# one after the other with the same thread count, then prints one table with the speed-up per figure.
# Usage: Benchmarks/compare.sh [THREADS] [ROUNDS] [--isa avx512|avx2|sse] [extra harness options]   (JSON in Benchmarks/results/)
#   e.g. Benchmarks/compare.sh 1 3 --workloads cnn   (the peer then runs its cnn section alone)
#        Benchmarks/compare.sh 1 2 --isa avx2        (both sides on 256-bit AVX2 + FMA kernels, as on an AVX2-only CPU)
# --isa narrows the vector instructions of BOTH sides, so one machine measures what a narrower CPU would see:
#   avx2: ModelGen with DOTNET_EnableAVX512=0 (.NET 10 ignores DOTNET_EnableAVX512F=0), PyTorch with
#         ATEN_CPU_CAPABILITY=avx2, its convolutions (oneDNN) with ONEDNN_MAX_CPU_ISA=AVX2, OpenBLAS (numpy,
#         torch.mm) with OPENBLAS_CORETYPE=Haswell;
#   sse:  ModelGen with DOTNET_EnableAVX512=0 DOTNET_EnableAVX2=0 (128-bit vectors, no FMA), PyTorch with
#         ATEN_CPU_CAPABILITY=default, oneDNN with ONEDNN_MAX_CPU_ISA=SSE41, OpenBLAS with OPENBLAS_CORETYPE=Nehalem;
#   avx512 (the default): the machine's widest, OpenBLAS' own choice.
# With ROUNDS > 1 the two alternate (ModelGen, peer, ModelGen, peer, ...) and the table takes each side's best
# median: on a machine shared with other work, load only ever slows a run down.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
threads="${1:-1}"
rounds="${2:-1}"
shift $(( $# > 2 ? 2 : $# )) || true
out="$here/results"
mkdir -p "$out"
peer_script="${PEER_SCRIPT:-$here/../../shared/peers/torch_workloads.py}"

# The peer runs the sections matching the harness's --workloads (default gemm,hotel_mlp,cnn, as the harness's):
# gemm -> gemm, hotel_mlp -> mlp, cnn -> cnn, lstm/gru/rnn_tanh -> rnn (all three), transformer_enc -> tfm; floor is ModelGen's alone.
# mcan is run by this folder's torch_mcan.py (its PyTorch twin, timed with the peer's own harness). A --budget goes to both.
isa="avx512"
args=()
prev=""
for arg in "$@"; do
  if [ "$prev" = "--isa" ]; then isa="$arg"; prev=""; continue; fi
  case "$arg" in
    --isa) ;;
    --isa=*) isa="${arg#--isa=}" ;;
    *) args+=("$arg") ;;
  esac
  prev="$arg"
done
set -- ${args[@]+"${args[@]}"}
ours_env=()
peer_env=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u ATEN_CPU_CAPABILITY -u ONEDNN_MAX_CPU_ISA -u DNNL_MAX_CPU_ISA)
case "$isa" in
  avx512) ;;
  avx2) ours_env=(DOTNET_EnableAVX512=0)
        peer_env+=(ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell) ;;
  sse) ours_env=(DOTNET_EnableAVX512=0 DOTNET_EnableAVX2=0)
       peer_env+=(ATEN_CPU_CAPABILITY=default ONEDNN_MAX_CPU_ISA=SSE41 DNNL_MAX_CPU_ISA=SSE41 OPENBLAS_CORETYPE=Nehalem) ;;
  *) echo "--isa takes avx512, avx2 or sse, not '$isa'." >&2; exit 2 ;;
esac
# One pair of JSON files per ISA, so a narrowed run never overwrites the machine's own figures.
suffix=""
if [ "$isa" != avx512 ]; then suffix="-$isa"; fi
ours="$out/modelgen$suffix.json"
peer="$out/peer$suffix.json"

workloads="gemm,hotel_mlp,cnn"
run_mcan=0
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
    lstm|gru|rnn_tanh) case ",$sections," in *,rnn,*) ;; *) sections="$sections,rnn" ;; esac ;;
    transformer_enc) sections="$sections,tfm" ;;
    mcan) run_mcan=1 ;;
  esac
done
sections="${sections#,}"

dotnet build "$here/ModelGen.Benchmarks.csproj" -c Release -v quiet -nologo >/dev/null
bin="$here/bin/Release/net10.0/ModelGen.Benchmarks"

have_peer=0
if [ -z "$sections" ] && [ "$run_mcan" = 0 ]; then
  echo "(no peer section for --workloads $workloads; table without the peer)"
elif [ -f "$peer_script" ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  have_peer=1
else
  echo "(PyTorch peer not installed: apt-get install python3-torch libopenblas0-openmp; table without it)"
fi

echo "== machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p') (family $(sed -n 's/^cpu family[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)), $(nproc) cores, $(grep -q avx512f /proc/cpuinfo && echo AVX-512 || echo 'no AVX-512'); load: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "== isa: $isa (ModelGen: ${ours_env[*]:-widest}; peer: ${peer_env[*]})"
for r in $(seq 1 "$rounds"); do
  label=modelgen; peer_label=peer
  if [ "$rounds" -gt 1 ]; then label="modelgen-r$r"; peer_label="peer-r$r"; fi
  env ${ours_env[@]+"${ours_env[@]}"} "$bin" --threads "$threads" --label "$label" --json "$ours" "$@"
  if [ "$have_peer" = 1 ]; then
    # The OpenMP OpenBLAS build; no core-type override unless --isa narrows it (avx512: OpenBLAS' AVX-512 kernels,
    # see the peer's docstring).
    if [ -n "$sections" ]; then
      LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
        env "${peer_env[@]}" \
        /usr/bin/python3 "$peer_script" --threads "$threads" --label "$peer_label" --sections "$sections" ${peer_budget[@]+"${peer_budget[@]}"} --json "$peer"
    fi
    if [ "$run_mcan" = 1 ]; then
      LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
        env "${peer_env[@]}" \
        /usr/bin/python3 "$here/torch_mcan.py" --peer "$peer_script" --threads "$threads" --label "$peer_label" ${peer_budget[@]+"${peer_budget[@]}"} --json "$peer"
    fi
  fi
done

"$bin" --threads "$threads" --json "$ours" --compare-peer "$peer" --rounds "$rounds"
