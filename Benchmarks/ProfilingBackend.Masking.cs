using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>Keras' Masking layer (<c>IBackend.Masking.cs</c>), timed and forwarded like the others.</summary>
internal sealed partial class ProfilingBackend
{
    public void Masking(Buf x, Buf y, Buf mask, int batch, int steps, int features, float value) =>
        Time($"Masking ({batch}, {steps}, {features})", () => Inner.Masking(x, y, mask, batch, steps, features, value));

    public void MaskingBackward(Buf dy, Buf mask, Buf dx, int batch, int steps, int features) =>
        Time($"MaskingBackward ({batch}, {steps}, {features})", () => Inner.MaskingBackward(dy, mask, dx, batch, steps, features));
}
