namespace ModelGen.Kernels;

/// <summary>
/// Where a model runs: a factory of back ends. <see cref="Cpu"/> is the default; the ILGPU project adds
/// GPU devices beside it.
/// </summary>
public abstract class Device
{
    /// <summary>A short description of the device.</summary>
    public abstract string Name { get; }

    /// <summary>Creates a back end owning an arena of <paramref name="length"/> floats, all zero.</summary>
    public abstract IBackend CreateBackend(int length);

    /// <summary>The CPU SIMD back end on <paramref name="threads"/> threads (0: one per core).</summary>
    public static Device Cpu(int threads = 0) => new CpuDevice(threads);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The CPU SIMD device.</summary>
public sealed class CpuDevice : Device
{
    /// <summary>Creates the device; <paramref name="threads"/> 0 means one per core.</summary>
    public CpuDevice(int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
    }

    /// <summary>The number of threads the kernels use.</summary>
    public int Threads { get; }

    /// <inheritdoc/>
    public override string Name => $"CPU ({Threads} thread{(Threads == 1 ? "" : "s")})";

    /// <inheritdoc/>
    public override IBackend CreateBackend(int length) => new Cpu.CpuBackend(length, Threads);
}
