using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Recurrent;

/// <summary>
/// GruStepForward and GruStepBackward against the double reference at every width; the reference backward against
/// central differences of the reference forward, one step and chained through three steps with a recurrent weight;
/// the kernels through the same chain.
/// </summary>
public sealed class GruTests
{
    /// <summary>The double reference against double central differences (the float cast of the result is the larger error).</summary>
    private const double ReferenceTolerance = 1e-6;

    public static IEnumerable<object[]> ForwardCases() => RecurrentData.ForwardCases();

    public static IEnumerable<object[]> BackwardCases() => RecurrentData.Cases();

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Forward_MatchesReference(int batch, int units, bool masked, int width)
    {
        int gates = 3 * units;
        var random = new Random(42);
        float[] xp = TestData.Uniform(random, batch * gates, -3f, 3f), hp = TestData.Uniform(random, batch * gates, -2f, 2f);
        float[] biasIh = TestData.Uniform(random, gates), biasHh = TestData.Uniform(random, gates);
        float[] previous = TestData.Uniform(random, batch * units);
        float[]? mask = RecurrentData.Mask(batch, masked);
        using var arena = new TestArena();
        Buf xv = arena.Put(xp), hv = arena.Put(hp), bi = arena.Put(biasIh), bh = arena.Put(biasHh), pv = arena.Put(previous);
        Buf mv = RecurrentData.Put(arena, mask), gv = arena.Zeros(batch * 4 * units), h = arena.Zeros(batch * units);

        Widths.Run(width, () => arena.Backend.GruStepForward(xv, hv, bi, bh, pv, mv, gv, h, batch, units));

        (double[] expectedGates, double[] expectedH) = RecurrentReference.GruForward(TestData.ToDouble(xp), TestData.ToDouble(hp),
            TestData.ToDouble(biasIh), TestData.ToDouble(biasHh), TestData.ToDouble(previous), RecurrentData.ToDouble(mask), batch, units);
        TestData.Close(expectedGates, arena.Get(gv), Tolerance.Elementwise, "gates");
        TestData.Close(expectedH, arena.Get(h), Tolerance.Elementwise, "h");
    }

    [Theory]
    [MemberData(nameof(BackwardCases))]
    public void Backward_MatchesReference(int batch, int units, bool masked, bool withSequence, int width)
    {
        var random = new Random(42);
        // (r, z, n, hn) as the forward step leaves them: r, z in (0, 1), n in (-1, 1), hn any value.
        float[] gateValues = TestData.Uniform(random, batch * 4 * units, 0.02f, 0.98f);
        for (int k = 0; k < gateValues.Length; k++)
        {
            int gate = k / units % 4;
            gateValues[k] = gate == 2 ? (2 * gateValues[k]) - 1 : gate == 3 ? 4 * (gateValues[k] - 0.5f) : gateValues[k];
        }

        float[] previous = TestData.Uniform(random, batch * units), dh = TestData.Uniform(random, batch * units);
        float[]? dSequence = withSequence ? TestData.Uniform(random, batch * units) : null;
        float[]? mask = RecurrentData.Mask(batch, masked);
        using var arena = new TestArena();
        Buf gv = arena.Put(gateValues), pv = arena.Put(previous), mv = RecurrentData.Put(arena, mask), ds = RecurrentData.Put(arena, dSequence);
        Buf dhv = arena.Put(dh);
        // Stale values in both gate gradients: a masked row must still come out 0.
        Buf di = arena.Put(TestData.Uniform(random, batch * 3 * units, 5f, 9f)), dr = arena.Put(TestData.Uniform(random, batch * 3 * units, 5f, 9f));

        Widths.Run(width, () => arena.Backend.GruStepBackward(gv, pv, mv, ds, dhv, di, dr, batch, units));

        (double[] dInput, double[] dRecurrent, double[] dhOut) = RecurrentReference.GruBackward(TestData.ToDouble(gateValues), TestData.ToDouble(previous),
            RecurrentData.ToDouble(mask), RecurrentData.ToDouble(dSequence), TestData.ToDouble(dh), batch, units);
        TestData.Close(dInput, arena.Get(di), Tolerance.Elementwise, "dInputGates");
        TestData.Close(dRecurrent, arena.Get(dr), Tolerance.Elementwise, "dRecurrentGates");
        TestData.Close(dhOut, arena.Get(dhv), Tolerance.Elementwise, "dh");
    }

