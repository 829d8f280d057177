using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Recurrent;

/// <summary>Shapes, masks and conversions shared by the recurrent kernel tests.</summary>
internal static class RecurrentData
{
    /// <summary>
    /// (batch, units): one element; under a vector (5 = 4 + 1); exactly one 512-bit vector; every step of a row at 512 bits
    /// (29 = 16 + 8 + 4 + 1: the body, a 256-bit, a 128-bit and a scalar column) and at 256 (24 + 4 + 1); vectors plus a
    /// tail at every width (37 = 2 x 16 + 4 + 1 = 4 x 8 + 4 + 1 = 9 x 4 + 1); the benchmark's (64, 128).
    /// </summary>
    public static readonly (int Batch, int Units)[] Shapes = [(1, 1), (3, 5), (2, 16), (3, 29), (3, 37), (64, 128)];

    /// <summary>Every shape, masked and not, with and without dSequence, at every width: (batch, units, masked, withSequence, width).</summary>
    public static IEnumerable<object[]> Cases() => Widths.Times(
        from shape in Shapes
        from masked in new[] { false, true }
        from withSequence in new[] { false, true }
        select new object[] { shape.Batch, shape.Units, masked, withSequence });

    /// <summary>Forward cases: (batch, units, masked, width).</summary>
    public static IEnumerable<object[]> ForwardCases() => Widths.Times(
        from shape in Shapes
        from masked in new[] { false, true }
        select new object[] { shape.Batch, shape.Units, masked });

    /// <summary>
    /// A per-sample mask of zeros and ones, or null: samples 1, 4, 7, ... skip the step (a batch of one skips entirely),
    /// so both kinds of rows and runs of each appear.
    /// </summary>
    public static float[]? Mask(int batch, bool masked) =>
        masked ? [.. Enumerable.Range(0, batch).Select(b => batch == 1 || b % 3 == 1 ? 0f : 1f)] : null;

    /// <summary>A view of the mask, or the empty view for none.</summary>
    public static Buf Put(TestArena arena, float[]? values) => values is null ? default : arena.Put(values);

    public static double[]? ToDouble(float[]? values) => values is null ? null : TestData.ToDouble(values);

    public static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);
}
