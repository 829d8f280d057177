using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu.Ops;

/// <summary>
/// An element-wise activation: its scalar form, a bulk forward over a span, and its derivative written in
/// terms of the activation's output y (so the backward pass needs no copy of the input).
/// </summary>
internal interface IActivationOp
{
    /// <summary>act(x) for one element.</summary>
    static abstract float Invoke(float x);

    /// <summary>y = act(x) over a span; x and y may be the same span.</summary>
    static abstract void Forward(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>d act / dx at the element whose output is y.</summary>
    static abstract float Derivative(float y);

    /// <summary>d act / dx for a vector of outputs, at any width.</summary>
    static abstract TV Derivative<TV>(TV y)
        where TV : struct, IVector<TV>;
}