    public static TheoryData<int, bool> ChainCases() => new() { { 1, false }, { 1, true }, { 3, false }, { 3, true } };

    [Theory]
    [MemberData(nameof(ChainCases))]
    public void ReferenceBackward_MatchesFiniteDifferences(int steps, bool masked)
    {
        var chain = new Chain(steps, masked);
        chain.Check(chain.ReferenceForward, Chain.ReferenceBackward, ReferenceTolerance);
    }

    public static IEnumerable<object[]> ChainCasesAtWidths() => Widths.Times(ChainCases().Select(row => row.ToArray()));

    [Theory]
    [MemberData(nameof(ChainCasesAtWidths))]
    public void Kernels_ThroughSteps_MatchFiniteDifferences(int steps, bool masked, int width)
    {
        var chain = new Chain(steps, masked);
        using var arena = new TestArena();
        chain.Check(
            (xp, hp, previous, mask) =>
            {
                Buf xv = arena.Put(RecurrentData.ToFloat(xp)), hv = arena.Put(RecurrentData.ToFloat(hp)), bi = arena.Put(RecurrentData.ToFloat(chain.BiasIh));
                Buf bh = arena.Put(RecurrentData.ToFloat(chain.BiasHh)), pv = arena.Put(RecurrentData.ToFloat(previous));
                Buf mv = RecurrentData.Put(arena, mask is null ? null : RecurrentData.ToFloat(mask));
                Buf gv = arena.Zeros(4 * previous.Length), h = arena.Zeros(previous.Length);
                Widths.Run(width, () => arena.Backend.GruStepForward(xv, hv, bi, bh, pv, mv, gv, h, Chain.Batch, Chain.Units));
                return (TestData.ToDouble(arena.Get(gv)), TestData.ToDouble(arena.Get(h)));
            },
            (gates, previous, mask, dSequence, dh) =>
            {
                Buf gv = arena.Put(RecurrentData.ToFloat(gates)), pv = arena.Put(RecurrentData.ToFloat(previous));
                Buf mv = RecurrentData.Put(arena, mask is null ? null : RecurrentData.ToFloat(mask)), ds = arena.Put(RecurrentData.ToFloat(dSequence));
                Buf dhv = arena.Put(RecurrentData.ToFloat(dh)), di = arena.Zeros(3 * dh.Length), dr = arena.Zeros(3 * dh.Length);
                Widths.Run(width, () => arena.Backend.GruStepBackward(gv, pv, mv, ds, dhv, di, dr, Chain.Batch, Chain.Units));
                return (TestData.ToDouble(arena.Get(di)), TestData.ToDouble(arena.Get(dr)), TestData.ToDouble(arena.Get(dhv)));
            },
            Tolerance.Gradient);
    }

    /// <summary>
    /// A GRU layer over T steps as the generated code runs it: hp_t = h_(t-1) W^T (W (3H, H); zero for one step, so the
    /// step's own gradients are checked alone), loss = sum_t w_t . h_t + v . h_T. The backward chain starts with dh = v,
    /// passes dSequence = w_t and after each step adds dRecurrentGates W into dh. The input gradients must be the central
    /// differences of the loss in every xp_t, the recurrent ones those in every hp_t, and dh those in h_0.
    /// </summary>
    private sealed class Chain
    {
        public const int Batch = 3, Units = 5;
        private const int Gates = 3 * Units;
        private readonly int _steps;
        private readonly double[][] _xp, _lossWeights;
        private readonly double[]?[] _masks;
        private readonly double[] _weight, _h0, _lastH;

        public Chain(int steps, bool masked)
        {
            _steps = steps;
            var random = new Random(42);
            double[] Uniform(int n, double scale) => [.. Enumerable.Range(0, n).Select(_ => scale * ((2 * random.NextDouble()) - 1))];
            _xp = [.. Enumerable.Range(0, steps).Select(_ => Uniform(Batch * Gates, 2))];
            _weight = steps == 1 ? new double[Gates * Units] : Uniform(Gates * Units, 0.6);
            BiasIh = Uniform(Gates, 0.5);
            BiasHh = Uniform(Gates, 0.5);
            _h0 = Uniform(Batch * Units, 1);
            _lossWeights = [.. Enumerable.Range(0, steps).Select(_ => Uniform(Batch * Units, 1))];
            _lastH = Uniform(Batch * Units, 1);
            _masks = [.. Enumerable.Range(0, steps).Select(t => masked
                ? Enumerable.Range(0, Batch).Select(b => (b + t) % 3 == 2 ? 0.0 : 1.0).ToArray()
                : null)];
        }

