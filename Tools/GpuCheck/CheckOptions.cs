using ModelGen.Kernels.Gpu;

namespace ModelGen.Tools.GpuCheck;

/// <summary>The command line: which accelerator, and whether to run the workloads.</summary>
internal sealed record CheckOptions(GpuAcceleratorKind? Kind, bool Workloads, int CpuThreads)
{
    public const string Usage = """
        Usage: GpuCheck [--accelerator cuda|opencl|cpu|best] [--parity-only | --workloads] [--cpu-threads N]
          --accelerator  the ILGPU device to check (default cuda; cpu is ILGPU's CPU accelerator, parity only)
          --parity-only  skip the benchmark workloads
          --workloads    run them even on the CPU accelerator, shrunk to a smoke run
          --cpu-threads  threads of the CPU SIMD back end in the workloads (default: one per core)
        Exit codes: 0 all parity checks passed, 1 a parity check failed, 2 the device is absent, 64 bad usage.
        """;

    /// <summary>Parses the arguments, or returns null with an error for bad usage.</summary>
    public static CheckOptions? Parse(string[] args, out string? error)
    {
        GpuAcceleratorKind? kind = GpuAcceleratorKind.Cuda;
        bool workloads = true, forceWorkloads = false;
        int threads = Environment.ProcessorCount;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--accelerator" when i + 1 < args.Length:
                    string value = args[++i];
                    kind = value switch
                    {
                        "cuda" => GpuAcceleratorKind.Cuda,
                        "opencl" => GpuAcceleratorKind.OpenCL,
                        "cpu" => GpuAcceleratorKind.CpuAccelerator,
                        "best" => null,
                        _ => GpuAcceleratorKind.Cuda,
                    };
                    if (value is not ("cuda" or "opencl" or "cpu" or "best"))
                    {
                        error = $"Unknown accelerator '{value}'.";
                        return null;
                    }

                    break;
                case "--parity-only":
                    workloads = false;
                    break;
                case "--workloads":
                    forceWorkloads = true;
                    break;
                case "--cpu-threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0:
                    threads = n;
                    i++;
                    break;
                default:
                    error = $"Unknown or incomplete argument '{args[i]}'.";
                    return null;
            }
        }

        // The CPU accelerator runs every GPU thread as an OS thread: the full-size workloads would take hours.
        return new CheckOptions(kind, forceWorkloads || (workloads && kind != GpuAcceleratorKind.CpuAccelerator), threads);
    }
}
