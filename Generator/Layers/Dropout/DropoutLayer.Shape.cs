using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers.Dropout;

internal static partial class DropoutLayer
{
    /// <summary>Element-wise: any shape passes through unchanged.</summary>
    public static Shape InferShape(Shape input) => input;

    /// <summary>The identity at inference.</summary>
    public static long FlopsPerSample() => 0;
}
