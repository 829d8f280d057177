#!/usr/bin/env bash
# Runs the published GPU check (scripts/publish-gpu-check.sh) on a machine with an NVIDIA GPU: parity of every
# kernel on CUDA against the CPU back end, then the workloads, one table; stopped after 5 minutes.
# Usage: scripts/gpu-check.sh [path-to-GpuCheck] [GpuCheck options...]
# Exit codes: 0 passed, 1 a parity case failed, 2 no CUDA device, 124 timed out.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${1:-$root/publish/gpu-check/GpuCheck}"
[ $# -gt 0 ] && shift
if [ ! -x "$binary" ]; then
  echo "error: no GPU check at $binary; publish it with scripts/publish-gpu-check.sh" >&2
  exit 2
fi
# The single file extracts its native libraries here; a writable, local directory.
export DOTNET_BUNDLE_EXTRACT_BASE_DIR="${DOTNET_BUNDLE_EXTRACT_BASE_DIR:-${TMPDIR:-/tmp}/modelgen-gpu-check}"
timeout 300 "$binary" "$@"
status=$?
[ $status -eq 124 ] && echo "error: the GPU check did not finish in 5 minutes" >&2
exit $status
