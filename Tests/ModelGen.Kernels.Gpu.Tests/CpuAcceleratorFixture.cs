using ModelGen.Kernels.Gpu.Parity;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// One ILGPU CPU-accelerator back end and one CPU SIMD back end (one thread), shared by the parity tests so
/// each kernel compiles once for the whole run. <see cref="Gpu"/> runs the tiled shared-memory GEMM that GPUs
/// run; <see cref="DirectGemm"/> the direct GEMM the CPU accelerator uses by default.
/// </summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public CpuAcceleratorFixture()
    {
        var tiled = (GpuBackend)GpuDevice.CpuAccelerator().CreateBackend(ParitySuite.ArenaLength);
        tiled.TiledGemm = true;
        Gpu = tiled;
        DirectGemm = GpuDevice.CpuAccelerator().CreateBackend(ParitySuite.ArenaLength);
        Cpu = Device.Cpu(1).CreateBackend(ParitySuite.ArenaLength);
    }

    public IBackend Gpu { get; }

    public IBackend DirectGemm { get; }

    public IBackend Cpu { get; }

    public void Dispose()
    {
        Gpu.Dispose();
        DirectGemm.Dispose();
        Cpu.Dispose();
    }
}
