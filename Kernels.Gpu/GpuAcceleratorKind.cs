namespace ModelGen.Kernels.Gpu;

/// <summary>The kinds of ILGPU accelerator a <see cref="GpuDevice"/> can run on.</summary>
public enum GpuAcceleratorKind
{
    /// <summary>An NVIDIA GPU through the CUDA driver (no CUDA SDK needed).</summary>
    Cuda,

    /// <summary>A GPU (or CPU) exposed by an OpenCL 2.0 driver.</summary>
    OpenCL,

    /// <summary>ILGPU's CPU accelerator: runs the same kernels on the CPU, one OS thread per GPU thread of a group. Slow; for tests without a GPU.</summary>
    CpuAccelerator,
}
