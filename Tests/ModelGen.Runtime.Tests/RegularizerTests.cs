using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Keras' L1 and L2 weight regularisers (a layer's KernelL1, KernelL2, BiasL1, BiasL2, RecurrentL2): the penalty
/// l1 sum|w| + l2 sum w^2 is in the loss that ComputeGradients, TrainOnBatch, Evaluate and History's loss and val_loss
/// report, and its gradient in the parameters' gradients, all against the regularised loss of a Dense layer written
/// out in double (its value and its central differences); a model whose factors are 0 trains bit for bit as one without
/// them; a SimpleRNN's recurrent regulariser lands on weight_hh_l0 alone.
/// </summary>
public sealed class RegularizerTests
{
    private const int Inputs = 3;
    private const int Units = 2;

    /// <summary>Float forward passes and sums against double: a few ulps of values near 1.</summary>
    private const double LossTolerance = 1e-5;

    /// <summary>Float gradients against double central differences of the double loss.</summary>
    private const double GradientTolerance = 1e-4;

    private const double FiniteDifferenceStep = 1e-6;

    // W (2, 3) row-major then b (2): no weight within the step of a kink of |w| but the second bias, exactly 0, where
    // both sign(0) and the central difference of |b| are 0.
    private static readonly float[] Weights = [0.5f, -0.3f, 0.8f, -0.6f, 0.2f, 0.4f, 0.1f, 0f];

    /// <summary>Keras' factors of each model, in the order kernel L1, kernel L2, bias L1, bias L2.</summary>
    private static readonly Factors KernelL2 = new(0f, 0.05f, 0f, 0f);
    private static readonly Factors KernelBiasL1 = new(0.02f, 0f, 0.03f, 0f);
    private static readonly Factors KernelL1L2 = new(0.01f, 0.04f, 0f, 0.5f);

    public static TheoryData<string> DenseModels() => new("KernelL2", "KernelBiasL1", "KernelL1L2");

    [Theory]
    [MemberData(nameof(DenseModels))]
    public void TheLayoutCarriesTheAttributesFactors(string name)
    {
        (CompiledModel model, Factors factors) = Create(name, 8);
        using (model)
        {
            ParameterInfo weight = Parameter(model, "dense0.weight"), bias = Parameter(model, "dense0.bias");
            Assert.Equal((0, 0), (weight.Offset, bias.Offset - Units * Inputs));
            Assert.Equal((factors.KernelL1, factors.KernelL2), (weight.L1, weight.L2));
            Assert.Equal((factors.BiasL1, factors.BiasL2), (bias.L1, bias.L2));
        }
    }

    [Theory]
    [MemberData(nameof(DenseModels))]
    public void ComputeGradients_LossIsTheDataLossPlusThePenalty(string name)
    {
        (CompiledModel model, Factors factors) = Create(name, 8);
        using (model)
        {
            (float[] x, float[] t) = Batch(8, seed: 1);
            model.WriteWeights(Weights);

            float loss = model.ComputeGradients(x, t);

            double[] w = ToDouble(Weights);
            double expected = DataLoss(w, x, t) + factors.Penalty(w);
            Assert.True(factors.Penalty(w) > 1e-3, "The penalty is large enough to be seen.");
            Assert.Equal(expected, loss, LossTolerance * (1 + expected));
        }
    }

    [Theory]
    [MemberData(nameof(DenseModels))]
    public void ComputeGradients_AreCentralDifferencesOfTheRegularisedLoss(string name)
    {
        (CompiledModel model, Factors factors) = Create(name, 8);
        using (model)
        {
            (float[] x, float[] t) = Batch(8, seed: 2);
            model.WriteWeights(Weights);

            model.ComputeGradients(x, t);

            double[] numeric = NumericGradient(w => DataLoss(w, x, t) + factors.Penalty(w), ToDouble(Weights));
            float[] analytic = [.. model.Gradient("dense0.weight").ToArray(), .. model.Gradient("dense0.bias").ToArray()];
            for (int i = 0; i < numeric.Length; i++)
            {
                Assert.True(Math.Abs(analytic[i] - numeric[i]) <= GradientTolerance * (1 + Math.Abs(numeric[i])),
                    $"{name} gradient {i}: {analytic[i]:R} against {numeric[i]:R}");
            }

            // sign(0) = 0: the zero bias gets the data gradient alone (its central difference has no L1 part either).
            double dataOnly = NumericGradient(w => DataLoss(w, x, t), ToDouble(Weights))[7];
            Assert.Equal(dataOnly, analytic[7], GradientTolerance);
        }
    }

