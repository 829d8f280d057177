using System.Text.RegularExpressions;
using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>The training loop: limits, divergence, reproducibility, allocation, history, output, evaluation and prediction.</summary>
public sealed class FitTests
{
    private const float BatchShapeTolerance = 1e-6f;

    [Fact]
    public void ABatchSizeOverTheCapacityNamesBoth()
    {
        using var model = new LinearNet(batchCapacity: 8);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(TestData.Linear(20), null, 9, 1, new Sgd(), verbose: 0));
        Assert.Contains("batch size 9", error.Message);
        Assert.Contains("batch capacity 8", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(TestData.Linear(20), null, 0, 1, new Sgd(), verbose: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Evaluate(TestData.Linear(20), 9));
    }

    [Fact]
    public void AnInfiniteLossStopsTrainingNamingTheEpochAndStepBeforeTheUpdate()
    {
        using var model = new LinearNet(batchCapacity: 2);
        // Finite targets whose squared error overflows float in the third batch.
        float[] targets = [0f, 0f, 0f, 0f, 3e30f, 0f];
        var data = new Dataset(new float[12], 2, targets, 1);
        var optimizer = new Sgd(1e-3f);

        var error = Assert.Throws<NonFiniteLossException>(() => model.Fit(data, null, 2, 3, optimizer, verbose: 0, shuffle: false));

        Assert.Equal(0, error.Epoch);
        Assert.Equal(2, error.Step);
        Assert.Contains("epoch 1/3, step 3/3", error.Message);
        Assert.Equal(2, optimizer.Iterations);
    }

    [Fact]
    public void TheSameSeedOnOneThreadReproducesHistoryAndWeightsBitwise()
    {
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        (History History, float[] Weights) Train()
        {
            using var model = new CancerNet(batchCapacity: 32, seed: 11, device: Device.Cpu(1));
            History history = model.Fit(TestData.Head(train, 160), validation, 32, 3, new Adam(), verbose: 0);
            var weights = new float[model.WeightCount];
            model.ReadWeights(weights);
            return (history, weights);
        }

        (History first, float[] firstWeights) = Train();
        (History second, float[] secondWeights) = Train();

        Assert.Equal(first.ToCsv(includeSeconds: false), second.ToCsv(includeSeconds: false));
        Assert.Equal(firstWeights, secondWeights);

        using var otherSeed = new CancerNet(batchCapacity: 32, seed: 12, device: Device.Cpu(1));
        History other = otherSeed.Fit(TestData.Head(train, 160), validation, 32, 3, new Adam(), verbose: 0);
        Assert.NotEqual(first.ToCsv(includeSeconds: false), other.ToCsv(includeSeconds: false));
    }

