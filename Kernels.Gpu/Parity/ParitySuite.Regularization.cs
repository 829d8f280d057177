namespace ModelGen.Kernels.Gpu.Parity;

public static partial class ParitySuite
{
    /// <summary>
    /// Keras' L1 and L2 weight regularisers (<c>IBackend.Regularization.cs</c>): L1 alone, L2 alone and both, with the
    /// gradient and without (the loss alone), over lengths across the CPU's 16-element blocks and tails, and zeros of
    /// both signs (sign 0). The gradient is the same formula in the same order (bitwise); the penalty's double sums are
    /// added in another order (reduction tolerance).
    /// </summary>
    private static void AddRegularizationCases(Action<string, double, Action<ParityArena>> add)
    {
        foreach (int n in new[] { 1, 37, 300 })
        {
            foreach ((float l1, float l2) in new[] { (0.01f, 0f), (0f, 0.02f), (0.03f, 0.005f) })
            {
                add($"Regularize l1 {l1} l2 {l2} ({n})", Exact, a =>
                {
                    Buf w = a.Random(n), g = a.Random(n), loss = a.Values(0.75f);
                    a.Backend.Regularize(w, g, loss, l1, l2);
                    a.Output("g", g);
                });
                add($"Regularize loss l1 {l1} l2 {l2} ({n})", Reduction, a =>
                {
                    Buf w = a.Random(n, -3f, 3f), loss = a.Values(0.75f);
                    a.Backend.Regularize(w, default, loss, l1, l2);
                    a.Output("loss", loss);
                });
            }
        }

        add("Regularize zeros of both signs (19)", Exact, a =>
        {
            var weights = new float[19];
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = i % 3 == 0 ? 0f : i % 3 == 1 ? -0f : (i - 9) * 0.25f;
            }

            Buf w = a.Values(weights), g = a.Random(19), loss = a.Values(0f);
            a.Backend.Regularize(w, g, loss, 0.01f, 0.02f);
            a.Output("g", g);
            a.Output("loss", loss);
        });
    }
}