    [Theory]
    [MemberData(nameof(DenseModels))]
    public void TrainOnBatch_StepsWithTheRegularisedGradient(string name)
    {
        (CompiledModel model, Factors factors) = Create(name, 8);
        using (model)
        {
            (float[] x, float[] t) = Batch(8, seed: 3);
            model.WriteWeights(Weights);

            float loss = model.TrainOnBatch(x, t, new Sgd(0.1f));

            double[] w = ToDouble(Weights);
            double[] gradient = NumericGradient(v => DataLoss(v, x, t) + factors.Penalty(v), w);
            float[] after = ReadWeights(model);
            for (int i = 0; i < w.Length; i++)
            {
                Assert.Equal(w[i] - (0.1 * gradient[i]), after[i], GradientTolerance);
            }

            double expected = DataLoss(w, x, t) + factors.Penalty(w);
            Assert.Equal(expected, loss, LossTolerance * (1 + expected));
        }
    }

    [Theory]
    [MemberData(nameof(DenseModels))]
    public void Evaluate_IncludesThePenalty(string name)
    {
        (CompiledModel model, Factors factors) = Create(name, 4);
        using (model)
        {
            (float[] x, float[] t) = Batch(10, seed: 4);
            model.WriteWeights(Weights);

            double loss = model.Evaluate(new Dataset(x, Inputs, t, Units), batchSize: 4)["loss"];

            double[] w = ToDouble(Weights);
            double expected = DataLoss(w, x, t) + factors.Penalty(w);
            Assert.Equal(expected, loss, LossTolerance * (1 + expected));
        }
    }

    /// <summary>
    /// One step over the whole training set: the epoch's loss is the regularised loss at the starting weights, its
    /// val_loss the regularised loss of the validation rows at the weights after the step (Keras' test step adds
    /// model.losses too).
    /// </summary>
    [Theory]
    [MemberData(nameof(DenseModels))]
    public void History_LossAndValLossIncludeThePenalty(string name)
    {
        (CompiledModel model, Factors factors) = Create(name, 8);
        using (model)
        {
            (float[] x, float[] t) = Batch(8, seed: 5);
            (float[] vx, float[] vt) = Batch(6, seed: 6);
            model.WriteWeights(Weights);

            History history = model.Fit(new Dataset(x, Inputs, t, Units), new Dataset(vx, Inputs, vt, Units), 8, 1, new Sgd(0.1f), verbose: 0);

            double[] before = ToDouble(Weights), after = ToDouble(ReadWeights(model));
            double loss = DataLoss(before, x, t) + factors.Penalty(before);
            double valLoss = DataLoss(after, vx, vt) + factors.Penalty(after);
            Assert.Equal(loss, history["loss"][0], LossTolerance * (1 + loss));
            Assert.Equal(valLoss, history["val_loss"][0], LossTolerance * (1 + valLoss));
        }
    }

    /// <summary>
    /// Full-batch gradient descent accumulates the epoch's gradient over chunks of the batch capacity (4 + 4 + 2 rows):
    /// every chunk's loss carries the penalty (so the epoch's mean does once), its gradient is added once.
    /// </summary>
    [Fact]
    public void GradientDescent_CountsThePenaltyOncePerEpoch()
    {
        using var model = new KernelL1L2Net(batchCapacity: 4, device: Device.Cpu(1));
        (float[] x, float[] t) = Batch(10, seed: 7);
        model.WriteWeights(Weights);

        History history = model.Fit(new Dataset(x, Inputs, t, Units), null, 4, 1, new GradientDescent(0.1f), verbose: 0);

        double[] w = ToDouble(Weights);
        double expected = DataLoss(w, x, t) + KernelL1L2.Penalty(w);
        Assert.Equal(expected, history["loss"][0], LossTolerance * (1 + expected));
        double[] gradient = NumericGradient(v => DataLoss(v, x, t) + KernelL1L2.Penalty(v), w);
        float[] after = ReadWeights(model);
        for (int i = 0; i < w.Length; i++)
        {
            Assert.Equal(w[i] - (0.1 * gradient[i]), after[i], GradientTolerance);
        }
    }

