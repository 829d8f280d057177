namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>Choosing an ILGPU device: present devices are found, absent ones are refused with a message naming what was asked and found.</summary>
public sealed class DeviceSelectionTests
{
    [Fact]
    public void CpuAcceleratorIsAlwaysAvailable()
    {
        GpuDevice device = GpuDevice.CpuAccelerator();

        Assert.Equal(GpuAcceleratorKind.CpuAccelerator, device.Kind);
        Assert.StartsWith("ILGPU CPU accelerator 0: ", device.Name, StringComparison.Ordinal);
        Assert.Contains(GpuDevice.Available(), line => line.StartsWith("CPU accelerator 0: ", StringComparison.Ordinal));
        using IBackend backend = device.CreateBackend(10);
        Assert.Equal(10, backend.Length);
        Assert.Contains("ILGPU CPU accelerator", backend.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsentCudaDeviceIsRefusedWithWhatWasFound()
    {
        bool hasCuda = GpuDevice.Available().Any(line => line.StartsWith("CUDA ", StringComparison.Ordinal));
        if (hasCuda)
        {
            Assert.Equal(GpuAcceleratorKind.Cuda, GpuDevice.Cuda().Kind);
        }

        // No machine has a thousand CUDA devices: this index is absent everywhere.
        var error = Assert.Throws<GpuDeviceNotFoundException>(() => GpuDevice.Cuda(1000));
        Assert.Contains("The CUDA device 1000 was requested", error.Message, StringComparison.Ordinal);
        Assert.Contains("CPU accelerator 0: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Device.Cpu()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BestPrefersAGpuAndFallsBackToTheCpuAcceleratorOnlyWhenAllowed()
    {
        bool hasGpu = GpuDevice.Available().Any(line => line.StartsWith("CUDA ", StringComparison.Ordinal) || line.StartsWith("OpenCL ", StringComparison.Ordinal));
        if (hasGpu)
        {
            Assert.NotEqual(GpuAcceleratorKind.CpuAccelerator, GpuDevice.Best().Kind);
            Assert.NotEqual(GpuAcceleratorKind.CpuAccelerator, GpuDevice.Best(allowCpuAccelerator: true).Kind);
        }
        else
        {
            var error = Assert.Throws<GpuDeviceNotFoundException>(() => GpuDevice.Best());
            Assert.Contains("No GPU was found", error.Message, StringComparison.Ordinal);
            Assert.Equal(GpuAcceleratorKind.CpuAccelerator, GpuDevice.Best(allowCpuAccelerator: true).Kind);
        }
    }

    [Fact]
    public void NegativeIndexIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GpuDevice.OpenCL(-1));
}
