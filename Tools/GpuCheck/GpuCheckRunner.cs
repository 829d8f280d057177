using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ModelGen.Kernels;
using ModelGen.Kernels.Gpu;
using ModelGen.Kernels.Gpu.Parity;

namespace ModelGen.Tools.GpuCheck;

/// <summary>Runs the check: pick the device, parity of every operation against the CPU back end, then the workloads, one table.</summary>
internal static class GpuCheckRunner
{
    public static int Run(string[] args, TextWriter output)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args is ["--help"] or ["-h"])
        {
            output.WriteLine(CheckOptions.Usage);
            return 0;
        }

        CheckOptions? options = CheckOptions.Parse(args, out string? error);
        if (options is null)
        {
            output.WriteLine(error);
            output.WriteLine(CheckOptions.Usage);
            return 64;
        }

        long start = Stopwatch.GetTimestamp();
        output.WriteLine($"ModelGen GPU check, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {Environment.ProcessorCount} cores");
        output.WriteLine("ILGPU devices found:");
        foreach (string line in GpuDevice.Available())
        {
            output.WriteLine($"  {line}");
        }

        GpuDevice device;
        try
        {
            device = options.Kind is { } kind ? GpuDevice.Of(kind) : GpuDevice.Best();
        }
        catch (GpuDeviceNotFoundException e)
        {
            output.WriteLine();
            output.WriteLine($"GPU CHECK NOT RUN: {e.Message}");
            return 2;
        }

        output.WriteLine($"Checking {device.Name}");
        int failures = RunParity(device, output);
        if (options.Workloads)
        {
            output.WriteLine();
            output.WriteLine($"Workloads: CPU SIMD back end on {options.CpuThreads} threads against {device.Name}");
            List<WorkloadRow> rows = Workloads.Run(Device.Cpu(options.CpuThreads), device, device.Kind == GpuAcceleratorKind.CpuAccelerator, name => Console.Error.WriteLine($"  running {name}"));
            PrintTable(rows, options.CpuThreads, device, output);
        }
        else if (options.Kind == GpuAcceleratorKind.CpuAccelerator)
        {
            output.WriteLine("Workloads skipped: ILGPU's CPU accelerator runs every GPU thread as an OS thread, far too slowly for them.");
        }

        output.WriteLine();
        output.WriteLine($"{(failures == 0 ? "GPU CHECK PASSED" : $"GPU CHECK FAILED: {failures} parity case(s) out of tolerance")} in {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Every parity case on the device against the CPU back end (one thread); failures listed, then the worst error per operation.</summary>
    private static int RunParity(GpuDevice device, TextWriter output)
    {
        using IBackend gpu = device.CreateBackend(ParitySuite.ArenaLength);
        using IBackend cpu = Device.Cpu(1).CreateBackend(ParitySuite.ArenaLength);
        output.WriteLine($"Parity: {ParitySuite.Cases.Count} cases on {gpu.Name} against {cpu.Name}");
        var results = new List<ParityResult>();
        foreach (ParityCase parityCase in ParitySuite.Cases)
        {
            ParityResult result;
            try
            {
                result = ParitySuite.Run(parityCase, gpu, cpu);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                result = new ParityResult(parityCase.Name, double.PositiveInfinity, parityCase.Tolerance, false, $"{e.GetType().Name}: {e.Message}", 0);
            }

            results.Add(result);
            if (!result.Passed)
            {
                output.WriteLine($"  FAIL {result.Name}: error {result.MaxError:G3} > {result.Tolerance:G3} at {result.Detail}");
            }
        }

        output.WriteLine();
        output.WriteLine("| Operation | Cases | Passed | Worst error | Tolerance |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (IGrouping<string, ParityResult> family in results.GroupBy(r => r.Name.Split(' ')[0]))
        {
            double worst = family.Max(r => r.MaxError);
            output.WriteLine($"| {family.Key} | {family.Count()} | {family.Count(r => r.Passed)} | {worst:G3} | {family.Max(r => r.Tolerance):G3} |");
        }

        int failures = results.Count(r => !r.Passed);
        output.WriteLine($"Parity: {results.Count - failures} of {results.Count} cases within tolerance ({results.Sum(r => r.Seconds):F1} s on the device).");
        return failures;
    }

    private static void PrintTable(List<WorkloadRow> rows, int threads, GpuDevice device, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"| Workload | Unit | CPU SIMD ({threads} threads) | {device.Name} | Device / CPU |");
        output.WriteLine("|---|---|---:|---:|---:|");
        foreach (WorkloadRow row in rows)
        {
            output.WriteLine($"| {row.Name} | {row.Unit} | {Format(row.Cpu)} | {Format(row.Gpu)} | {row.Speedup:F2}x |");
        }
    }

    private static string Format(double value) => value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("F2", CultureInfo.InvariantCulture);
}
