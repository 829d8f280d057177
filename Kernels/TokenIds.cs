namespace ModelGen.Kernels;

/// <summary>The one check of embedding token ids, shared by every back end and by the runtime's check of its inputs.</summary>
public static class TokenIds
{
    /// <summary>Whether <paramref name="id"/> is an integer in [0, <paramref name="vocabulary"/>) (NaN is not).</summary>
    public static bool IsValid(float id, int vocabulary) => id >= 0f && id < vocabulary && id == MathF.Floor(id);

    /// <summary>ids (B, T): throws naming the first sample and position whose id is not an integer in [0, vocabulary).</summary>
    public static void Require(ReadOnlySpan<float> ids, int batch, int steps, int vocabulary)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                float id = ids[(b * steps) + t];
                if (!IsValid(id, vocabulary))
                {
                    throw new ArgumentException(
                        $"Token id {id} at sample {b}, position {t} is not an integer in [0, {vocabulary}).", nameof(ids));
                }
            }
        }
    }
}
