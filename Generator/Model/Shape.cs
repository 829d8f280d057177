using System.Linq;

namespace ModelGen.Generator.Model;

/// <summary>The shape of one sample, without the batch dimension. Must stay immutable with value equality.</summary>
internal sealed record Shape(EquatableArray<int> Dimensions)
{
    public static Shape Vector(int features) => new(EquatableArray.From(new[] { features }));

    public int Rank => Dimensions.Count;

    /// <summary>Floats per sample.</summary>
    public long Size => Dimensions.Aggregate(1L, (product, dimension) => product * dimension);

    /// <summary>The shape with the batch in letters, as generated comments and messages write it: (B, 64).</summary>
    public string WithBatch => "(B, " + string.Join(", ", Dimensions) + ")";

    /// <summary>Keras' summary form: (None, 64).</summary>
    public string Keras => "(None, " + string.Join(", ", Dimensions) + ")";

    /// <summary>The dimensions alone, as an array literal's contents: 1, 28, 28.</summary>
    public string Elements => string.Join(", ", Dimensions);

    public override string ToString() => WithBatch;
}
