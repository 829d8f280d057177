using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Keras 3's sample_weight and class_weight in Fit, TrainOnBatch and ComputeGradients: the loss is the
/// "sum_over_batch_size" reduction of the weighted per-row losses, sum_b(w_b l_b) / B; class weights are the sample
/// weights of each row's class (arg-max of a one-hot target, a sparse label, a 0/1 label rounded half to even), 1 for
/// a class not in the dictionary; validation and metrics stay unweighted.
/// </summary>
public sealed class SampleWeightTests
{
    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }

    private static float[] Gradients(CompiledModel model)
    {
        var gradients = new float[model.Layout.TrainableCount];
        model.ReadGradients(gradients);
        return gradients;
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);

    /// <summary>Seeded rows of <paramref name="width"/> features in [-1, 1) and sparse labels in [0, classes).</summary>
    private static (float[] Features, float[] Labels) Classes(int rows, int width, int classes, int seed)
    {
        var random = new Random(seed);
        var features = new float[rows * width];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = random.Next(classes);
            for (int f = 0; f < width; f++)
            {
                // The features lean toward the label, so the classes are learnable but overlap.
                features[(r * width) + f] = (float)((random.NextDouble() * 2) - 1 + (f == (int)labels[r] ? 0.5 : 0));
            }
        }

        return (features, labels);
    }

    private static float[] OneHot(float[] labels, int classes)
    {
        var targets = new float[labels.Length * classes];
        for (int r = 0; r < labels.Length; r++)
        {
            targets[(r * classes) + (int)labels[r]] = 1f;
        }

        return targets;
    }

    /// <summary>
    /// Keras' class_weight_to_sample_weights worked by hand: sparse labels are their class, one-hot rows their arg-max,
    /// 0/1 labels their value; class 1 is missing from the dictionary and weighs 1.
    /// </summary>
    [Theory]
    [InlineData("sparse")]
    [InlineData("one-hot")]
    [InlineData("binary")]
    public void ClassWeightsEqualTheEquivalentSampleWeightsBitwise(string targets)
    {
        const int Rows = 24;
        var classWeight = new Dictionary<int, float> { [0] = 2f, [2] = 0.25f };
        Dataset data;
        Func<CompiledModel> create;
        float[] labels;
        switch (targets)
        {
            case "sparse":
            {
                (float[] x, labels) = Classes(Rows, 4, 3, seed: 7);
                data = new Dataset(x, 4, labels, 1);
                create = () => new SoftmaxNet(batchCapacity: 8, seed: 3, device: Device.Cpu(1));
                break;
            }

            case "one-hot":
            {
                (float[] x, labels) = Classes(Rows, 4, 3, seed: 7);
                data = new Dataset(x, 4, OneHot(labels, 3), 3);
                create = () => new OneHotNet(batchCapacity: 8, seed: 3, device: Device.Cpu(1));
                break;
            }

            default:
            {
                (float[] x, labels) = Classes(Rows, 2, 2, seed: 7);
                data = new Dataset(x, 2, labels, 1);
                create = () => new LogisticNet(batchCapacity: 8, seed: 3, device: Device.Cpu(1));
                break;
            }
        }

        // Class 0 weighs 2, class 1 (not in the dictionary) 1, class 2 a quarter.
        float[] sampleWeight = Array.ConvertAll(labels, l => l switch { 0f => 2f, 1f => 1f, _ => 0.25f });
        Assert.Contains(1f, labels);

        using CompiledModel byClass = create();
        History classHistory = byClass.Fit(data, null, 5, 3, new Adam(0.05f), verbose: 0, classWeight: classWeight);
        using CompiledModel bySample = create();
        History sampleHistory = bySample.Fit(data, null, 5, 3, new Adam(0.05f), verbose: 0, sampleWeight: sampleWeight);
        using CompiledModel plain = create();
        History plainHistory = plain.Fit(data, null, 5, 3, new Adam(0.05f), verbose: 0);

        Assert.Equal(sampleHistory.ToCsv(includeSeconds: false), classHistory.ToCsv(includeSeconds: false));
        Assert.Equal(Bits(Weights(bySample)), Bits(Weights(byClass)));
        Assert.NotEqual(plainHistory["loss"], classHistory["loss"]);
    }

    /// <summary>Keras' class of a target row: np.argmax (first maximum wins) of several features, np.round (half to even) of one.</summary>
    [Theory]
    [InlineData(new[] { 0f, 1f, 1f }, 1)]
    [InlineData(new[] { 0.2f, 0.2f, 0.1f }, 0)]
    [InlineData(new[] { 0f, 0f, 1f }, 2)]
    [InlineData(new[] { 0.5f }, 0)]
    [InlineData(new[] { 0.7f }, 1)]
    [InlineData(new[] { 1.5f }, 2)]
    [InlineData(new[] { 2.5f }, 2)]
    [InlineData(new[] { -1f }, -1)]
    public void TheClassOfATargetIsKerasArgMaxOrRoundHalfToEven(float[] target, int expected) =>
        Assert.Equal(expected, SampleWeights.ClassOf(target));

    /// <summary>A 0/1 label of 0.5 rounds to class 0 (half to even), 0.7 to class 1, as Keras' np.round does.</summary>
    [Fact]
    public void SoftBinaryLabelsTakeTheClassOfTheirRoundedValue()
    {
        float[] x = [0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f];
        float[] y = [0.5f, 0.7f, 0f, 1f];
        var classWeight = new Dictionary<int, float> { [0] = 3f, [1] = 0.5f };

        using var byClass = new LogisticNet(batchCapacity: 4, seed: 1, device: Device.Cpu(1));
        float classLoss = byClass.ComputeGradients(x, y, classWeight: classWeight);
        using var bySample = new LogisticNet(batchCapacity: 4, seed: 1, device: Device.Cpu(1));
        float sampleLoss = bySample.ComputeGradients(x, y, sampleWeight: [3f, 0.5f, 3f, 0.5f]);

        Assert.Equal(BitConverter.SingleToInt32Bits(sampleLoss), BitConverter.SingleToInt32Bits(classLoss));
        Assert.Equal(Bits(Gradients(bySample)), Bits(Gradients(byClass)));
    }

    [Fact]
    public void WeightsOfOneEqualNoWeightsBitwise()
    {
        (float[] x, float[] labels) = Classes(20, 4, 3, seed: 11);
        var data = new Dataset(x, 4, labels, 1);

        using var plain = new SoftmaxNet(batchCapacity: 8, seed: 4, device: Device.Cpu(1));
        History plainHistory = plain.Fit(data, null, 6, 3, new Adam(), verbose: 0, validationSplit: 0.2);
        using var ones = new SoftmaxNet(batchCapacity: 8, seed: 4, device: Device.Cpu(1));
        History onesHistory = ones.Fit(data, null, 6, 3, new Adam(), verbose: 0, validationSplit: 0.2, sampleWeight: [.. Enumerable.Repeat(1f, 20)]);
        using var noClasses = new SoftmaxNet(batchCapacity: 8, seed: 4, device: Device.Cpu(1));
        History noClassesHistory = noClasses.Fit(data, null, 6, 3, new Adam(), verbose: 0, validationSplit: 0.2, classWeight: new Dictionary<int, float>());

        Assert.Equal(plainHistory.ToCsv(includeSeconds: false), onesHistory.ToCsv(includeSeconds: false));
        Assert.Equal(plainHistory.ToCsv(includeSeconds: false), noClassesHistory.ToCsv(includeSeconds: false));
        Assert.Equal(Bits(Weights(plain)), Bits(Weights(ones)));
        Assert.Equal(Bits(Weights(plain)), Bits(Weights(noClasses)));

        // The full-batch path too.
        Dataset linear = TestData.Linear(12);
        using var plainLinear = new LinearNet(batchCapacity: 4, seed: 2, device: Device.Cpu(1));
        History plainLinearHistory = plainLinear.Fit(linear, null, 4, 3, new GradientDescent(0.1f), verbose: 0);
        using var onesLinear = new LinearNet(batchCapacity: 4, seed: 2, device: Device.Cpu(1));
        History onesLinearHistory = onesLinear.Fit(linear, null, 4, 3, new GradientDescent(0.1f), verbose: 0, sampleWeight: [.. Enumerable.Repeat(1f, 12)]);
        Assert.Equal(plainLinearHistory.ToCsv(includeSeconds: false), onesLinearHistory.ToCsv(includeSeconds: false));
        Assert.Equal(Bits(Weights(plainLinear)), Bits(Weights(onesLinear)));
    }

    /// <summary>
    /// The hand-worked SGD step of TrainOnBatchTests, weighted: x = [[1, 1], [2, 0]], t = [4, 1], W = [1, 2], b = 0.5:
    /// predictions 3.5 and 2.5, squared errors 0.25 and 2.25. Weights (2, 0.5): loss (2 * 0.25 + 0.5 * 2.25) / 2 =
    /// 0.8125 (over the weights' sum it would be 0.65); dL/dy = w 2 (y - t) / 2 = [-1, 0.75]; dW = [-1 + 1.5, -1] =
    /// [0.5, -1], db = -0.25; SGD(0.1): W = [0.95, 2.1], b = 0.525.
    /// </summary>
    [Fact]
    public void AWeightedStepIsKerasSumOverBatchSizeByHand()
    {
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        model.WriteWeights([1f, 2f, 0.5f]);

        float loss = model.TrainOnBatch([1f, 1f, 2f, 0f], [4f, 1f], new Sgd(0.1f), sampleWeight: [2f, 0.5f]);

        Assert.Equal(0.8125f, loss, 1e-6f);
        float[] weights = Weights(model);
        Assert.Equal(0.95f, weights[0], 1e-6f);
        Assert.Equal(2.1f, weights[1], 1e-6f);
        Assert.Equal(0.525f, weights[2], 1e-6f);
    }

    /// <summary>The loss of a weighted batch is sum_b(w_b l_b) / B computed in double from the model's own logits.</summary>
    [Fact]
    public void AWeightedBatchLossIsTheWeightedSumOverTheBatchSizeFromTheModelsLogits()
    {
        const int Rows = 6;
        (float[] x, float[] labels) = Classes(Rows, 4, 3, seed: 5);
        float[] w = [0.5f, 2f, 0f, 1.25f, -0.5f, 3f];
        using var model = new SoftmaxNet(batchCapacity: 8, seed: 9, device: Device.Cpu(1));
        float[] logits = model.RunForward([x], training: true, logits: true);

        float loss = model.ComputeGradients(x, labels, sampleWeight: w);

        double expected = 0;
        for (int r = 0; r < Rows; r++)
        {
            double max = logits.Skip(r * 3).Take(3).Max();
            double lse = max + Math.Log(logits.Skip(r * 3).Take(3).Sum(z => Math.Exp(z - max)));
            expected += w[r] * (lse - logits[(r * 3) + (int)labels[r]]);
        }

        expected /= Rows;
        Assert.Equal(expected, loss, 1e-6);
    }

    /// <summary>Scaling every weight by a power of two (or by -1, which Keras allows) scales the loss and every gradient exactly.</summary>
    [Theory]
    [InlineData(2f)]
    [InlineData(0.5f)]
    [InlineData(-1f)]
    public void ScalingEveryWeightScalesTheLossAndTheGradientsExactly(float factor)
    {
        (float[] x, float[] labels) = Classes(7, 4, 3, seed: 13);
        using var model = new SoftmaxNet(batchCapacity: 8, seed: 2, device: Device.Cpu(1));

        float plainLoss = model.ComputeGradients(x, labels);
        float[] plain = Gradients(model);
        float scaledLoss = model.ComputeGradients(x, labels, sampleWeight: [.. Enumerable.Repeat(factor, 7)]);
        float[] scaled = Gradients(model);
        float byClassLoss = model.ComputeGradients(x, labels, classWeight: new Dictionary<int, float> { [0] = factor, [1] = factor, [2] = factor });
        float[] byClass = Gradients(model);

        Assert.Equal(factor * plainLoss, scaledLoss);
        Assert.Equal(Bits(Array.ConvertAll(plain, g => factor * g)), Bits(scaled));
        Assert.Equal(scaledLoss, byClassLoss);
        Assert.Equal(Bits(scaled), Bits(byClass));
    }

    /// <summary>Rows weighing 0 add nothing; the batch is still B rows: weighted (B = 4) times 4 is the kept rows' (B = 2) times 2.</summary>
    [Fact]
    public void RowsWeighingZeroContributeNothing()
    {
        (float[] x, float[] labels) = Classes(4, 4, 3, seed: 17);
        using var model = new SoftmaxNet(batchCapacity: 4, seed: 6, device: Device.Cpu(1));

        float weightedLoss = model.ComputeGradients(x, labels, sampleWeight: [1f, 0f, 1f, 0f]);
        float[] weighted = Gradients(model);
        float keptLoss = model.ComputeGradients([.. x[0..4], .. x[8..12]], [labels[0], labels[2]]);
        float[] kept = Gradients(model);

        Assert.Equal(2.0 * keptLoss, 4.0 * weightedLoss, 1e-6);
        for (int i = 0; i < kept.Length; i++)
        {
            Assert.Equal(2.0 * kept[i], 4.0 * weighted[i], 1e-6);
        }
    }

    /// <summary>
    /// Random 0/1 labels on noise: unweighted, the model predicts about the share of ones; with class 1 weighing 3 the
    /// weighted optimum is 3 p / (3 p + 1 - p), so the predictions move toward class 1.
    /// </summary>
    [Fact]
    public void AHeavierClassPullsThePredictionsTowardIt()
    {
        const int Rows = 200;
        var random = new Random(21);
        float[] x = [.. Enumerable.Range(0, Rows * 2).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] y = [.. Enumerable.Range(0, Rows).Select(_ => (float)random.Next(2))];
        var data = new Dataset(x, 2, y, 1);

        using var plain = new LogisticNet(batchCapacity: 20, seed: 1, device: Device.Cpu(1));
        plain.Fit(data, null, 20, 40, new Adam(0.05f), verbose: 0);
        using var weighted = new LogisticNet(batchCapacity: 20, seed: 1, device: Device.Cpu(1));
        weighted.Fit(data, null, 20, 40, new Adam(0.05f), verbose: 0, classWeight: new Dictionary<int, float> { [1] = 3f });

        double share = y.Average(v => (double)v);
        double plainMean = plain.Predict(data).Average(v => (double)v);
        double weightedMean = weighted.Predict(data).Average(v => (double)v);
        double optimum = 3 * share / ((3 * share) + 1 - share);
        Assert.InRange(plainMean, share - 0.05, share + 0.05);
        Assert.InRange(weightedMean, optimum - 0.05, optimum + 0.05);
        Assert.True(weightedMean > plainMean + 0.15, $"weighted mean prediction {weightedMean} vs {plainMean} unweighted");
    }

    /// <summary>
    /// With validationSplit the weights are split like the rows (the first part trains), and the held-out rows are
    /// evaluated unweighted: the same as training on the first rows with their weights and validating on the rest.
    /// </summary>
    [Fact]
    public void ValidationSplitSplitsTheWeightsLikeTheRowsAndValidatesUnweighted()
    {
        Dataset data = TestData.Linear(10);
        float[] w = [0.5f, 2f, 1f, 0f, 3f, 1.5f, 0.25f, 9f, 9f, 9f];

        using var splitModel = new LinearNet(batchCapacity: 4, seed: 5, device: Device.Cpu(1));
        History bySplit = splitModel.Fit(data, null, 2, 3, new Adam(), verbose: 0, validationSplit: 0.3, sampleWeight: w);
        using var explicitModel = new LinearNet(batchCapacity: 4, seed: 5, device: Device.Cpu(1));
        History byHand = explicitModel.Fit(data.Slice(0, 7), data.Slice(7, 3), 2, 3, new Adam(), verbose: 0, sampleWeight: w[..7]);

        Assert.Equal(byHand.ToCsv(includeSeconds: false), bySplit.ToCsv(includeSeconds: false));
        Assert.Equal(Bits(Weights(explicitModel)), Bits(Weights(splitModel)));
        Assert.Equal(splitModel.Evaluate(data.Slice(7, 3), 2)["loss"], bySplit["val_loss"][^1]);
    }

    /// <summary>
    /// One batch of every row: the epoch's loss is Keras' weighted loss of the predictions before the step, and the
    /// metric (MAE) stays unweighted, as Keras' metrics= are.
    /// </summary>
    [Fact]
    public void HistoryLossIsTheWeightedLossAndMetricsStayUnweighted()
    {
        Dataset data = TestData.Linear(8);
        float[] w = [0.5f, 2f, 1f, 0f, 3f, 1.5f, 0.25f, 4f];
        using var model = new LinearNet(batchCapacity: 8, seed: 3, device: Device.Cpu(1));
        float[] predictions = model.Predict(data);

        History history = model.Fit(data, null, 8, 1, new Sgd(0.01f), verbose: 0, sampleWeight: w);

        double loss = 0, mae = 0;
        for (int r = 0; r < 8; r++)
        {
            double error = (double)predictions[r] - data.Targets[r];
            loss += w[r] * error * error;
            mae += Math.Abs(error);
        }

        Assert.Equal(loss / 8, history["loss"][0], 1e-6);
        Assert.Equal(mae / 8, history["mae"][0], 1e-6);
    }

    /// <summary>
    /// Rows weighing 0 with absurd targets are shuffled with the rest each epoch; the weights travel with their rows,
    /// so the model still learns y = 2 x0 - 3 x1 + 0.5 from the others.
    /// </summary>
    [Fact]
    public void WeightsTravelWithTheirRowsThroughShuffling()
    {
        Dataset clean = TestData.Linear(24);
        float[] x = [.. clean.Features];
        float[] y = [.. clean.Targets];
        float[] w = new float[24];
        for (int r = 0; r < 24; r++)
        {
            bool poisoned = r % 3 == 1;
            y[r] = poisoned ? 1000f : y[r];
            w[r] = poisoned ? 0f : 1f;
        }

        using var model = new LinearNet(batchCapacity: 4, seed: 8, device: Device.Cpu(1));
        model.Fit(new Dataset(x, 2, y, 1), null, 4, 150, new Adam(0.02f), verbose: 0, shuffle: true, sampleWeight: w);

        float[] weights = Weights(model);
        Assert.Equal(2f, weights[0], 0.05f);
        Assert.Equal(-3f, weights[1], 0.05f);
        Assert.Equal(0.5f, weights[2], 0.05f);
    }

    [Fact]
    public void BadWeightsAreRefusedBeforeFitChangesAnything()
    {
        Dataset data = TestData.Linear(8);
        using var model = new LinearNet(batchCapacity: 4, seed: 1, device: Device.Cpu(1));
        float[] before = Weights(model);
        var optimizer = new Adam();
        float[] ones = [.. Enumerable.Repeat(1f, 8)];

        var both = Assert.Throws<ArgumentException>(() => model.Fit(data, null, 4, 1, optimizer, verbose: 0, sampleWeight: ones, classWeight: new Dictionary<int, float> { [0] = 2f }));
        Assert.Contains("Both sampleWeight and classWeight", both.Message);
        var shortWeights = Assert.Throws<ArgumentException>(() => model.Fit(data, null, 4, 1, optimizer, verbose: 0, sampleWeight: ones[..7]));
        Assert.Equal("sampleWeight", shortWeights.ParamName);
        Assert.Contains("8, but it has 7", shortWeights.Message);
        // With validationSplit the weights still cover every row given (Keras splits them with the rows).
        var splitWeights = Assert.Throws<ArgumentException>(() => model.Fit(data, null, 4, 1, optimizer, verbose: 0, validationSplit: 0.25, sampleWeight: ones[..6]));
        Assert.Contains("8, but it has 6", splitWeights.Message);
        var nan = Assert.Throws<ArgumentException>(() => model.Fit(data, null, 4, 1, optimizer, verbose: 0, sampleWeight: [1f, 1f, float.NaN, 1f, 1f, 1f, 1f, 1f]));
        Assert.Contains("sampleWeight[2] is NaN", nan.Message);
        var infinite = Assert.Throws<ArgumentException>(() => model.Fit(data, null, 4, 1, optimizer, verbose: 0, sampleWeight: [1f, 1f, 1f, 1f, 1f, 1f, 1f, float.PositiveInfinity]));
        Assert.Contains("sampleWeight[7] is", infinite.Message);

        (float[] x, float[] labels) = Classes(6, 4, 3, seed: 3);
        using var classifier = new SoftmaxNet(batchCapacity: 4, seed: 1, device: Device.Cpu(1));
        float[] classifierBefore = Weights(classifier);
        int present = (int)labels[0];
        var badClass = Assert.Throws<ArgumentException>(() => classifier.Fit(new Dataset(x, 4, labels, 1), null, 4, 1, optimizer, verbose: 0,
            classWeight: new Dictionary<int, float> { [present] = float.NaN }));
        Assert.Equal("classWeight", badClass.ParamName);
        Assert.Contains($"classWeight[{present}] is NaN", badClass.Message);

        Assert.Null(model.Optimizer);
        Assert.Null(classifier.Optimizer);
        Assert.Equal(0, optimizer.Iterations);
        Assert.Equal(before, Weights(model));
        Assert.Equal(classifierBefore, Weights(classifier));
    }

    [Fact]
    public void BadWeightsAreRefusedBeforeTrainOnBatchChangesAnything()
    {
        using var model = new LinearNet(batchCapacity: 4, seed: 1, device: Device.Cpu(1));
        float[] before = Weights(model);
        var optimizer = new Sgd(0.1f);
        float[] x = [1f, 1f, 2f, 0f], y = [4f, 1f];

        var both = Assert.Throws<ArgumentException>(() => model.TrainOnBatch(x, y, optimizer, [1f, 1f], new Dictionary<int, float>()));
        Assert.Equal("classWeight", both.ParamName);
        var length = Assert.Throws<ArgumentException>(() => model.TrainOnBatch(x, y, optimizer, sampleWeight: [1f, 1f, 1f]));
        Assert.Contains("the batch, 2, but it has 3", length.Message);
        var nan = Assert.Throws<ArgumentException>(() => model.TrainOnBatch(x, y, optimizer, sampleWeight: [float.NaN, 1f]));
        Assert.Contains("sampleWeight[0] is NaN", nan.Message);
        var badClass = Assert.Throws<ArgumentException>(() => model.TrainOnBatch(x, y, optimizer, classWeight: new Dictionary<int, float> { [4] = float.NegativeInfinity }));
        Assert.Contains("classWeight[4]", badClass.Message);
        var multi = Assert.Throws<ArgumentException>(() => model.TrainOnBatch([x], y, optimizer, sampleWeight: [1f]));
        Assert.Equal("sampleWeight", multi.ParamName);

        Assert.Equal(before, Weights(model));
        Assert.Equal(0, optimizer.Iterations);
        Assert.Null(model.Optimizer);
    }

    /// <summary>The overloads for several inputs take the same weights: a list of one input equals the single-array form bitwise.</summary>
    [Fact]
    public void TheInputListOverloadsWeighTheSame()
    {
        (float[] x, float[] labels) = Classes(5, 4, 3, seed: 19);
        float[] w = [1f, 0.5f, 2f, 0f, 1.5f];
        using var single = new SoftmaxNet(batchCapacity: 8, seed: 2, device: Device.Cpu(1));
        using var list = new SoftmaxNet(batchCapacity: 8, seed: 2, device: Device.Cpu(1));

        float singleLoss = single.TrainOnBatch(x, labels, new Sgd(0.1f), sampleWeight: w);
        float listLoss = list.TrainOnBatch([x], labels, new Sgd(0.1f), sampleWeight: w);

        Assert.Equal(singleLoss, listLoss);
        Assert.Equal(Bits(Weights(single)), Bits(Weights(list)));
    }

    [Fact]
    public void AWeightedStepAllocatesNothingOnceTheOptimizerIsBound()
    {
        (float[] x, float[] labels) = Classes(8, 4, 3, seed: 23);
        float[] w = [1f, 0.5f, 2f, 0f, 1.5f, 1f, 1f, 3f];
        var classWeight = new Dictionary<int, float> { [0] = 2f, [2] = 0.5f };
        using var model = new SoftmaxNet(batchCapacity: 8, seed: 2, device: Device.Cpu(1));
        var optimizer = new Adam();
        for (int step = 0; step < 3; step++)
        {
            model.TrainOnBatch(x, labels, optimizer, sampleWeight: w);
            model.TrainOnBatch(x, labels, optimizer, classWeight: classWeight);
        }

        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => model.TrainOnBatch(x, labels, optimizer, sampleWeight: w)));
        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => model.TrainOnBatch(x, labels, optimizer, classWeight: classWeight)));
    }
}
