namespace ModelGen.Kernels.Gpu.Parity;

public static partial class ParitySuite
{
    /// <summary>
    /// Keras 3's Adamax, Nadam and Lion (<c>IBackend.Optimizers.cs</c>): a first and a later step from random state over
    /// lengths across the CPU's vector bodies and tails; Nadam with Keras' u_product for its step; Lion also from zero state
    /// with zero gradients (sign 0) and a NaN gradient (sign NaN). The same formula in the same order: element-wise tolerance.
    /// </summary>
    private static void AddAdamaxNadamLionCases(Action<string, double, Action<ParityArena>> add)
    {
        foreach (int n in new[] { 37, 100 })
        {
            foreach (int step in new[] { 1, 5 })
            {
                add($"AdamaxStep step {step} ({n})", Elementwise, a =>
                {
                    Buf p = a.Random(n), g = a.Random(n), m = a.Random(n, -0.1f, 0.1f), u = step == 1 ? a.Values(new float[n]) : a.Random(n, 0f, 1f);
                    a.Backend.AdamaxStep(p, g, m, u, 1e-3f, 0.9f, 0.999f, 1e-7f, step);
                    a.Output("p", p);
                    a.Output("m", m);
                    a.Output("u", u);
                });
                add($"NadamStep step {step} ({n})", Elementwise, a =>
                {
                    Buf p = a.Random(n), g = a.Random(n), m = a.Random(n, -0.1f, 0.1f), v = a.Random(n, 0f, 0.1f);
                    a.Backend.NadamStep(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-7f, step, NadamProduct(0.9f, step));
                    a.Output("p", p);
                    a.Output("m", m);
                    a.Output("v", v);
                });
                add($"LionStep beta1 {(step == 1 ? 0.9f : 0.5f)} ({n})", Elementwise, a =>
                {
                    Buf p = a.Random(n), g = a.Random(n), m = a.Random(n, -0.5f, 0.5f);
                    a.Backend.LionStep(p, g, m, 1e-3f, step == 1 ? 0.9f : 0.5f, 0.99f);
                    a.Output("p", p);
                    a.Output("m", m);
                });
            }
        }

        AddAmsGradRmsPropCases(add);
        add("LionStep zero and NaN gradients (19)", Elementwise, a =>
        {
            var gradients = new float[19];
            gradients[3] = float.NaN;
            gradients[17] = -0f;
            gradients[18] = 0.25f;
            Buf p = a.Random(19), g = a.Values(gradients), m = a.Values(new float[19]);
            a.Backend.LionStep(p, g, m, 1e-3f, 0.9f, 0.99f);
            a.Output("p", p);
            a.Output("m", m);
        });
    }

    /// <summary>
    /// Adam's AMSGrad form and RMSprop with momentum, centred, or both (the third optimizer slot): a first and a later step
    /// over lengths across the vector bodies and tails; the running maximum from zero and from random values, so both
    /// sides of its comparison are taken; the centred mean square kept above the mean gradient's square.
    /// </summary>
    private static void AddAmsGradRmsPropCases(Action<string, double, Action<ParityArena>> add)
    {
        foreach (int n in new[] { 37, 100 })
        {
            foreach (int step in new[] { 1, 5 })
            {
                add($"AmsGradStep step {step} ({n})", Elementwise, a =>
                {
                    Buf p = a.Random(n), g = a.Random(n), m = a.Random(n, -0.1f, 0.1f), v = a.Random(n, 0f, 0.1f);
                    Buf vHat = step == 1 ? a.Values(new float[n]) : a.Random(n, 0f, 0.1f);
                    a.Backend.AmsGradStep(p, g, m, v, vHat, 1e-3f, 0.9f, 0.999f, 1e-7f, step);
                    a.Output("p", p);
                    a.Output("m", m);
                    a.Output("v", v);
                    a.Output("velocity_hat", vHat);
                });
            }

            foreach ((float momentum, bool centered) in new[] { (0.9f, false), (0f, true), (0.5f, true) })
            {
                add($"RmsPropStep momentum {momentum} centered {centered} ({n})", Elementwise, a =>
                {
                    Buf p = a.Random(n), g = a.Random(n), s = a.Random(n, 0.01f, 0.1f);
                    Buf mom = momentum != 0f ? a.Random(n, -0.1f, 0.1f) : default, average = centered ? a.Random(n, -0.1f, 0.1f) : default;
                    a.Backend.RmsPropStep(p, g, s, mom, average, 1e-3f, 0.9f, momentum, 1e-7f);
                    a.Output("p", p);
                    a.Output("velocity", s);
                    if (momentum != 0f)
                    {
                        a.Output("momentum", mom);
                    }

                    if (centered)
                    {
                        a.Output("average_gradient", average);
                    }
                });
            }
        }
    }

    /// <summary>Keras' u_product after <paramref name="step"/> steps, in float: the product of beta1 (1 - 0.5 * 0.96^t).</summary>
    private static float NadamProduct(float beta1, int step)
    {
        float product = 1f;
        for (int t = 1; t <= step; t++)
        {
            product = product * beta1 * (1f - (0.5f * MathF.Pow(0.96f, t)));
        }

        return product;
    }
}
