#!/usr/bin/env bash
# Publishes Tools/GpuCheck as one self-contained, compressed linux-x64 file (needs the .NET SDK and NuGet),
# for a GPU machine that has the NVIDIA driver but no SDK. Usage: scripts/publish-gpu-check.sh [output-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/publish/gpu-check}"
dotnet publish "$root/Tools/GpuCheck/GpuCheck.csproj" -c Release -r linux-x64 -o "$out" -nologo
size=$(stat -c %s "$out/GpuCheck")
echo "Published $out/GpuCheck: $((size / 1024 / 1024)) MiB ($size bytes)"
if [ "$size" -ge $((64 * 1024 * 1024)) ]; then
  echo "error: the check must stay under 64 MiB to travel to the GPU machine" >&2
  exit 1
fi
