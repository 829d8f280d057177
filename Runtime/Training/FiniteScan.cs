using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelGen;

/// <summary>
/// Finds the first NaN or infinity in host data. Inputs are checked before every Fit and Predict, so the scan runs
/// a vector at a time (x - x is 0 exactly when x is finite) and only looks element by element at a vector that fails.
/// </summary>
internal static class FiniteScan
{
    /// <summary>The index of the first element that is NaN or infinite, or -1 when all are finite.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int v = 0; v < vectors.Length; v++)
            {
                Vector<float> x = vectors[v];
                if (!Vector.EqualsAll(x - x, Vector<float>.Zero))
                {
                    break;
                }

                i += Vector<float>.Count;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