    [Fact]
    public void ATrainingStepAllocatesNothingAfterWarmUp()
    {
        (Dataset train, _) = TestData.CancerSplit();
        using var model = new CancerNet(batchCapacity: 32, seed: 1, device: Device.Cpu(1));
        var optimizer = new Adam { GlobalClipNorm = 1f };
        model.PrepareTraining(optimizer);
        MetricBinding[] metrics = MetricBinding.Resolve(model.Layout, null);
        var sums = new double[metrics.Length];
        int[] rows = [.. Enumerable.Range(0, 32).Reverse()];
        for (int step = 0; step < 3; step++)
        {
            model.TrainBatch(train, rows, optimizer, metrics, sums, 0, 1, step, 8);
        }

        long allocated = AllocationProbe.SteadyStateBytes(() =>
        {
            for (int step = 3; step < 8; step++)
            {
                model.TrainBatch(train, rows.AsSpan(0, step * 4), optimizer, metrics, sums, 0, 1, step, 8);
            }
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void PredictAllocatesNothingAndChunksMatchSingleRows()
    {
        (_, Dataset validation) = TestData.CancerSplit();
        using var model = new CancerNet(batchCapacity: 16, seed: 1, device: Device.Cpu(1));
        var outputs = new float[validation.Count];
        model.Predict(validation.Features, outputs);
        model.Predict(validation.FeatureRow(0), new float[1]);

        var singles = new float[validation.Count];
        long allocated = AllocationProbe.SteadyStateBytes(() =>
        {
            model.Predict(validation.Features, outputs);
            for (int row = 0; row < validation.Count; row++)
            {
                model.Predict(validation.FeatureRow(row), singles.AsSpan(row, 1));
            }
        });
        Assert.Equal(0, allocated);
        // The GEMM may block a batch of 1 differently from a chunk of 16, so only the last bits may differ.
        for (int row = 0; row < outputs.Length; row++)
        {
            Assert.Equal(outputs[row], singles[row], BatchShapeTolerance);
        }
        Assert.All(outputs, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void HistoryHoldsEveryEpochAndEvaluateReproducesTheLastValidationFigures()
    {
        using var model = new LinearNet(batchCapacity: 8);
        Dataset validation = TestData.Linear(10, seed: 2);
        History history = model.Fit(TestData.Linear(30), validation, 8, 4, new Sgd(0.1f), verbose: 0);

        Assert.Equal(["loss", "mae", "val_loss", "val_mae"], history.Keys);
        Assert.Equal(4, history.Epochs);
        Assert.Equal(4, history.Seconds.Count);
        Assert.True(history["loss"][3] < history["loss"][0]);
        IReadOnlyDictionary<string, double> evaluation = model.Evaluate(validation, 8);
        Assert.Equal(history["val_loss"][3], evaluation["loss"]);
        Assert.Equal(history["val_mae"][3], evaluation["mae"]);
        Assert.Throws<KeyNotFoundException>(() => history["accuracy"]);
    }

    [Fact]
    public void HistorySavesAsCsvThroughATemporaryFile()
    {
        using var model = new LinearNet(batchCapacity: 8);
        History history = model.Fit(TestData.Linear(16), TestData.Linear(8, seed: 3), 8, 3, new Adam(0.01f), verbose: 0);
        string folder = Directory.CreateTempSubdirectory("modelgen-history-").FullName;
        try
        {
            string path = Path.Combine(folder, "history.csv");
            history.Save(path);
            string[] lines = File.ReadAllLines(path);
            Assert.Equal("epoch,loss,mae,val_loss,val_mae,seconds", lines[0]);
            Assert.Equal(4, lines.Length);
            string[] cells = lines[2].Split(',');
            Assert.Equal("1", cells[0]);
            Assert.Equal(history["loss"][1], double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(history["val_mae"][1], double.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(history.Seconds[1], double.Parse(cells[5], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Single(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void DefaultMetricsFollowTheLoss()
    {
        using var linear = new LinearNet(4);
        using var softmax = new SoftmaxNet(4);
        using var cancer = new CancerNet(4);
        Assert.Equal(["mae"], MetricBinding.Resolve(linear.Layout, null).Select(m => m.Name));
        Assert.Equal([new MetricBinding("accuracy", MetricKind.SparseCategoricalAccuracy)], MetricBinding.Resolve(softmax.Layout, null));
        Assert.Equal([new MetricBinding("binary_accuracy", MetricKind.BinaryAccuracy)], MetricBinding.Resolve(cancer.Layout, null));
        Assert.Equal(MetricKind.CategoricalAccuracy,
            MetricBinding.Resolve(DatasetTests.WithLoss(softmax.Layout, LossKind.CategoricalCrossEntropy), null)[0].Kind);
        Assert.Equal(MetricKind.BinaryAccuracy, MetricBinding.Resolve(DatasetTests.WithLoss(linear.Layout, LossKind.Hinge), null)[0].Kind);
        Assert.Throws<ArgumentException>(() => MetricBinding.Resolve(softmax.Layout, [Metric.BinaryAccuracy]));
        Assert.Throws<ArgumentException>(() => MetricBinding.Resolve(linear.Layout, [Metric.MeanAbsoluteError, Metric.MeanAbsoluteError]));
    }

    [Fact]
    public void SparseSoftmaxModelLearnsSeparableClasses()
    {
        var random = new Random(5);
        var features = new float[90 * 4];
        var labels = new float[90];
        for (int row = 0; row < 90; row++)
        {
            labels[row] = row % 3;
            for (int f = 0; f < 4; f++)
            {
                features[row * 4 + f] = (float)(random.NextDouble() * 0.5 + (f == row % 3 ? 1.5 : 0));
            }
        }

        using var model = new SoftmaxNet(batchCapacity: 16, seed: 2);
        var data = new Dataset(features, 4, labels, 1);
        History history = model.Fit(data, null, 16, 30, new Adam(0.05f), verbose: 0);
        Assert.Equal(["loss", "accuracy"], history.Keys);
        Assert.True(history["accuracy"][29] > 0.95, $"accuracy {history["accuracy"][29]}");
    }

    [Fact]
    public void ConsoleOutputFollowsKerasWithOneLinePerEpoch()
    {
        using var model = new CancerNet(batchCapacity: 32, seed: 1);
        (Dataset train, Dataset validation) = TestData.CancerSplit();
        var output = new StringWriter();
        model.OutputOverride = output;
        model.Fit(TestData.Head(train, 96), validation, 32, 2, new Adam(), verbose: 1);

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.Equal("Epoch 2/2", lines[2]);
        Assert.Matches(new Regex(@"^3/3 - \d+s - \d+(ms|us)/step - binary_accuracy: \d\.\d{4} - loss: \d\.\d{4} - val_binary_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$"), lines[3]);

        var silent = new StringWriter();
        model.OutputOverride = silent;
        model.Fit(TestData.Head(train, 96), null, 32, 1, new Adam(), verbose: 0);
        Assert.Equal("", silent.ToString());
    }

    [Fact]
    public void InitialisationIsKerasGlorotUniformAndDeterministic()
    {
        using var a = new CancerNet(1, seed: 7);
        using var b = new CancerNet(1, seed: 7);
        using var c = new CancerNet(1, seed: 8);
        float[] wa = Weights(a);
        Assert.Equal(wa, Weights(b));
        Assert.NotEqual(wa, Weights(c));

        float limit = MathF.Sqrt(6f / (30 + 64));
        Span<float> kernel = wa.AsSpan(0, 1920);
        Assert.All(kernel.ToArray(), w => Assert.InRange(w, -limit, limit));
        Assert.True(kernel.ToArray().Max() > 0.9f * limit && kernel.ToArray().Min() < -0.9f * limit);
        Assert.All(wa[1920..1984], w => Assert.Equal(0f, w));      // dense0.bias
        Assert.All(wa[1984..2048], w => Assert.Equal(1f, w));      // norm0.weight
        Assert.All(wa[2241..2305], w => Assert.Equal(1f, w));      // norm0.running_var
        Assert.All(wa[2177..2241], w => Assert.Equal(0f, w));      // norm0.running_mean
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }
}
