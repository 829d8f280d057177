using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using IlgpuDevice = ILGPU.Runtime.Device;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// An ILGPU accelerator as a <see cref="Kernels.Device"/>: pass one to a generated model's constructor
/// (<c>new HotelNet(512, seed, device: GpuDevice.Cuda())</c>) and the same compiled model trains and predicts
/// on it. The factories check that the device is present and throw <see cref="GpuDeviceNotFoundException"/>
/// naming what was requested and what was found when it is not.
/// </summary>
/// <remarks>
/// One ILGPU context per accelerator kind is shared by the whole process, as ILGPU recommends: it caches
/// compiled kernels, so a second model on the same kind of device compiles nothing. Each back end owns its
/// own accelerator and arena.
/// </remarks>
public sealed class GpuDevice : Device
{
    private static readonly Lazy<Context> s_cuda = new(() => CreateContext(GpuAcceleratorKind.Cuda));
    private static readonly Lazy<Context> s_openCL = new(() => CreateContext(GpuAcceleratorKind.OpenCL));
    private static readonly Lazy<Context> s_cpu = new(() => CreateContext(GpuAcceleratorKind.CpuAccelerator));

    private GpuDevice(GpuAcceleratorKind kind, int index, string deviceName)
    {
        Kind = kind;
        Index = index;
        DeviceName = deviceName;
    }

    /// <summary>The kind of accelerator.</summary>
    public GpuAcceleratorKind Kind { get; }

    /// <summary>The device's index among the devices of its kind.</summary>
    public int Index { get; }

    /// <summary>The name the driver reports ("NVIDIA H100 80GB HBM3").</summary>
    public string DeviceName { get; }

    /// <inheritdoc/>
    public override string Name => $"ILGPU {KindName(Kind)} {Index}: {DeviceName}";

    /// <inheritdoc/>
    public override IBackend CreateBackend(int length) => new GpuBackend(this, length);

    /// <summary>The CUDA device <paramref name="index"/> (an NVIDIA GPU; only the driver is needed).</summary>
    /// <exception cref="GpuDeviceNotFoundException">No such CUDA device.</exception>
    public static GpuDevice Cuda(int index = 0) => Find(GpuAcceleratorKind.Cuda, index);

    /// <summary>The OpenCL device <paramref name="index"/>.</summary>
    /// <exception cref="GpuDeviceNotFoundException">No such OpenCL device.</exception>
    public static GpuDevice OpenCL(int index = 0) => Find(GpuAcceleratorKind.OpenCL, index);

    /// <summary>ILGPU's CPU accelerator, always present: the GPU kernels run on the CPU (slowly), for tests without a GPU.</summary>
    public static GpuDevice CpuAccelerator() => Find(GpuAcceleratorKind.CpuAccelerator, 0);

    /// <summary>The device of the given kind and index.</summary>
    /// <exception cref="GpuDeviceNotFoundException">No such device.</exception>
    public static GpuDevice Of(GpuAcceleratorKind kind, int index = 0) => Find(kind, index);

    /// <summary>
    /// The best GPU found: the CUDA device, else the OpenCL device, with the most memory. Without a GPU it
    /// throws, unless <paramref name="allowCpuAccelerator"/> lets it fall back to ILGPU's CPU accelerator.
    /// </summary>
    /// <exception cref="GpuDeviceNotFoundException">No GPU, and the CPU accelerator was not allowed.</exception>
    public static GpuDevice Best(bool allowCpuAccelerator = false)
    {
        foreach (GpuAcceleratorKind kind in new[] { GpuAcceleratorKind.Cuda, GpuAcceleratorKind.OpenCL })
        {
            IReadOnlyList<IlgpuDevice> devices = DevicesOf(kind, out _);
            if (devices.Count > 0)
            {
                int best = 0;
                for (int i = 1; i < devices.Count; i++)
                {
                    if (devices[i].MemorySize > devices[best].MemorySize)
                    {
                        best = i;
                    }
                }

                return new GpuDevice(kind, best, devices[best].Name);
            }
        }

        if (allowCpuAccelerator)
        {
            return CpuAccelerator();
        }

        throw new GpuDeviceNotFoundException(
            $"No GPU was found (no CUDA or OpenCL device). ILGPU found: {DescribeAvailable()}. " +
            "Use GpuDevice.Best(allowCpuAccelerator: true) or GpuDevice.CpuAccelerator() to run the GPU kernels on the CPU, or Device.Cpu() for the CPU SIMD back end.");
    }

