namespace ModelGen.Tools.GpuCheck;

/// <summary>One line of the result table: a workload's figure on the CPU SIMD back end and on the ILGPU device.</summary>
/// <param name="Name">The workload.</param>
/// <param name="Unit">What the figures measure; higher is better unless <paramref name="LowerIsBetter"/>.</param>
/// <param name="Cpu">The CPU back end's figure.</param>
/// <param name="Gpu">The ILGPU device's figure.</param>
/// <param name="LowerIsBetter">True for latencies.</param>
internal readonly record struct WorkloadRow(string Name, string Unit, double Cpu, double Gpu, bool LowerIsBetter = false)
{
    /// <summary>How many times faster the device is than the CPU.</summary>
    public double Speedup => LowerIsBetter ? Cpu / Gpu : Gpu / Cpu;
}