    /// <summary>Factors of 0 are no regulariser: training, validation, evaluation and gradients are those of the plain layer, bit for bit.</summary>
    [Fact]
    public void ZeroFactors_TrainBitwiseAsNoRegulariser()
    {
        using var plain = new PlainDenseNet(batchCapacity: 4, seed: 9, device: Device.Cpu(1));
        using var zero = new ZeroFactorDenseNet(batchCapacity: 4, seed: 9, device: Device.Cpu(1));
        Assert.All(zero.Layout.Parameters, p => Assert.Equal((0f, 0f), (p.L1, p.L2)));
        (float[] x, float[] t) = Batch(10, seed: 8);
        (float[] vx, float[] vt) = Batch(5, seed: 9);
        var train = new Dataset(x, Inputs, t, Units);
        var validation = new Dataset(vx, Inputs, vt, Units);

        History a = plain.Fit(train, validation, 4, 3, new Adam(1e-2f), verbose: 0);
        History b = zero.Fit(train, validation, 4, 3, new Adam(1e-2f), verbose: 0);

        Assert.Equal(a["loss"], b["loss"]);
        Assert.Equal(a["val_loss"], b["val_loss"]);
        Assert.Equal(ReadWeights(plain), ReadWeights(zero));
        Assert.Equal(plain.Evaluate(validation)["loss"], zero.Evaluate(validation)["loss"]);
        Assert.Equal(plain.ComputeGradients(x.AsSpan(0, 4 * Inputs), t.AsSpan(0, 4 * Units)), zero.ComputeGradients(x.AsSpan(0, 4 * Inputs), t.AsSpan(0, 4 * Units)));
        Assert.Equal(plain.Gradient("dense0.weight").ToArray(), zero.Gradient("dense0.weight").ToArray());
        Assert.Equal(plain.Gradient("dense0.bias").ToArray(), zero.Gradient("dense0.bias").ToArray());
    }

    /// <summary>
    /// RecurrentL2 regularises weight_hh_l0 alone: against the same network without it (same seed, same weights), the
    /// loss grows by 0.1 sum w_hh^2, weight_hh_l0's gradient by 0.2 w_hh, and every other gradient is unchanged, bit for bit.
    /// </summary>
    [Fact]
    public void RecurrentL2_LandsOnWeightHhAlone()
    {
        using var regularised = new RecurrentL2Rnn(batchCapacity: 6, seed: 4, device: Device.Cpu(1));
        using var plain = new PlainRnn(batchCapacity: 6, seed: 4, device: Device.Cpu(1));
        ParameterInfo[] regularisedTensors = [.. regularised.Layout.Parameters.Where(p => p.L1 != 0f || p.L2 != 0f)];
        ParameterInfo hh = Assert.Single(regularisedTensors);
        Assert.EndsWith("weight_hh_l0", hh.Name, StringComparison.Ordinal);
        Assert.Equal((0f, 0.1f), (hh.L1, hh.L2));
        float[] weights = ReadWeights(regularised);
        Assert.Equal(ReadWeights(plain), weights);

        var random = new Random(11);
        float[] x = [.. Enumerable.Range(0, 6 * 5 * 3).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        float[] t = [.. Enumerable.Range(0, 6).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        float regularisedLoss = regularised.ComputeGradients(x, t);
        float plainLoss = plain.ComputeGradients(x, t);

        double penalty = 0;
        for (int i = hh.Offset; i < hh.Offset + hh.Length; i++)
        {
            penalty += 0.1 * weights[i] * weights[i];
        }

        Assert.Equal(plainLoss + penalty, regularisedLoss, LossTolerance);
        foreach (ParameterInfo p in plain.Layout.Parameters.Where(p => p.Trainable))
        {
            float[] withPenalty = regularised.Gradient(p.Name).ToArray(), without = plain.Gradient(p.Name).ToArray();
            if (p.Name != hh.Name)
            {
                Assert.Equal(without, withPenalty);
                continue;
            }

            for (int i = 0; i < p.Length; i++)
            {
                Assert.Equal(without[i] + (0.2 * weights[p.Offset + i]), withPenalty[i], 1e-6);
            }
        }
    }

    [Fact]
    public void TrainOnBatch_AllocatesNothingWithRegularisers()
    {
        using var model = new KernelL1L2Net(batchCapacity: 8, device: Device.Cpu(1));
        (float[] x, float[] t) = Batch(8, seed: 10);
        var optimizer = new Sgd(1e-3f);

        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => model.TrainOnBatch(x, t, optimizer)));
    }

