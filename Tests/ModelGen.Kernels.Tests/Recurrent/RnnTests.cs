using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Recurrent;

/// <summary>
/// RnnStepForward and RnnStepBackward (tanh and ReLU) against the double reference at every width; the reference
/// backward against central differences of the reference forward, one step and chained through three steps with a
/// recurrent weight; the kernels through the same chain.
/// </summary>
public sealed class RnnTests
{
    /// <summary>The double reference against double central differences (the float cast of the result is the larger error).</summary>
    private const double ReferenceTolerance = 1e-6;

    private static readonly ActivationKind[] Activations = [ActivationKind.Tanh, ActivationKind.ReLU];

    public static IEnumerable<object[]> ForwardCases() =>
        RecurrentData.ForwardCases().SelectMany(row => Activations.Select(kind => row.Prepend(kind).ToArray()));

    public static IEnumerable<object[]> BackwardCases() =>
        RecurrentData.Cases().SelectMany(row => Activations.Select(kind => row.Prepend(kind).ToArray()));

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Forward_MatchesReference(ActivationKind activation, int batch, int units, bool masked, int width)
    {
        var random = new Random(42);
        float[] xp = TestData.Uniform(random, batch * units, -3f, 3f), hp = TestData.Uniform(random, batch * units, -2f, 2f);
        float[] biasIh = TestData.Uniform(random, units), biasHh = TestData.Uniform(random, units), previous = TestData.Uniform(random, batch * units);
        float[]? mask = RecurrentData.Mask(batch, masked);
        using var arena = new TestArena();
        Buf xv = arena.Put(xp), hv = arena.Put(hp), bi = arena.Put(biasIh), bh = arena.Put(biasHh), pv = arena.Put(previous);
        Buf mv = RecurrentData.Put(arena, mask), h = arena.Zeros(batch * units);

        Widths.Run(width, () => arena.Backend.RnnStepForward(xv, hv, bi, bh, pv, mv, h, batch, units, activation));

        double[] expected = RecurrentReference.RnnForward(TestData.ToDouble(xp), TestData.ToDouble(hp), TestData.ToDouble(biasIh),
            TestData.ToDouble(biasHh), TestData.ToDouble(previous), RecurrentData.ToDouble(mask), batch, units, activation == ActivationKind.ReLU);
        TestData.Close(expected, arena.Get(h), Tolerance.Elementwise, "h");
    }

    [Theory]
    [MemberData(nameof(BackwardCases))]
    public void Backward_MatchesReference(ActivationKind activation, int batch, int units, bool masked, bool withSequence, int width)
    {
        var random = new Random(42);
        bool relu = activation == ActivationKind.ReLU;
        // Outputs as the forward step leaves them: tanh in (-1, 1), ReLU 0 or positive.
        float[] h = TestData.Uniform(random, batch * units, -0.99f, 0.99f);
        if (relu)
        {
            h = [.. h.Select(v => v < 0 ? 0f : 2 * v)];
        }

        float[] dh = TestData.Uniform(random, batch * units);
        float[]? dSequence = withSequence ? TestData.Uniform(random, batch * units) : null;
        float[]? mask = RecurrentData.Mask(batch, masked);
        using var arena = new TestArena();
        Buf hv = arena.Put(h), mv = RecurrentData.Put(arena, mask), ds = RecurrentData.Put(arena, dSequence), dhv = arena.Put(dh);
        Buf dg = arena.Put(TestData.Uniform(random, batch * units, 5f, 9f));

        Widths.Run(width, () => arena.Backend.RnnStepBackward(hv, mv, ds, dhv, dg, batch, units, activation));

        (double[] dGates, double[] dhOut) = RecurrentReference.RnnBackward(TestData.ToDouble(h), RecurrentData.ToDouble(mask),
            RecurrentData.ToDouble(dSequence), TestData.ToDouble(dh), batch, units, relu);
        TestData.Close(dGates, arena.Get(dg), Tolerance.Elementwise, "dGates");
        TestData.Close(dhOut, arena.Get(dhv), Tolerance.Elementwise, "dh");
    }