    /// <summary>Every ILGPU device found, one line each ("CUDA 0: NVIDIA H100, 79.1 GiB").</summary>
    public static IReadOnlyList<string> Available()
    {
        var lines = new List<string>();
        foreach (GpuAcceleratorKind kind in Enum.GetValues<GpuAcceleratorKind>())
        {
            IReadOnlyList<IlgpuDevice> devices = DevicesOf(kind, out _);
            for (int i = 0; i < devices.Count; i++)
            {
                string memory = kind == GpuAcceleratorKind.CpuAccelerator ? "host memory" : $"{devices[i].MemorySize / (1024.0 * 1024 * 1024):F1} GiB";
                lines.Add($"{KindName(kind)} {i}: {devices[i].Name}, {memory}");
            }
        }

        return lines;
    }

    /// <summary>The shared context of this device's kind and the ILGPU device it names.</summary>
    internal (Context Context, IlgpuDevice Device) Resolve()
    {
        IReadOnlyList<IlgpuDevice> devices = DevicesOf(Kind, out Exception? error);
        if (Index >= devices.Count)
        {
            throw NotFound(Kind, Index, devices.Count, error);
        }

        return (ContextOf(Kind), devices[Index]);
    }

    private static GpuDevice Find(GpuAcceleratorKind kind, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        IReadOnlyList<IlgpuDevice> devices = DevicesOf(kind, out Exception? error);
        if (index >= devices.Count)
        {
            throw NotFound(kind, index, devices.Count, error);
        }

        return new GpuDevice(kind, index, devices[index].Name);
    }

    private static GpuDeviceNotFoundException NotFound(GpuAcceleratorKind kind, int index, int count, Exception? error)
    {
        string found = count == 0 ? $"no {KindName(kind)} device" : $"{count} {KindName(kind)} device{(count == 1 ? "" : "s")}";
        string message = $"The {KindName(kind)} device {index} was requested, but ILGPU found {found}" +
            (error is null ? "" : $" ({error.GetType().Name}: {error.Message})") +
            $". Devices found: {DescribeAvailable()}. Use GpuDevice.Best(allowCpuAccelerator: true), GpuDevice.CpuAccelerator() or Device.Cpu() instead.";
        return error is null ? new GpuDeviceNotFoundException(message) : new GpuDeviceNotFoundException(message, error);
    }

    private static string DescribeAvailable()
    {
        IReadOnlyList<string> all = Available();
        return all.Count == 0 ? "none" : string.Join("; ", all);
    }

    /// <summary>The devices of one kind; a driver that fails to load counts as no device, its error kept for the message.</summary>
    private static IReadOnlyList<IlgpuDevice> DevicesOf(GpuAcceleratorKind kind, out Exception? error)
    {
        error = null;
        try
        {
            AcceleratorType type = kind switch
            {
                GpuAcceleratorKind.Cuda => AcceleratorType.Cuda,
                GpuAcceleratorKind.OpenCL => AcceleratorType.OpenCL,
                _ => AcceleratorType.CPU,
            };
            return [.. ContextOf(kind).Devices.Where(d => d.AcceleratorType == type)];
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException or EntryPointNotFoundException)
        {
            error = e;
            return [];
        }
    }

    private static Context ContextOf(GpuAcceleratorKind kind) => kind switch
    {
        GpuAcceleratorKind.Cuda => s_cuda.Value,
        GpuAcceleratorKind.OpenCL => s_openCL.Value,
        _ => s_cpu.Value,
    };

    /// <summary>
    /// A context with only the requested kind enabled, optimised, with ILGPU.Algorithms' math so that
    /// Math.Exp, Math.Log and friends compile for every accelerator.
    /// </summary>
    private static Context CreateContext(GpuAcceleratorKind kind) => Context.Create(builder =>
    {
        builder.Optimize(OptimizationLevel.O1).EnableAlgorithms();
        switch (kind)
        {
            case GpuAcceleratorKind.Cuda: ILGPU.Runtime.Cuda.CudaContextExtensions.Cuda(builder); break;
            case GpuAcceleratorKind.OpenCL: ILGPU.Runtime.OpenCL.CLContextExtensions.OpenCL(builder); break;
            default: builder.CPU(CPUDeviceKind.Default); break;
        }
    });

    private static string KindName(GpuAcceleratorKind kind) => kind switch
    {
        GpuAcceleratorKind.Cuda => "CUDA",
        GpuAcceleratorKind.OpenCL => "OpenCL",
        _ => "CPU accelerator",
    };
}
