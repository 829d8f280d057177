using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Recurrent;

/// <summary>
/// LstmStepForward and LstmStepBackward against the double reference at every width; the reference backward against
/// central differences of the reference forward, one step and chained through three steps with a recurrent weight
/// (as the generated code chains them); the kernels through the same chain.
/// </summary>
public sealed class LstmTests
{
    /// <summary>The double reference against double central differences (the float cast of the result is the larger error).</summary>
    private const double ReferenceTolerance = 1e-6;

    public static IEnumerable<object[]> ForwardCases() => RecurrentData.ForwardCases();

    public static IEnumerable<object[]> BackwardCases() => RecurrentData.Cases();

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Forward_MatchesReference(int batch, int units, bool masked, int width)
    {
        int gates = 4 * units;
        var random = new Random(42);
        float[] xp = TestData.Uniform(random, batch * gates, -3f, 3f), hp = TestData.Uniform(random, batch * gates, -2f, 2f);
        float[] biasIh = TestData.Uniform(random, gates), biasHh = TestData.Uniform(random, gates);
        float[] previousH = TestData.Uniform(random, batch * units), previousC = TestData.Uniform(random, batch * units, -2f, 2f);
        float[]? mask = RecurrentData.Mask(batch, masked);
        using var arena = new TestArena();
        Buf xv = arena.Put(xp), hv = arena.Put(hp), bi = arena.Put(biasIh), bh = arena.Put(biasHh), ph = arena.Put(previousH), pc = arena.Put(previousC);
        Buf mv = RecurrentData.Put(arena, mask), gv = arena.Zeros(batch * gates), h = arena.Zeros(batch * units), c = arena.Zeros(batch * units);

        Widths.Run(width, () => arena.Backend.LstmStepForward(xv, hv, bi, bh, ph, pc, mv, gv, h, c, batch, units));

        (double[] expectedGates, double[] expectedH, double[] expectedC) = RecurrentReference.LstmForward(TestData.ToDouble(xp), TestData.ToDouble(hp),
            TestData.ToDouble(biasIh), TestData.ToDouble(biasHh), TestData.ToDouble(previousH), TestData.ToDouble(previousC), RecurrentData.ToDouble(mask),
            batch, units);
        TestData.Close(expectedGates, arena.Get(gv), Tolerance.Elementwise, "gates");
        TestData.Close(expectedH, arena.Get(h), Tolerance.Elementwise, "h");
        TestData.Close(expectedC, arena.Get(c), Tolerance.Elementwise, "c");
    }

