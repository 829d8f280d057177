namespace ModelGen.Kernels.Gpu.Parity;

public static partial class ParitySuite
{
    /// <summary>
    /// Keras' Masking layer (<c>IBackend.Masking.cs</c>): the forward pass at odd shapes with padded steps (every feature
    /// equal to the value), steps with all but one feature equal to it, a mask value that is not 0, one feature per step,
    /// features across the CPU's vector widths, in place, and a NaN feature (never equal: its step is kept); the
    /// backward pass after it, out of place and in place. A comparison and a product by 0 or 1: bitwise equal.
    /// </summary>
    private static void AddMaskingCases(Action<string, double, Action<ParityArena>> add)
    {
        foreach ((int batch, int steps, int features, float value) in new[] { (3, 5, 7, 0f), (2, 4, 33, 0.5f), (4, 3, 1, -1f), (2, 6, 16, 0f), (1, 1, 0, 0f) })
        {
            string geometry = $"(B{batch}, T{steps}, F{features}) value {value:R}";
            add($"Masking {geometry}", Exact, a =>
            {
                Buf x = PaddedSteps(a, batch, steps, features, value), y = a.Garbage(batch * steps * features), mask = a.Garbage(batch * steps);
                a.Backend.Masking(x, y, mask, batch, steps, features, value);
                a.Output("y", y);
                a.Output("mask", mask);
            });
            add($"MaskingBackward after Masking {geometry}", Exact, a =>
            {
                int n = batch * steps * features;
                Buf x = PaddedSteps(a, batch, steps, features, value), y = a.Garbage(n), mask = a.Garbage(batch * steps);
                Buf dy = a.Random(n), dx = a.Garbage(n);
                a.Backend.Masking(x, y, mask, batch, steps, features, value);
                a.Backend.MaskingBackward(dy, mask, dx, batch, steps, features);
                a.Output("dx", dx);
            });
        }

        add("Masking in place (B3, T4, F9) value 0", Exact, a =>
        {
            Buf x = PaddedSteps(a, 3, 4, 9, 0f), mask = a.Garbage(12);
            a.Backend.Masking(x, x, mask, 3, 4, 9, 0f);
            a.Output("y", x);
            a.Output("mask", mask);
        });
        add("MaskingBackward in place (B3, T4, F9)", Exact, a =>
        {
            Buf x = PaddedSteps(a, 3, 4, 9, 0f), y = a.Garbage(108), mask = a.Garbage(12), dy = a.Random(108);
            a.Backend.Masking(x, y, mask, 3, 4, 9, 0f);
            a.Backend.MaskingBackward(dy, mask, dy, 3, 4, 9);
            a.Output("dx", dy);
        });
        add("Masking with a NaN feature (B2, T3, F5) value 0", Exact, a =>
        {
            Buf x = a.Values(
                0, 0, 0, 0, 0,
                0, 0, float.NaN, 0, 0,
                1, 2, 3, 4, 5,
                0, 0, 0, 0, 0,
                float.NaN, float.NaN, float.NaN, float.NaN, float.NaN,
                0, 0, 0, 0, -0f);
            Buf y = a.Garbage(30), mask = a.Garbage(6);
            a.Backend.Masking(x, y, mask, 2, 3, 5, 0f);
            a.Output("y", y);
            a.Output("mask", mask);
        });
    }

    /// <summary>
    /// (B, T, F) random features in [-1, 1) where every third step is padding (all <paramref name="value"/>) and every
    /// step after one has all but its last feature equal to the value (so it is kept).
    /// </summary>
    private static Buf PaddedSteps(ParityArena a, int batch, int steps, int features, float value)
    {
        Buf x = a.Random(batch * steps * features);
        for (int n = 0; n < batch * steps && features > 0; n++)
        {
            if (n % 3 == 0)
            {
                a.Backend.Fill(x.Slice(n * features, features), value);
            }
            else if (n % 3 == 1 && features > 1)
            {
                a.Backend.Fill(x.Slice(n * features, features - 1), value);
            }
        }

        return x;
    }
}
