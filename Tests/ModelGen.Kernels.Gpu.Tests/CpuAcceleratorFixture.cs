using ModelGen.Kernels.Gpu.Parity;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// One ILGPU CPU-accelerator back end and one CPU SIMD back end (one thread), shared by the parity tests so
/// each kernel compiles once for the whole run.
/// </summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public CpuAcceleratorFixture()
    {
        Gpu = GpuDevice.CpuAccelerator().CreateBackend(ParitySuite.ArenaLength);
        Cpu = Device.Cpu(1).CreateBackend(ParitySuite.ArenaLength);
    }

    public IBackend Gpu { get; }

    public IBackend Cpu { get; }

    public void Dispose()
    {
        Gpu.Dispose();
        Cpu.Dispose();
    }
}