    private static (CompiledModel Model, Factors Factors) Create(string name, int batchCapacity) => name switch
    {
        "KernelL2" => (new KernelL2Net(batchCapacity: batchCapacity, device: Device.Cpu(1)), KernelL2),
        "KernelBiasL1" => (new KernelBiasL1Net(batchCapacity: batchCapacity, device: Device.Cpu(1)), KernelBiasL1),
        _ => (new KernelL1L2Net(batchCapacity: batchCapacity, device: Device.Cpu(1)), KernelL1L2),
    };

    private static ParameterInfo Parameter(CompiledModel model, string name) => Array.Find(model.Layout.Parameters, p => p.Name == name)
        ?? throw new InvalidOperationException($"{model.Layout.Name} has no parameter {name}.");

    /// <summary>Rows of 3 features in [-1, 1) and 2 targets in [-1, 1), seeded.</summary>
    private static (float[] X, float[] T) Batch(int rows, int seed)
    {
        var random = new Random(seed);
        float[] x = [.. Enumerable.Range(0, rows * Inputs).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        float[] t = [.. Enumerable.Range(0, rows * Units).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        return (x, t);
    }

    /// <summary>Keras' mean squared error of y = W x + b: the mean over rows of the mean over units of (y - t)^2, in double.</summary>
    private static double DataLoss(double[] w, float[] x, float[] t)
    {
        int rows = x.Length / Inputs;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            double row = 0;
            for (int u = 0; u < Units; u++)
            {
                double y = w[(Units * Inputs) + u];
                for (int i = 0; i < Inputs; i++)
                {
                    y += w[(u * Inputs) + i] * x[(r * Inputs) + i];
                }

                double error = y - t[(r * Units) + u];
                row += error * error / Units;
            }

            total += row;
        }

        return total / rows;
    }

    private static double[] NumericGradient(Func<double[], double> f, double[] x)
    {
        var gradient = new double[x.Length];
        var probe = (double[])x.Clone();
        for (int i = 0; i < x.Length; i++)
        {
            probe[i] = x[i] + FiniteDifferenceStep;
            double up = f(probe);
            probe[i] = x[i] - FiniteDifferenceStep;
            double down = f(probe);
            probe[i] = x[i];
            gradient[i] = (up - down) / (2 * FiniteDifferenceStep);
        }

        return gradient;
    }

    private static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);

    private static float[] ReadWeights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }

    /// <summary>A Dense layer's factors and Keras' penalty of its weights (W then b): l1 sum|w| + l2 sum w^2 per tensor.</summary>
    private sealed record Factors(float KernelL1, float KernelL2, float BiasL1, float BiasL2)
    {
        public double Penalty(double[] w)
        {
            double penalty = 0;
            for (int i = 0; i < w.Length; i++)
            {
                bool kernel = i < Units * Inputs;
                penalty += ((kernel ? KernelL1 : BiasL1) * Math.Abs(w[i])) + ((kernel ? KernelL2 : BiasL2) * w[i] * w[i]);
            }

            return penalty;
        }
    }
}
