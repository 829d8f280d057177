namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Keras' Masking layer (<c>IBackend.Masking.cs</c>): views validated here, before anything is written, the work done
/// in MaskingCpu over whole steps. Each job is made on first use and reused (no allocation per call).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private MaskingCpu.ForwardJob? _masking;
    private MaskingCpu.BackwardJob? _maskingBackward;

    /// <inheritdoc/>
    public void Masking(Buf x, Buf y, Buf mask, int batch, int steps, int features, float value)
    {
        long rows = Count(batch, steps);
        long count = rows * Count(1, features);
        Sized(x, count, nameof(x));
        Sized(y, count, nameof(y));
        Sized(mask, rows, nameof(mask));
        (_masking ??= new MaskingCpu.ForwardJob(_gemm)).Run(_base + x.Offset, _base + y.Offset, _base + mask.Offset, (int)rows, features, value);
    }

    /// <inheritdoc/>
    public void MaskingBackward(Buf dy, Buf mask, Buf dx, int batch, int steps, int features)
    {
        long rows = Count(batch, steps);
        long count = rows * Count(1, features);
        Sized(dy, count, nameof(dy));
        Sized(mask, rows, nameof(mask));
        Sized(dx, count, nameof(dx));
        (_maskingBackward ??= new MaskingCpu.BackwardJob(_gemm)).Run(_base + dy.Offset, _base + mask.Offset, _base + dx.Offset, (int)rows, features);
    }
}
