using System.Diagnostics;

namespace ModelGen.Kernels.Gpu.Parity;

/// <summary>
/// Every <see cref="IBackend"/> operation, forward and backward, with its variants (transposes, aliasing,
/// accumulation, every activation, loss, metric and optimizer), on small shapes that cross the GEMM tiles and
/// the CPU kernels' vector tails. Each case runs on a candidate back end and on a reference (the CPU SIMD back
/// end) from the same seeded data, and every output view is compared. The test project runs the suite on
/// ILGPU's CPU accelerator; Tools/GpuCheck runs it on CUDA.
/// </summary>
public static partial class ParitySuite
{
    /// <summary>Element-wise float work: the same formula, so a few ulps (exp and tanh may differ by an ulp or two).</summary>
    public const double Elementwise = 1e-5;

    /// <summary>Reductions and GEMM at small shapes: the same sums in another order.</summary>
    public const double Reduction = 1e-4;

    /// <summary>Bitwise equality: the dropout mask, fills, copies and clamps.</summary>
    public const double Exact = 0;

    /// <summary>The arena every case fits in, in floats.</summary>
    public const int ArenaLength = 1 << 16;

    private const int Seed = 42;

    /// <summary>Every case, in a fixed order with unique names.</summary>
    public static IReadOnlyList<ParityCase> Cases { get; } = Build();

    /// <summary>The case of the given name.</summary>
    public static ParityCase Case(string name) => Cases.First(c => c.Name == name);

    /// <summary>Runs <paramref name="parityCase"/> on both back ends (each with an arena of at least <see cref="ArenaLength"/>) and compares the outputs.</summary>
    public static ParityResult Run(ParityCase parityCase, IBackend candidate, IBackend reference)
    {
        ArgumentNullException.ThrowIfNull(parityCase);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(reference);
        long start = Stopwatch.GetTimestamp();
        List<float[]> got = Execute(parityCase, candidate, out IReadOnlyList<(string Name, Buf View)> outputs);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        List<float[]> expected = Execute(parityCase, reference, out _);
        double worst = 0;
        string detail = "all equal";
        bool passed = true;
        for (int o = 0; o < got.Count; o++)
        {
            for (int i = 0; i < got[o].Length; i++)
            {
                float g = got[o][i], e = expected[o][i];
                double error = Error(g, e, parityCase.Tolerance == Exact);
                if (error > worst || (double.IsNaN(error) && !double.IsNaN(worst)))
                {
                    worst = error;
                    detail = $"{outputs[o].Name}[{i}]: got {g:R}, expected {e:R}";
                }

                passed &= error <= parityCase.Tolerance;
            }
        }

        return new ParityResult(parityCase.Name, worst, parityCase.Tolerance, passed, detail, seconds);
    }

    /// <summary>Runs every case; the candidate's and the reference's arenas need <see cref="ArenaLength"/> floats.</summary>
    public static IReadOnlyList<ParityResult> RunAll(IBackend candidate, IBackend reference) =>
        [.. Cases.Select(c => Run(c, candidate, reference))];

    private static List<float[]> Execute(ParityCase parityCase, IBackend backend, out IReadOnlyList<(string Name, Buf View)> outputs)
    {
        var arena = new ParityArena(backend, Seed);
        parityCase.Body(arena);
        var results = new List<float[]>();
        foreach ((string _, Buf view) in arena.Outputs)
        {
            var host = new float[view.Length];
            backend.Download(view, host);
            results.Add(host);
        }

        outputs = arena.Outputs;
        return results;
    }

    /// <summary>|g - e| / max(1, |e|); two NaNs agree; with <paramref name="exact"/>, 0 for the same bits and infinity otherwise.</summary>
    private static double Error(float g, float e, bool exact)
    {
        if (float.IsNaN(g) && float.IsNaN(e))
        {
            return 0;
        }

        if (exact)
        {
            return BitConverter.SingleToInt32Bits(g) == BitConverter.SingleToInt32Bits(e) ? 0 : double.PositiveInfinity;
        }

        if (g == e)
        {
            return 0;
        }

        double error = Math.Abs((double)g - e) / Math.Max(1.0, Math.Abs((double)e));
        return double.IsNaN(error) ? double.PositiveInfinity : error;
    }

