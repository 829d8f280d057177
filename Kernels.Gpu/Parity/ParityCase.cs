namespace ModelGen.Kernels.Gpu.Parity;

/// <summary>One operation (or variant) to run on two back ends and compare.</summary>
public sealed class ParityCase
{
    internal ParityCase(string name, double tolerance, Action<ParityArena> body)
    {
        Name = name;
        Tolerance = tolerance;
        Body = body;
    }

    /// <summary>A unique name ("Gemm NT (17, 9, 33) beta 1").</summary>
    public string Name { get; }

    /// <summary>The largest allowed |candidate - reference| / max(1, |reference|); 0 means bitwise equal.</summary>
    public double Tolerance { get; }

    internal Action<ParityArena> Body { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