    public static IEnumerable<object[]> ChainCases() =>
        from kind in Activations
        from steps in new[] { 1, 3 }
        from masked in new[] { false, true }
        select new object[] { kind, steps, masked };

    [Theory]
    [MemberData(nameof(ChainCases))]
    public void ReferenceBackward_MatchesFiniteDifferences(ActivationKind activation, int steps, bool masked)
    {
        var chain = new Chain(steps, masked, activation == ActivationKind.ReLU);
        chain.Check(chain.ReferenceForward, chain.ReferenceBackward, ReferenceTolerance);
    }

    public static IEnumerable<object[]> ChainCasesAtWidths() => Widths.Times(ChainCases());

    [Theory]
    [MemberData(nameof(ChainCasesAtWidths))]
    public void Kernels_ThroughSteps_MatchFiniteDifferences(ActivationKind activation, int steps, bool masked, int width)
    {
        var chain = new Chain(steps, masked, activation == ActivationKind.ReLU);
        using var arena = new TestArena();
        chain.Check(
            (xp, hp, previous, mask) =>
            {
                Buf xv = arena.Put(RecurrentData.ToFloat(xp)), hv = arena.Put(RecurrentData.ToFloat(hp)), bi = arena.Put(RecurrentData.ToFloat(chain.BiasIh));
                Buf bh = arena.Put(RecurrentData.ToFloat(chain.BiasHh)), pv = arena.Put(RecurrentData.ToFloat(previous));
                Buf mv = RecurrentData.Put(arena, mask is null ? null : RecurrentData.ToFloat(mask)), h = arena.Zeros(previous.Length);
                Widths.Run(width, () => arena.Backend.RnnStepForward(xv, hv, bi, bh, pv, mv, h, Chain.Batch, Chain.Units, activation));
                return TestData.ToDouble(arena.Get(h));
            },
            (h, mask, dSequence, dh) =>
            {
                Buf hv = arena.Put(RecurrentData.ToFloat(h)), mv = RecurrentData.Put(arena, mask is null ? null : RecurrentData.ToFloat(mask));
                Buf ds = arena.Put(RecurrentData.ToFloat(dSequence)), dhv = arena.Put(RecurrentData.ToFloat(dh)), dg = arena.Zeros(h.Length);
                Widths.Run(width, () => arena.Backend.RnnStepBackward(hv, mv, ds, dhv, dg, Chain.Batch, Chain.Units, activation));
                return (TestData.ToDouble(arena.Get(dg)), TestData.ToDouble(arena.Get(dhv)));
            },
            Tolerance.Gradient);
    }

    /// <summary>
    /// A SimpleRNN layer over T steps as the generated code runs it: hp_t = h_(t-1) W^T (W (H, H); zero for one step, so
    /// the step's own gradients are checked alone), loss = sum_t w_t . h_t + v . h_T. The backward chain starts with
    /// dh = v, passes dSequence = w_t and after each step adds dGates W into dh. It must reproduce the central differences
    /// of the loss in every xp_t and h_0.
    /// </summary>
    private sealed class Chain
    {
        public const int Batch = 3, Units = 5;
        private readonly int _steps;
        private readonly bool _relu;
        private readonly double[][] _xp, _lossWeights;
        private readonly double[]?[] _masks;
        private readonly double[] _weight, _h0, _lastH;

