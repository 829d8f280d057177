namespace ModelGen.Kernels.Gpu;

/// <summary>Thrown when a requested ILGPU accelerator is not present; the message names what was asked for and what was found.</summary>
public sealed class GpuDeviceNotFoundException : InvalidOperationException
{
    /// <summary>Creates the exception with its message.</summary>
    public GpuDeviceNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and the error that hid the device.</summary>
    public GpuDeviceNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public GpuDeviceNotFoundException()
        : base("The requested ILGPU accelerator is not present.")
    {
    }
}
