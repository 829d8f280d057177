using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Models with several inputs (a graph model's <c>[Input]</c> members): datasets by position and by name, their
/// checks, and Fit, Evaluate, Predict and TrainOnBatch with each input in its own slot. The generator does not emit
/// graph models yet, so <see cref="PairNet"/> is written by hand the way it will be.
/// </summary>
public sealed class MultiInputTests
{
    private const float Tolerance = 1e-5f;

    // Eight samples: x1 (3), x2 (2) and y = x1 . [1, -1, 0.5] + x2 . [2, 0.25] + 0.5, so a perfect fit exists.
    private const int Rows = 8;

    [Fact]
    public void TheLayoutListsBothInputsAndASequentialModelHasOneNamedInput()
    {
        using var pair = new PairNet(batchCapacity: 4);
        Assert.Equal(["x1", "x2"], pair.Layout.Inputs.Select(i => i.Name));
        Assert.Equal([3, 2], pair.Layout.Inputs.Select(i => i.Size));

        using var linear = new LinearNet(batchCapacity: 4);
        InputInfo only = Assert.Single(linear.Layout.Inputs);
        Assert.Equal("input", only.Name);
        Assert.Equal(linear.Layout.InputSize, only.Size);
    }

    [Fact]
    public void APositionalAndANamedDatasetHoldTheSameInputsInDeclarationOrder()
    {
        (float[] x1, float[] x2, float[] y) = Data(Rows);
        using var model = new PairNet(batchCapacity: 4);
        var positional = new Dataset([x1, x2], [3, 2], y, 1);
        var named = new Dataset(new Dictionary<string, float[]> { ["x2"] = x2, ["x1"] = x1 }, model.Layout, y, 1);

        foreach (Dataset data in new[] { positional, named })
        {
            Assert.Equal(Rows, data.Count);
            Assert.Equal(2, data.InputCount);
            Assert.Same(x1, data.Inputs[0]);
            Assert.Same(x2, data.Inputs[1]);
            Assert.Equal([3, 2], data.InputWidths);
            Assert.Same(x1, data.Features);
            Assert.Equal(3, data.FeatureWidth);
            Assert.Equal(x2.AsSpan(2 * 2, 2), data.InputRow(1, 2));
            data.Validate(model.Layout);
        }

        Assert.Null(positional.InputNames);
        Assert.Equal(["x1", "x2"], named.InputNames!);
        Assert.Null(new Dataset([1f, 2f], 2, [0f], 1).InputNames);
        Assert.Equal(1, new Dataset([1f, 2f], 2, [0f], 1).InputCount);
    }

    [Fact]
    public void FitLearnsFromBothInputsAndEvaluateAgreesWithPredict()
    {
        (float[] x1, float[] x2, float[] y) = Data(Rows);
        var data = new Dataset([x1, x2], [3, 2], y, 1);
        using var model = new PairNet(batchCapacity: 4, seed: 3);
        double before = model.Evaluate(data)["loss"];

        History history = model.Fit(data, data, batchSize: 4, epochs: 300, new Adam(0.05f), verbose: 0);

        double after = model.Evaluate(data)["loss"];
        Assert.True(after < before / 100, $"The loss went from {before} to only {after}.");
        Assert.Equal(after, history["val_loss"][^1], 5);

        // The outputs are the dense layer over the concatenation [x1, x2], row by row.
        float[] outputs = model.Predict([x1, x2]);
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        double squared = 0;
        for (int row = 0; row < Rows; row++)
        {
            double expected = weights[PairNet.Bias];
            for (int j = 0; j < 3; j++)
            {
                expected += (double)weights[PairNet.WeightX1 + j] * x1[row * 3 + j];
            }

            for (int j = 0; j < 2; j++)
            {
                expected += (double)weights[PairNet.WeightX2 + j] * x2[row * 2 + j];
            }

            Assert.Equal(expected, outputs[row], Tolerance);
            squared += Math.Pow(outputs[row] - y[row], 2);
        }

        Assert.Equal(squared / Rows, after, 5);
    }

    [Fact]
    public void ShufflingMovesTheRowsOfEveryInputAndTheTargetsTogether()
    {
        // Sample i is (x1 = [i, i + 0.25, i + 0.5], x2 = [-i, 2i], y = i): any mismatched row would show.
        int rows = 23;
        var x1 = new float[rows * 3];
        var x2 = new float[rows * 2];
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            (x1[i * 3], x1[i * 3 + 1], x1[i * 3 + 2]) = (i, i + 0.25f, i + 0.5f);
            (x2[i * 2], x2[i * 2 + 1]) = (-i, 2 * i);
            y[i] = i;
        }

        using var model = new PairNet(batchCapacity: 5, seed: 9) { Record = true };
        model.Fit(new Dataset([x1, x2], [3, 2], y, 1), null, batchSize: 5, epochs: 2, new Sgd(1e-5f), verbose: 0);

        Assert.Equal(2 * rows, model.Seen.Count);
        foreach ((float[] a, float[] b, float t) in model.Seen)
        {
            Assert.Equal([t, t + 0.25f, t + 0.5f], a);
            Assert.Equal([-t, 2 * t], b);
        }

        float[] firstEpoch = [.. model.Seen.Take(rows).Select(s => s.Target)];
        Assert.Equal(Enumerable.Range(0, rows).Select(i => (float)i), firstEpoch.Order());
        Assert.NotEqual(Enumerable.Range(0, rows).Select(i => (float)i), firstEpoch);
    }

    [Fact]
    public void TrainOnBatchEqualsOneFullBatchFitStepBitwise()
    {
        (float[] x1, float[] x2, float[] y) = Data(Rows);
        using var stepped = new PairNet(batchCapacity: Rows, seed: 5);
        using var fitted = new PairNet(batchCapacity: Rows, seed: 5);

        float loss = stepped.TrainOnBatch([x1, x2], y, new Sgd(0.05f));
        History history = fitted.Fit(new Dataset([x1, x2], [3, 2], y, 1), null, batchSize: Rows, epochs: 1, new Sgd(0.05f), verbose: 0, shuffle: false);

        Assert.Equal(history["loss"][^1], loss, 6);
        Assert.Equal(Weights(fitted), Weights(stepped));
    }

    [Fact]
    public void PredictByListByNameAndByDatasetAgreeAndChunkByCapacity()
    {
        (float[] x1, float[] x2, float[] y) = Data(Rows);
        using var model = new PairNet(batchCapacity: 3, seed: 2);
        float[] byList = model.Predict([x1, x2]);
        float[] byName = model.Predict(new Dictionary<string, float[]> { ["x1"] = x1, ["x2"] = x2 });
        float[] byData = model.Predict(new Dataset([x1, x2], [3, 2], y, 1));
        var intoSpan = new float[Rows];
        model.Predict([x1, x2], intoSpan);

        Assert.Equal(Rows, byList.Length);
        Assert.Equal(byList, byName);
        Assert.Equal(byList, byData);
        Assert.Equal(byList, intoSpan);
        for (int row = 0; row < Rows; row++)
        {
            float[] one = model.Predict([x1[(row * 3)..(row * 3 + 3)], x2[(row * 2)..(row * 2 + 2)]]);
            Assert.Equal(byList[row], Assert.Single(one), Tolerance);
        }

        Assert.Empty(model.Predict([[], []]));
    }

    [Fact]
    public void ADatasetWhoseInputsDisagreeIsRefusedWithWhatWasExpectedAndWhatCame()
    {
        (float[] x1, float[] x2, float[] y) = Data(Rows);
        using var model = new PairNet(batchCapacity: 4);

        Assert.Contains("Input 1 has 7 rows but input 0 has 8; every input needs one row per sample",
            Assert.Throws<ArgumentException>(() => new Dataset([x1, x2[..14]], [3, 2], y, 1)).Message);
        Assert.Contains("Input 1 holds 15 floats, not a whole number of rows of 2",
            Assert.Throws<ArgumentException>(() => new Dataset([x1, x2[..15]], [3, 2], y, 1)).Message);
        Assert.Contains("There are 2 inputs but 1 widths",
            Assert.Throws<ArgumentException>(() => new Dataset([x1, x2], [3], y, 1)).Message);
        Assert.Contains("There are no inputs",
            Assert.Throws<ArgumentException>(() => new Dataset(Array.Empty<float[]>(), Array.Empty<int>(), y, 1)).Message);
        Assert.Contains("Input 1 is null",
            Assert.Throws<ArgumentException>(() => new Dataset([x1, null!], [3, 2], y, 1)).Message);
        Assert.Contains("There are 8 input rows but 7 target rows",
            Assert.Throws<ArgumentException>(() => new Dataset([x1, x2], [3, 2], y[..7], 1)).Message);

        Assert.Contains("There is an input named 'x3', but PairNet takes 'x1' (3), 'x2' (2)",
            Assert.Throws<ArgumentException>(() => new Dataset(Named(("x1", x1), ("x3", x2)), model.Layout, y, 1)).Message);
        Assert.Contains("There is no input named 'x2'; PairNet takes 'x1' (3), 'x2' (2)",
            Assert.Throws<ArgumentException>(() => new Dataset(Named(("x1", x1)), model.Layout, y, 1)).Message);
        Assert.Contains("The input 'x1' is given twice",
            Assert.Throws<ArgumentException>(() => new Dataset(Named(("x1", x1), ("x1", x1), ("x2", x2)), model.Layout, y, 1)).Message);
        Assert.Contains("Input 'x2' has 7 rows but input 'x1' has 8",
            Assert.Throws<ArgumentException>(() => new Dataset(Named(("x1", x1), ("x2", x2[..14])), model.Layout, y, 1)).Message);
    }

    [Fact]
    public void FitRefusesDataThatDoesNotMatchTheModelsInputsBeforeAnyStateChanges()
    {
        (float[] x1, float[] x2, float[] y) = Data(Rows);
        using var model = new PairNet(batchCapacity: 4, seed: 1);
        float[] before = Weights(model);
        var optimizer = new Adam();
        var good = new Dataset([x1, x2], [3, 2], y, 1);

        string Refusal(Dataset train, Dataset? validation = null) =>
            Assert.Throws<ArgumentException>(() => model.Fit(train, validation, 4, 1, optimizer, verbose: 0)).Message;

        Assert.Contains("The training data has 1 input, but PairNet takes 2: 'x1' (3), 'x2' (2).", Refusal(new Dataset(x1, 3, y, 1)));
        Assert.Contains("The training data has 3 inputs, but PairNet takes 2", Refusal(new Dataset([x1, x2, x2], [3, 2, 2], y, 1)));
        Assert.Contains("The validation data has 1 input, but PairNet takes 2", Refusal(good, new Dataset(x1, 3, y, 1)));
        Assert.Contains("The training data has 4 features per row in input 'x2', but PairNet expects 2 (input shape (2))",
            Refusal(new Dataset([x1, new float[Rows * 4]], [3, 4], y, 1)));
        Assert.Contains("The training data has 2 features per row in input 'x1', but PairNet expects 3 (input shape (3))",
            Refusal(new Dataset([x2, x1], [2, 3], y, 1)));

        float[] nan = (float[])x2.Clone();
        nan[5] = float.NaN;
        Assert.Contains("The training data has NaN at row 2, feature 1 in input 'x2'; features must be finite", Refusal(new Dataset([x1, nan], [3, 2], y, 1)));

        // A dataset named for another model's inputs: the same widths, different names.
        using var other = new PairNet(batchCapacity: 4, PairNet.CreateLayout(0, "question", "image"));
        var forOther = new Dataset(Named(("question", x1), ("image", x2)), other.Layout, y, 1);
        Assert.Contains("The training data has inputs named 'question', 'image', but PairNet takes 'x1' (3), 'x2' (2)", Refusal(forOther));
        Assert.Contains("The data has inputs named 'question', 'image'", Assert.Throws<ArgumentException>(() => model.Evaluate(forOther)).Message);

        Assert.Equal(before, Weights(model));
    }

    [Fact]
    public void TrainOnBatchAndPredictRefuseTheWrongNumberOfInputsAndMismatchedRows()
    {
        (float[] x1, float[] x2, float[] y) = Data(4);
        using var model = new PairNet(batchCapacity: 4, seed: 1);
        float[] before = Weights(model);
        var optimizer = new Adam();

        Assert.Contains("PairNet takes 2 inputs ('x1' (3), 'x2' (2)); pass one array per input, in that order",
            Assert.Throws<ArgumentException>(() => model.TrainOnBatch(x1, y, optimizer)).Message);
        Assert.Contains("PairNet takes 2 inputs ('x1' (3), 'x2' (2)); pass one array per input",
            Assert.Throws<ArgumentException>(() => model.Predict(x1)).Message);
        Assert.Contains("PairNet takes 2 inputs ('x1' (3), 'x2' (2)), but 1 array was given",
            Assert.Throws<ArgumentException>(() => model.TrainOnBatch([x1], y, optimizer)).Message);
        Assert.Contains("PairNet takes 2 inputs ('x1' (3), 'x2' (2)), but 3 arrays were given",
            Assert.Throws<ArgumentException>(() => model.Predict([x1, x2, x2])).Message);
        Assert.Contains("Input 'x2' has 3 rows but input 'x1' has 4; every input needs one row per sample",
            Assert.Throws<ArgumentException>(() => model.TrainOnBatch([x1, x2[..6]], y, optimizer)).Message);
        Assert.Contains("Input 'x1' of PairNet takes rows of 3 features, but its 11 floats are not a whole number of rows",
            Assert.Throws<ArgumentException>(() => model.Predict([x1[..11], x2])).Message);
        Assert.Contains("Input 'x2' is null", Assert.Throws<ArgumentException>(() => model.Predict([x1, null!])).Message);
        Assert.Contains("4 rows need 4 targets (1 per row), but 3 were given",
            Assert.Throws<ArgumentException>(() => model.TrainOnBatch([x1, x2], y[..3], optimizer)).Message);
        Assert.Contains("The batch has no rows", Assert.Throws<ArgumentException>(() => model.TrainOnBatch([[], []], [], optimizer)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.TrainOnBatch([new float[15], new float[10]], new float[5], optimizer));
        Assert.Contains("There is no input named 'x2'",
            Assert.Throws<ArgumentException>(() => model.Predict(new Dictionary<string, float[]> { ["x1"] = x1 })).Message);
        Assert.Contains("The data has 1 input, but PairNet takes 2", Assert.Throws<ArgumentException>(() => model.Predict(new Dataset(x1, 3, y, 1))).Message);

        float[] inf = (float[])x1.Clone();
        inf[4] = float.NaN;
        Assert.Contains("The batch has NaN at row 1, feature 1 in input 'x1'; features must be finite",
            Assert.Throws<ArgumentException>(() => model.TrainOnBatch([inf, x2], y, optimizer)).Message);
        Assert.Contains("Feature 1 of row 1 of input 'x1' is NaN; features must be finite",
            Assert.Throws<ArgumentException>(() => model.Predict([inf, x2])).Message);

        Assert.Equal(before, Weights(model));
    }

    [Fact]
    public void TokenIdsAreCheckedAgainstTheirOwnInputsVocabulary()
    {
        // x2 is read by an embedding of 5 ids; x1 is plain features, so its fractions are fine.
        using var model = new PairNet(batchCapacity: 4, PairNet.CreateLayout(tokenVocabulary: 5));
        float[] x1 = [0.5f, -1.5f, 2.25f, 7f, 8f, 9f];
        float[] y = [1f, 2f];
        var optimizer = new Sgd(0.01f);
        model.TrainOnBatch([x1, [4f, 0f, 1f, 3f]], y, optimizer);
        Assert.Equal(2, model.Predict([x1, [4f, 0f, 1f, 3f]]).Length);
        float[] before = Weights(model);

        const string Takes = "; embedding of PairNet takes integer ids in [0, 5).";
        Assert.Contains("The batch has token id 5 at sample 1, position 0 in input 'x2'" + Takes,
            Assert.Throws<ArgumentException>(() => model.TrainOnBatch([x1, [4f, 0f, 5f, 3f]], y, optimizer)).Message);
        Assert.Contains("The training data has token id 2.5 at sample 0, position 1 in input 'x2'" + Takes,
            Assert.Throws<ArgumentException>(() => model.Fit(new Dataset([x1, [4f, 2.5f, 1f, 3f]], [3, 2], y, 1), null, 2, 1, optimizer, verbose: 0)).Message);
        Assert.Contains("The data has token id -1 at sample 1, position 1 in input 'x2'" + Takes,
            Assert.Throws<ArgumentException>(() => model.Evaluate(new Dataset([x1, [4f, 0f, 1f, -1f]], [3, 2], y, 1))).Message);
        Assert.Contains("The input has token id 5 at sample 0, position 0 in input 'x2'" + Takes,
            Assert.Throws<ArgumentException>(() => model.Predict([x1, [5f, 0f, 1f, 3f]])).Message);
        Assert.Equal(before, Weights(model));
    }

    [Fact]
    public void TrainingAndPredictionStepsAllocateNothingAfterWarmUp()
    {
        (float[] x1, float[] x2, float[] y) = Data(Rows);
        var data = new Dataset([x1, x2], [3, 2], y, 1);
        using var model = new PairNet(batchCapacity: 4, seed: 1, device: Device.Cpu(1));
        var optimizer = new Adam { GlobalClipNorm = 1f };
        model.PrepareTraining(optimizer);
        MetricBinding[] metrics = MetricBinding.Resolve(model.Layout, null);
        var sums = new double[metrics.Length];
        int[] rows = [7, 2, 5, 0, 3, 6, 1, 4];
        float[][] inputs = [x1[..12], x2[..8]];
        float[] targets = y[..4];
        var outputs = new float[Rows];
        IReadOnlyList<float[]> all = [x1, x2];
        for (int step = 0; step < 3; step++)
        {
            model.TrainBatch(data, rows.AsSpan(step, 4), optimizer, metrics, sums, 0, 1, step, 3);
            model.TrainOnBatch(inputs, targets, optimizer);
            model.Predict(all, outputs);
        }

        long allocated = AllocationProbe.SteadyStateBytes(() =>
        {
            for (int step = 0; step < 4; step++)
            {
                model.TrainBatch(data, rows.AsSpan(step, step + 1), optimizer, metrics, sums, 0, 1, step, 4);
                model.TrainOnBatch(inputs, targets, optimizer);
                model.Predict(all, outputs);
            }
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ASingleInputModelTakesAListOfOneInputWithBitwiseTheSameResults()
    {
        Dataset plain = TestData.Linear(20, seed: 4);
        var listed = new Dataset([plain.Features], [plain.FeatureWidth], plain.Targets, 1);
        using var a = new LinearNet(batchCapacity: 8, seed: 7);
        using var b = new LinearNet(batchCapacity: 8, seed: 7);

        History first = a.Fit(plain, plain, 8, 3, new Adam(), verbose: 0);
        History second = b.Fit(listed, listed, 8, 3, new Adam(), verbose: 0);

        Assert.Equal(first.ToCsv(includeSeconds: false), second.ToCsv(includeSeconds: false));
        Assert.Equal(Weights(a), Weights(b));
        Assert.Equal(a.Predict(plain.Features), a.Predict([plain.Features]));
        Assert.Equal(a.Predict(plain.Features), a.Predict(plain));
        Assert.Equal(a.TrainOnBatch(plain.Features.AsSpan(0, 8), plain.Targets.AsSpan(0, 4), new Sgd()),
            b.TrainOnBatch([plain.Features[..8]], plain.Targets.AsSpan(0, 4), new Sgd()));
        Assert.Equal(Weights(a), Weights(b));
        Assert.Contains("The data has 2 inputs, but LinearNet takes 1: 'input' (2).",
            Assert.Throws<ArgumentException>(() => a.Evaluate(new Dataset([plain.Features, plain.Features], [2, 2], plain.Targets, 1))).Message);
    }

    private static (float[] X1, float[] X2, float[] Y) Data(int rows)
    {
        var random = new Random(42);
        var x1 = new float[rows * 3];
        var x2 = new float[rows * 2];
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                x1[i * 3 + j] = (float)(random.NextDouble() * 2 - 1);
            }

            for (int j = 0; j < 2; j++)
            {
                x2[i * 2 + j] = (float)(random.NextDouble() * 2 - 1);
            }

            y[i] = x1[i * 3] - x1[i * 3 + 1] + 0.5f * x1[i * 3 + 2] + 2f * x2[i * 2] + 0.25f * x2[i * 2 + 1] + 0.5f;
        }

        return (x1, x2, y);
    }

    private static KeyValuePair<string, float[]>[] Named(params (string Name, float[] Values)[] inputs) =>
        [.. inputs.Select(i => KeyValuePair.Create(i.Name, i.Values))];

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }
}