        public Chain(int steps, bool masked, bool relu)
        {
            (_steps, _relu) = (steps, relu);
            var random = new Random(42);
            double[] Uniform(int n, double scale) => [.. Enumerable.Range(0, n).Select(_ => scale * ((2 * random.NextDouble()) - 1))];
            _xp = [.. Enumerable.Range(0, steps).Select(_ => Uniform(Batch * Units, 2))];
            _weight = steps == 1 ? new double[Units * Units] : Uniform(Units * Units, 0.6);
            BiasIh = Uniform(Units, 0.5);
            BiasHh = Uniform(Units, 0.5);
            _h0 = Uniform(Batch * Units, 1);
            _lossWeights = [.. Enumerable.Range(0, steps).Select(_ => Uniform(Batch * Units, 1))];
            _lastH = Uniform(Batch * Units, 1);
            _masks = [.. Enumerable.Range(0, steps).Select(t => masked
                ? Enumerable.Range(0, Batch).Select(b => (b + t) % 3 == 2 ? 0.0 : 1.0).ToArray()
                : null)];
        }

        public delegate double[] StepForward(double[] xp, double[] hp, double[] previous, double[]? mask);

        public delegate (double[] DGates, double[] Dh) StepBackward(double[] h, double[]? mask, double[] dSequence, double[] dh);

        public double[] BiasIh { get; }

        public double[] BiasHh { get; }

        public StepForward ReferenceForward => (xp, hp, previous, mask) =>
            RecurrentReference.RnnForward(xp, hp, BiasIh, BiasHh, previous, mask, Batch, Units, _relu);

        public StepBackward ReferenceBackward => (h, mask, ds, dh) => RecurrentReference.RnnBackward(h, mask, ds, dh, Batch, Units, _relu);

        public void Check(StepForward forward, StepBackward backward, double tolerance)
        {
            var h = new double[_steps + 1][];
            h[0] = _h0;
            for (int t = 0; t < _steps; t++)
            {
                h[t + 1] = forward(_xp[t], Project(h[t]), h[t], _masks[t]);
            }

            double[] dh = _lastH;
            var dXp = new double[_steps][];
            for (int t = _steps - 1; t >= 0; t--)
            {
                (dXp[t], double[] dhDirect) = backward(h[t + 1], _masks[t], _lossWeights[t], dh);
                dh = AddBack(dhDirect, dXp[t]);
            }

            for (int t = 0; t < _steps; t++)
            {
                int step = t;
                TestData.Close(TestData.NumericGradient(x => Loss(_h0, step, x), _xp[t]), RecurrentData.ToFloat(dXp[t]), tolerance, $"dxp[{t}]");
            }

            TestData.Close(TestData.NumericGradient(x => Loss(x, -1, null), _h0), RecurrentData.ToFloat(dh), tolerance, "dh0");
        }

        private double Loss(double[] h0, int step, double[]? xp)
        {
            double[] h = h0;
            double loss = 0;
            for (int t = 0; t < _steps; t++)
            {
                h = RecurrentReference.RnnForward(t == step ? xp! : _xp[t], Project(h), BiasIh, BiasHh, h, _masks[t], Batch, Units, _relu);
                loss += Dot(_lossWeights[t], h);
            }

            return loss + Dot(_lastH, h);
        }

        /// <summary>hp (B, H) = h (B, H) W^T.</summary>
        private double[] Project(double[] h)
        {
            var hp = new double[Batch * Units];
            for (int b = 0; b < Batch; b++)
            {
                for (int g = 0; g < Units; g++)
                {
                    for (int k = 0; k < Units; k++)
                    {
                        hp[(b * Units) + g] += h[(b * Units) + k] * _weight[(g * Units) + k];
                    }
                }
            }

            return hp;
        }

        /// <summary>dh (B, H) + dGates (B, H) W: the recurrent product's share of dL/dh_(t-1).</summary>
        private double[] AddBack(double[] dh, double[] dGates)
        {
            var result = (double[])dh.Clone();
            for (int b = 0; b < Batch; b++)
            {
                for (int k = 0; k < Units; k++)
                {
                    for (int g = 0; g < Units; g++)
                    {
                        result[(b * Units) + k] += dGates[(b * Units) + g] * _weight[(g * Units) + k];
                    }
                }
            }

            return result;
        }

        private static double Dot(double[] a, double[] b) => a.Select((v, i) => v * b[i]).Sum();
    }
}