    [Theory]
    [MemberData(nameof(BackwardCases))]
    public void Backward_MatchesReference(int batch, int units, bool masked, bool withSequence, int width)
    {
        int gates = 4 * units;
        var random = new Random(42);
        // Activated gates as the forward step leaves them: sigmoids in (0, 1), the candidate in (-1, 1).
        float[] gateValues = TestData.Uniform(random, batch * gates, 0.02f, 0.98f);
        for (int k = 0; k < gateValues.Length; k++)
        {
            gateValues[k] = k / units % 4 == 2 ? (2 * gateValues[k]) - 1 : gateValues[k];
        }

        float[] previousC = TestData.Uniform(random, batch * units, -2f, 2f), c = TestData.Uniform(random, batch * units, -2f, 2f);
        float[] dh = TestData.Uniform(random, batch * units), dc = TestData.Uniform(random, batch * units);
        float[]? dSequence = withSequence ? TestData.Uniform(random, batch * units) : null;
        float[]? mask = RecurrentData.Mask(batch, masked);
        using var arena = new TestArena();
        Buf gv = arena.Put(gateValues), pc = arena.Put(previousC), cv = arena.Put(c), mv = RecurrentData.Put(arena, mask);
        Buf ds = RecurrentData.Put(arena, dSequence), dhv = arena.Put(dh), dcv = arena.Put(dc);
        // Stale values in dGates: a masked row must still come out 0.
        Buf dg = arena.Put(TestData.Uniform(random, batch * gates, 5f, 9f));

        Widths.Run(width, () => arena.Backend.LstmStepBackward(gv, pc, cv, mv, ds, dhv, dcv, dg, batch, units));

        (double[] dGates, double[] dhOut, double[] dcOut) = RecurrentReference.LstmBackward(TestData.ToDouble(gateValues), TestData.ToDouble(previousC),
            TestData.ToDouble(c), RecurrentData.ToDouble(mask), RecurrentData.ToDouble(dSequence), TestData.ToDouble(dh), TestData.ToDouble(dc), batch, units);
        TestData.Close(dGates, arena.Get(dg), Tolerance.Elementwise, "dGates");
        TestData.Close(dhOut, arena.Get(dhv), Tolerance.Elementwise, "dh");
        TestData.Close(dcOut, arena.Get(dcv), Tolerance.Elementwise, "dc");
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
            (xp, hp, ph, pc, mask) =>
            {
                Buf xv = arena.Put(RecurrentData.ToFloat(xp)), hv = arena.Put(RecurrentData.ToFloat(hp)), bi = arena.Put(RecurrentData.ToFloat(chain.BiasIh));
                Buf bh = arena.Put(RecurrentData.ToFloat(chain.BiasHh)), phv = arena.Put(RecurrentData.ToFloat(ph)), pcv = arena.Put(RecurrentData.ToFloat(pc));
                Buf mv = RecurrentData.Put(arena, mask is null ? null : RecurrentData.ToFloat(mask));
                Buf gv = arena.Zeros(xp.Length), h = arena.Zeros(ph.Length), c = arena.Zeros(pc.Length);
                Widths.Run(width, () => arena.Backend.LstmStepForward(xv, hv, bi, bh, phv, pcv, mv, gv, h, c, Chain.Batch, Chain.Units));
                return (TestData.ToDouble(arena.Get(gv)), TestData.ToDouble(arena.Get(h)), TestData.ToDouble(arena.Get(c)));
            },
            (gates, pc, c, mask, dSequence, dh, dc) =>
            {
                Buf gv = arena.Put(RecurrentData.ToFloat(gates)), pcv = arena.Put(RecurrentData.ToFloat(pc)), cv = arena.Put(RecurrentData.ToFloat(c));
                Buf mv = RecurrentData.Put(arena, mask is null ? null : RecurrentData.ToFloat(mask)), ds = arena.Put(RecurrentData.ToFloat(dSequence));
                Buf dhv = arena.Put(RecurrentData.ToFloat(dh)), dcv = arena.Put(RecurrentData.ToFloat(dc)), dg = arena.Zeros(gates.Length);
                Widths.Run(width, () => arena.Backend.LstmStepBackward(gv, pcv, cv, mv, ds, dhv, dcv, dg, Chain.Batch, Chain.Units));
                return (TestData.ToDouble(arena.Get(dg)), TestData.ToDouble(arena.Get(dhv)), TestData.ToDouble(arena.Get(dcv)));
            },
            Tolerance.Gradient);
    }

    /// <summary>
    /// An LSTM layer over T steps as the generated code runs it: hp_t = h_(t-1) W^T (W (4H, H); zero for one step, so the
    /// step's own gradients are checked alone), loss = sum_t w_t . h_t + v . h_T + u . c_T. The backward chain starts with
    /// dh = v, dc = u, passes dSequence = w_t and after each step adds dGates W into dh. It must reproduce the central
    /// differences of the loss in every xp_t, h_0 and c_0.
    /// </summary>
    private sealed class Chain
    {
        public const int Batch = 3, Units = 5;
        private const int Gates = 4 * Units;
        private readonly int _steps;
        private readonly double[][] _xp, _lossWeights;
        private readonly double[]?[] _masks;
        private readonly double[] _weight, _h0, _c0, _lastH, _lastC;

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
            _c0 = Uniform(Batch * Units, 1.5);
            _lossWeights = [.. Enumerable.Range(0, steps).Select(_ => Uniform(Batch * Units, 1))];
            _lastH = Uniform(Batch * Units, 1);
            _lastC = Uniform(Batch * Units, 1);
            // A different sample skips at each step (sample (2 - t) mod 3), and at one step none does.
            _masks = [.. Enumerable.Range(0, steps).Select(t => masked
                ? Enumerable.Range(0, Batch).Select(b => (b + t) % 3 == 2 ? 0.0 : 1.0).ToArray()
                : null)];
        }

        public delegate (double[] Gates, double[] H, double[] C) StepForward(double[] xp, double[] hp, double[] previousH, double[] previousC, double[]? mask);

        public delegate (double[] DGates, double[] Dh, double[] Dc) StepBackward(double[] gates, double[] previousC, double[] c, double[]? mask,
            double[] dSequence, double[] dh, double[] dc);

        public double[] BiasIh { get; }

        public double[] BiasHh { get; }

        public StepForward ReferenceForward => (xp, hp, ph, pc, mask) => RecurrentReference.LstmForward(xp, hp, BiasIh, BiasHh, ph, pc, mask, Batch, Units);

        public static StepBackward ReferenceBackward => (gates, pc, c, mask, ds, dh, dc) => RecurrentReference.LstmBackward(gates, pc, c, mask, ds, dh, dc, Batch, Units);

        public void Check(StepForward forward, StepBackward backward, double tolerance)
        {
            var gates = new double[_steps][];
            var h = new double[_steps + 1][];
            var c = new double[_steps + 1][];
            (h[0], c[0]) = (_h0, _c0);
            for (int t = 0; t < _steps; t++)
            {
                (gates[t], h[t + 1], c[t + 1]) = forward(_xp[t], Project(h[t]), h[t], c[t], _masks[t]);
            }

            double[] dh = _lastH, dc = _lastC;
            var dXp = new double[_steps][];
            for (int t = _steps - 1; t >= 0; t--)
            {
                (double[] dGates, double[] dhDirect, double[] dcPrevious) = backward(gates[t], c[t], c[t + 1], _masks[t], _lossWeights[t], dh, dc);
                dXp[t] = dGates;
                dh = AddBack(dhDirect, dGates);
                dc = dcPrevious;
            }

            for (int t = 0; t < _steps; t++)
            {
                int step = t;
                TestData.Close(TestData.NumericGradient(x => Loss(step, x, _h0, _c0), _xp[t]), RecurrentData.ToFloat(dXp[t]), tolerance, $"dxp[{t}]");
            }

            TestData.Close(TestData.NumericGradient(x => Loss(-1, null, x, _c0), _h0), RecurrentData.ToFloat(dh), tolerance, "dh0");
            TestData.Close(TestData.NumericGradient(x => Loss(-1, null, _h0, x), _c0), RecurrentData.ToFloat(dc), tolerance, "dc0");
        }

        /// <summary>The loss by the reference forward, with xp of step <paramref name="step"/> replaced by <paramref name="xp"/>.</summary>
        private double Loss(int step, double[]? xp, double[] h0, double[] c0)
        {
            double[] h = h0, c = c0;
            double loss = 0;
            for (int t = 0; t < _steps; t++)
            {
                (_, h, c) = RecurrentReference.LstmForward(t == step ? xp! : _xp[t], Project(h), BiasIh, BiasHh, h, c, _masks[t], Batch, Units);
                loss += Dot(_lossWeights[t], h);
            }

            return loss + Dot(_lastH, h) + Dot(_lastC, c);
        }

        /// <summary>hp (B, 4H) = h (B, H) W^T.</summary>
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

        /// <summary>dh (B, H) + dGates (B, 4H) W: the recurrent product's share of dL/dh_(t-1).</summary>
        private double[] AddBack(double[] dh, double[] dGates)
        {
            var result = (double[])dh.Clone();
            for (int b = 0; b < Batch; b++)
            {
                for (int k = 0; k < Units; k++)
                {
                    for (int g = 0; g < Gates; g++)
                    {
                        result[(b * Units) + k] += dGates[(b * Gates) + g] * _weight[(g * Units) + k];
                    }
                }
            }

            return result;
        }

        private static double Dot(double[] a, double[] b) => a.Select((v, i) => v * b[i]).Sum();
    }
}