        public delegate (double[] Gates, double[] H) StepForward(double[] xp, double[] hp, double[] previous, double[]? mask);

        public delegate (double[] DInput, double[] DRecurrent, double[] Dh) StepBackward(double[] gates, double[] previous, double[]? mask,
            double[] dSequence, double[] dh);

        public double[] BiasIh { get; }

        public double[] BiasHh { get; }

        public StepForward ReferenceForward => (xp, hp, previous, mask) => RecurrentReference.GruForward(xp, hp, BiasIh, BiasHh, previous, mask, Batch, Units);

        public static StepBackward ReferenceBackward => (gates, previous, mask, ds, dh) => RecurrentReference.GruBackward(gates, previous, mask, ds, dh, Batch, Units);

        public void Check(StepForward forward, StepBackward backward, double tolerance)
        {
            var gates = new double[_steps][];
            var h = new double[_steps + 1][];
            var hp = new double[_steps][];
            h[0] = _h0;
            for (int t = 0; t < _steps; t++)
            {
                hp[t] = Project(h[t]);
                (gates[t], h[t + 1]) = forward(_xp[t], hp[t], h[t], _masks[t]);
            }

            double[] dh = _lastH;
            var dInput = new double[_steps][];
            var dRecurrent = new double[_steps][];
            for (int t = _steps - 1; t >= 0; t--)
            {
                (dInput[t], dRecurrent[t], double[] dhDirect) = backward(gates[t], h[t], _masks[t], _lossWeights[t], dh);
                dh = AddBack(dhDirect, dRecurrent[t]);
            }

            for (int t = 0; t < _steps; t++)
            {
                int step = t;
                TestData.Close(TestData.NumericGradient(x => Loss(_h0, step, x, null), _xp[t]), RecurrentData.ToFloat(dInput[t]), tolerance, $"dInputGates[{t}]");
                TestData.Close(TestData.NumericGradient(x => Loss(_h0, step, null, x), hp[t]), RecurrentData.ToFloat(dRecurrent[t]), tolerance,
                    $"dRecurrentGates[{t}]");
            }

            TestData.Close(TestData.NumericGradient(x => Loss(x, -1, null, null), _h0), RecurrentData.ToFloat(dh), tolerance, "dh0");
        }

        /// <summary>The loss by the reference forward, with xp or hp of step <paramref name="step"/> replaced where given.</summary>
        private double Loss(double[] h0, int step, double[]? xp, double[]? hp)
        {
            double[] h = h0;
            double loss = 0;
            for (int t = 0; t < _steps; t++)
            {
                double[] projected = t == step && hp is not null ? hp : Project(h);
                (_, h) = RecurrentReference.GruForward(t == step && xp is not null ? xp : _xp[t], projected, BiasIh, BiasHh, h, _masks[t], Batch, Units);
                loss += Dot(_lossWeights[t], h);
            }

            return loss + Dot(_lastH, h);
        }

        /// <summary>hp (B, 3H) = h (B, H) W^T.</summary>
        private double[] Project(double[] h)
        {
            var hp = new double[Batch * Gates];
            for (int b = 0; b < Batch; b++)
            {
                for (int g = 0; g < Gates; g++)
                {
                    for (int k = 0; k < Units; k++)
                    {
                        hp[(b * Gates) + g] += h[(b * Units) + k] * _weight[(g * Units) + k];
                    }
                }
            }

            return hp;
        }

        /// <summary>dh (B, H) + dRecurrentGates (B, 3H) W: the recurrent product's share of dL/dh_(t-1).</summary>
        private double[] AddBack(double[] dh, double[] dRecurrent)
        {
            var result = (double[])dh.Clone();
            for (int b = 0; b < Batch; b++)
            {
                for (int k = 0; k < Units; k++)
                {
                    for (int g = 0; g < Gates; g++)
                    {
                        result[(b * Units) + k] += dRecurrent[(b * Gates) + g] * _weight[(g * Units) + k];
                    }
                }
            }

            return result;
        }

        private static double Dot(double[] a, double[] b) => a.Select((v, i) => v * b[i]).Sum();
    }
}
