namespace ModelGen.Generator.Emit;

/// <summary>The expressions generated code uses to address the arena (CompiledModel.Act and Fixed).</summary>
internal static class Buffers
{
    /// <summary>An activation or gradient slot: width floats per sample, batch rows.</summary>
    public static string Act(string slot, int width) => $"Act({slot}, {Literals.Int(width)}, batch)";

    /// <summary>A parameter, state tensor or scratch region.</summary>
    public static string Fixed(string offset, int length) => $"Fixed({offset}, {Literals.Int(length)})";

    /// <summary>The gradient of a trainable parameter, which mirrors the parameter at GradientBase.</summary>
    public static string Gradient(string parameter, int length) => $"Fixed(GradientBase + {parameter}, {Literals.Int(length)})";
}