    private static List<ParityCase> Build()
    {
        var cases = new List<ParityCase>();
        void Add(string name, double tolerance, Action<ParityArena> body) => cases.Add(new ParityCase(name, tolerance, body));

        // Arena operations.
        Add("Fill (37)", Exact, a =>
        {
            Buf x = a.Garbage(37);
            a.Backend.Fill(x, 2.5f);
            a.Output("x", x);
        });
        Add("Copy (37)", Exact, a =>
        {
            Buf source = a.Random(37), destination = a.Garbage(37);
            a.Backend.Copy(source, destination);
            a.Output("destination", destination);
        });

        // GEMM: every transpose, shapes below, at and across the tiles, overwrite (over NaN) and accumulate.
        (int M, int N, int K)[] shapes = [(1, 1, 1), (5, 7, 3), (17, 9, 33), (33, 20, 6), (4, 64, 30)];
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                string t = $"{(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')}";
                foreach ((int m, int n, int k) in shapes)
                {
                    Add($"Gemm {t} ({m}, {n}, {k}) beta 0", Reduction, a =>
                    {
                        Buf x = a.Random(m * k), y = a.Random(k * n), c = a.Garbage(m * n);
                        a.Backend.Gemm(transA, transB, m, n, k, 1f, x, y, 0f, c);
                        a.Output("c", c);
                    });
                    Add($"Gemm {t} ({m}, {n}, {k}) alpha 0.5 beta 1", Reduction, a =>
                    {
                        Buf x = a.Random(m * k), y = a.Random(k * n), c = a.Random(m * n);
                        a.Backend.Gemm(transA, transB, m, n, k, 0.5f, x, y, 1f, c);
                        a.Output("c", c);
                    });
                }
            }
        }

        Add("Gemm NN (3, 4, 0) beta 0.5", Reduction, a =>
        {
            Buf c = a.Random(12);
            a.Backend.Gemm(false, false, 3, 4, 0, 1f, a.Values(), a.Values(), 0.5f, c);
            a.Output("c", c);
        });

        // Activations: forward, fused with the bias, and backward from the output, two shapes each.
        (int B, int F)[] rows = [(5, 7), (3, 17)];
        foreach (ActivationKind kind in Enum.GetValues<ActivationKind>())
        {
            foreach ((int batch, int features) in rows)
            {
                Add($"Activation {kind} ({batch}, {features})", Elementwise, a =>
                {
                    Buf x = a.Random(batch * features, -3f, 3f), y = a.Garbage(batch * features);
                    a.Backend.Activation(x, y, batch, features, kind);
                    a.Output("y", y);
                });
                Add($"BiasActivation {kind} ({batch}, {features})", Elementwise, a =>
                {
                    Buf y = a.Random(batch * features, -3f, 3f), bias = a.Random(features);
                    a.Backend.BiasActivation(y, bias, batch, features, kind);
                    a.Output("y", y);
                });
                Add($"ActivationBackward {kind} ({batch}, {features})", Elementwise, a =>
                {
                    Buf x = a.Random(batch * features, -3f, 3f), y = a.Garbage(batch * features);
                    Buf dy = a.Random(batch * features), dx = a.Garbage(batch * features);
                    a.Backend.Activation(x, y, batch, features, kind);
                    a.Backend.ActivationBackward(y, dy, dx, batch, features, kind);
                    a.Output("dx", dx);
                });
            }

            Add($"Activation {kind} in place (4, 9)", Elementwise, a =>
            {
                Buf x = a.Random(36, -3f, 3f), dy = a.Random(36);
                a.Backend.Activation(x, x, 4, 9, kind);
                a.Backend.ActivationBackward(x, dy, dy, 4, 9, kind);
                a.Output("y", x);
                a.Output("dx", dy);
            });
        }

        Add("BiasBackward (6, 9)", Reduction, a =>
        {
            Buf dy = a.Random(54), dBias = a.Random(9);
            a.Backend.BiasBackward(dy, dBias, 6, 9);
            a.Output("dBias", dBias);
        });

        // Batch normalisation: training (statistics, moving averages), inference, backward (also in place).
        foreach ((int batch, int features) in new[] { (8, 11), (1, 3), (32, 17) })
        {
            Add($"BatchNormTraining ({batch}, {features})", Reduction, a =>
            {
                int n = batch * features;
                Buf x = a.Random(n, -2f, 3f), y = a.Garbage(n), gamma = a.Random(features, 0.5f, 1.5f), beta = a.Random(features);
                Buf runningMean = a.Random(features), runningVar = a.Random(features, 0.5f, 2f);
                Buf savedMean = a.Garbage(features), savedInvStd = a.Garbage(features);
                a.Backend.BatchNormTraining(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, batch, features, 0.99f, 1e-3f);
                a.Output("y", y);
                a.Output("runningMean", runningMean);
                a.Output("runningVar", runningVar);
                a.Output("savedMean", savedMean);
                a.Output("savedInvStd", savedInvStd);
            });
            Add($"BatchNormBackward ({batch}, {features})", Reduction, a =>
            {
                int n = batch * features;
                Buf x = a.Random(n, -2f, 3f), dy = a.Random(n), dx = a.Garbage(n), gamma = a.Random(features, 0.5f, 1.5f);
                Buf dGamma = a.Random(features), dBeta = a.Random(features), savedMean = a.Random(features), savedInvStd = a.Random(features, 0.5f, 2f);
                a.Backend.BatchNormBackward(x, dy, dx, gamma, dGamma, dBeta, savedMean, savedInvStd, batch, features);
                a.Output("dx", dx);
                a.Output("dGamma", dGamma);
                a.Output("dBeta", dBeta);
            });
        }

        Add("BatchNormInference (5, 11)", Elementwise, a =>
        {
            Buf x = a.Random(55, -2f, 3f), y = a.Garbage(55), gamma = a.Random(11, 0.5f, 1.5f), beta = a.Random(11);
            Buf runningMean = a.Random(11), runningVar = a.Random(11, 0.5f, 2f);
            a.Backend.BatchNormInference(x, y, gamma, beta, runningMean, runningVar, 5, 11, 1e-3f);
            a.Output("y", y);
        });
        Add("BatchNormBackward in place (8, 11)", Reduction, a =>
        {
            Buf x = a.Random(88, -2f, 3f), dy = a.Random(88), gamma = a.Random(11, 0.5f, 1.5f);
            Buf dGamma = a.Random(11), dBeta = a.Random(11), savedMean = a.Random(11), savedInvStd = a.Random(11, 0.5f, 2f);
            a.Backend.BatchNormBackward(x, dy, dy, gamma, dGamma, dBeta, savedMean, savedInvStd, 8, 11);
            a.Output("dx", dy);
            a.Output("dGamma", dGamma);
            a.Output("dBeta", dBeta);
        });

        // Dropout: the mask must match bit for bit (vector body and scalar tail on the CPU side).
        foreach ((float rate, ulong stream) in new[] { (0.3f, 12_345_678_901UL), (0f, 7UL), (0.9f, ulong.MaxValue - 500) })
        {
            Add($"DropoutForward rate {rate} (1000)", Exact, a =>
            {
                Buf x = a.Random(1000), y = a.Garbage(1000), mask = a.Garbage(1000);
                a.Backend.DropoutForward(x, y, mask, rate, 42, stream);
                a.Output("mask", mask);
                a.Output("y", y);
            });
        }

        Add("DropoutForward in place, DropoutBackward (333)", Exact, a =>
        {
            Buf x = a.Random(333), mask = a.Garbage(333), dy = a.Random(333), dx = a.Garbage(333);
            a.Backend.DropoutForward(x, x, mask, 0.5f, 3, 99);
            a.Backend.DropoutBackward(dy, mask, dx);
            a.Backend.DropoutBackward(dy, mask, dy);
            a.Output("y", x);
            a.Output("dx", dx);
            a.Output("dx in place", dy);
        });

        AddLosses(Add);
        AddMetrics(Add);

        // Finiteness and clipping.
        Add("AllFinite finite (100)", Exact, a =>
        {
            Buf x = a.Random(100, -1e30f, 1e30f), result = a.Garbage(1);
            a.Backend.AllFinite(x, result);
            a.Output("result", result);
        });
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            Add($"AllFinite with {bad} (100)", Exact, a =>
            {
                Buf x = a.Random(100), result = a.Garbage(1);
                a.Backend.Fill(x.Slice(73, 1), bad);
                a.Backend.AllFinite(x, result);
                a.Output("result", result);
            });
        }

        Add("ClipByValue (50)", Exact, a =>
        {
            Buf g = a.Random(50);
            a.Backend.ClipByValue(g, 0.3f);
            a.Output("g", g);
        });
        foreach (float maxNorm in new[] { 0.5f, 100f })
        {
            Add($"ClipByNorm {maxNorm} (50)", Reduction, a =>
            {
                Buf g = a.Random(50);
                a.Backend.ClipByNorm(g, maxNorm);
                a.Output("g", g);
            });
        }

        AddOptimizers(Add);
        AddConv2DCases(Add);
        AddFusedCases(Add);
        AddRecurrentCases(Add);
        AddAttentionCases(Add);
        AddMaskingCases(Add);
        AddAdamaxNadamLionCases(Add);
        AddRegularizationCases(Add);
        return cases;
    }

    private static void AddLosses(Action<string, double, Action<ParityArena>> add)
    {
        const int Batch = 6, Features = 5;
        foreach (LossKind kind in Enum.GetValues<LossKind>())
        {
            bool[] logitsChoices = kind is LossKind.MeanSquaredError or LossKind.Hinge ? [false] : [false, true];
            foreach (bool fromLogits in logitsChoices)
            {
                foreach (bool withGradient in new[] { true, false })
                {
                    foreach (bool signedHinge in kind == LossKind.Hinge ? new[] { false, true } : [false])
                    {
                        string name = $"Loss {kind}{(fromLogits ? " from logits" : "")}{(signedHinge ? " signed targets" : "")}{(withGradient ? " with gradient" : "")} ({Batch}, {Features})";
                        add(name, Reduction, a =>
                        {
                            Buf prediction = fromLogits || kind is LossKind.MeanSquaredError or LossKind.Hinge
                                ? a.Random(Batch * Features, -3f, 3f)
                                : a.Random(Batch * Features, 0f, 1f);
                            if (!fromLogits && kind is LossKind.BinaryCrossEntropy or LossKind.CategoricalCrossEntropy or LossKind.SparseCategoricalCrossEntropy)
                            {
                                // Probabilities at and beyond the clip: the gradient is 0 there.
                                a.Backend.Fill(prediction.Slice(0, 1), 0f);
                                a.Backend.Fill(prediction.Slice(7, 1), 1f);
                            }

                            Buf target = kind switch
                            {
                                LossKind.SparseCategoricalCrossEntropy => a.Integers(Batch, Features),
                                LossKind.CategoricalCrossEntropy => a.OneHot(Batch, Features),
                                LossKind.Hinge when signedHinge => a.Values([.. Enumerable.Range(0, Batch * Features).Select(i => i % 3 == 0 ? -1f : 1f)]),
                                LossKind.Hinge or LossKind.BinaryCrossEntropy => a.Integers(Batch * Features, 2),
                                _ => a.Random(Batch * Features),
                            };
                            Buf dPrediction = withGradient ? a.Garbage(Batch * Features) : default;
                            Buf loss = a.Garbage(1);
                            a.Backend.Loss(kind, fromLogits, prediction, target, dPrediction, loss, Batch, Features, 1f / Batch);
                            a.Output("loss", loss);
                            if (withGradient)
                            {
                                a.Output("dPrediction", dPrediction);
                            }
                        });
                    }
                }
            }
        }
    }

    private static void AddMetrics(Action<string, double, Action<ParityArena>> add)
    {
        const int Batch = 9, Features = 4;
        foreach (MetricKind kind in Enum.GetValues<MetricKind>())
        {
            add($"Metric {kind} ({Batch}, {Features})", Reduction, a =>
            {
                // Predictions on a coarse grid, so arg-max ties occur and the first must win.
                Buf prediction = a.Values([.. Enumerable.Range(0, Batch * Features).Select(i => ((i * 7) % 5) / 4f)]);
                Buf target = kind switch
                {
                    MetricKind.SparseCategoricalAccuracy => a.Integers(Batch, Features),
                    MetricKind.CategoricalAccuracy => a.OneHot(Batch, Features),
                    MetricKind.BinaryAccuracy => a.Integers(Batch * Features, 2),
                    _ => a.Random(Batch * Features),
                };
                Buf result = a.Values(3f);
                a.Backend.Metric(kind, prediction, target, result, Batch, Features);
                a.Output("result", result);
            });
        }
    }

    private static void AddOptimizers(Action<string, double, Action<ParityArena>> add)
    {
        const int N = 37;
        foreach ((float momentum, bool nesterov) in new[] { (0f, false), (0.9f, false), (0.9f, true) })
        {
            add($"SgdStep momentum {momentum}{(nesterov ? " Nesterov" : "")} ({N})", Elementwise, a =>
            {
                Buf p = a.Random(N), g = a.Random(N), v = momentum == 0f ? default : a.Random(N, -0.1f, 0.1f);
                a.Backend.SgdStep(p, g, v, 0.01f, momentum, nesterov);
                a.Output("p", p);
                if (momentum != 0f)
                {
                    a.Output("velocity", v);
                }
            });
        }

        foreach (int step in new[] { 1, 5 })
        {
            add($"AdamStep step {step} ({N})", Elementwise, a =>
            {
                Buf p = a.Random(N), g = a.Random(N), m = a.Random(N, -0.1f, 0.1f), v = a.Random(N, 0f, 0.1f);
                a.Backend.AdamStep(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-7f, step);
                a.Output("p", p);
                a.Output("m", m);
                a.Output("v", v);
            });
        }

        add($"RmsPropStep ({N})", Elementwise, a =>
        {
            Buf p = a.Random(N), g = a.Random(N), s = a.Random(N, 0f, 0.1f);
            a.Backend.RmsPropStep(p, g, s, 1e-3f, 0.9f, 1e-7f);
            a.Output("p", p);
            a.Output("meanSquare", s);
        });
        add($"AdagradStep ({N})", Elementwise, a =>
        {
            Buf p = a.Random(N), g = a.Random(N), acc = a.Random(N, 0.1f, 0.5f);
            a.Backend.AdagradStep(p, g, acc, 1e-3f, 1e-7f);
            a.Output("p", p);
            a.Output("accumulator", acc);
        });
    }
}
