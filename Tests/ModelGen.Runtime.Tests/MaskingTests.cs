using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Keras' Masking layer on float inputs (Models/MaskingModels.cs): GA and SGA gradients against central finite
/// differences with the regions masked by [Masking] and the question by its embedding (the projection below the
/// masking learning through its backward pass); padded all-zero regions, wherever they are, leave MCAN's prediction
/// as it is without them (and change it without the masking); a sequential Masking before an LSTM skips padded steps
/// wherever they are, its gradients match finite differences, and it trains.
/// </summary>
public sealed class MaskingTests
{
    private const float Step = 1e-3f;

    // The padded and unpadded predictions: the same sums over the kept regions, in another order and length.
    private const float PaddingTolerance = 1e-5f;

    // Without the masking the padded regions' biases move the prediction by far more than rounding.
    private const float UnmaskedDifference = 1e-3f;

    // Question ids (4 per sample), 0 padding; the last sample has none.
    private static readonly float[] QuestionIds = [0, 0, 3, 5, 4, 4, 7, 0, 1, 2, 3, 4];
    private static readonly float[] Targets = [0.5f, -1f, 2f];

    [Fact]
    public void GuidedAttentionWithMaskedRegionsGradientsMatchFiniteDifferences()
    {
        using var model = new MaskingGa(batchCapacity: 3, seed: 1);
        ScaleEmbedding(model);
        GradientCheckTests.Check(model, new Dataset([Regions(3, padded: [[1], [2], []]), QuestionIds], [24, 4], Targets, 1), Step);
    }

    [Fact]
    public void SelfGuidedAttentionWithMaskedRegionsGradientsMatchFiniteDifferences()
    {
        using var model = new MaskingSga(batchCapacity: 3, seed: 2);
        ScaleEmbedding(model);
        GradientCheckTests.Check(model, new Dataset([Regions(3, padded: [[0], [2], []]), QuestionIds], [24, 4], Targets, 1), Step);
    }

    [Fact]
    public void TheProjectionBelowTheMaskingLearnsThroughItsBackward()
    {
        // The projection's only path to the loss is through the masking's backward, even for a sample whose regions
        // are all padded but one.
        using var model = new MaskingGa(batchCapacity: 3, seed: 3);
        var gradients = new float[model.Layout.TrainableCount];
        model.LossAndGradients([Regions(3, padded: [[1], [0, 2], []]), QuestionIds], Targets, training: false, gradients);
        foreach (string name in new[] { "project.weight", "project.bias" })
        {
            var parameter = model.Layout.Parameters.Single(p => p.Name == name);
            Assert.Contains(gradients.AsSpan(parameter.Offset, parameter.Length).ToArray(), g => g != 0f);
        }
    }

    [Fact]
    public void PaddedZeroRegionsLeaveThePredictionAsItIsWithoutThem()
    {
        using var three = new PaddedRegions3(batchCapacity: 3, seed: 4);
        using var five = new PaddedRegions5(batchCapacity: 3, seed: 5);
        using var unmasked = new UnmaskedRegions5(batchCapacity: 3, seed: 6);
        Assert.Equal(three.Layout.Parameters.Select(p => (p.Name, p.Offset, p.Length)), five.Layout.Parameters.Select(p => (p.Name, p.Offset, p.Length)));
        Assert.Equal(three.Layout.Parameters.Select(p => (p.Name, p.Offset, p.Length)), unmasked.Layout.Parameters.Select(p => (p.Name, p.Offset, p.Length)));
        ScaleEmbedding(three);
        var weights = new float[three.WeightCount];
        three.ReadWeights(weights);
        five.WriteWeights(weights);
        unmasked.WriteWeights(weights);

        // Each sample's 3 regions, then the same regions with 2 all-zero rows: between them, before them, after them.
        float[] regions = Regions(3, padded: [[], [], []]);
        float[] padded = new float[3 * 5 * 8];
        int[][] at = [[0, 2, 3], [2, 3, 4], [0, 1, 2]];
        for (int sample = 0; sample < 3; sample++)
        {
            for (int r = 0; r < 3; r++)
            {
                regions.AsSpan((sample * 24) + (r * 8), 8).CopyTo(padded.AsSpan((sample * 40) + (at[sample][r] * 8), 8));
            }
        }

        float[] expected = three.Predict([regions, QuestionIds]);
        float[] actual = five.Predict([padded, QuestionIds]);
        float[] withoutMasking = unmasked.Predict([padded, QuestionIds]);
        for (int sample = 0; sample < 3; sample++)
        {
            Assert.True(Math.Abs(expected[sample] - actual[sample]) <= PaddingTolerance * Math.Max(1f, Math.Abs(expected[sample])),
                $"sample {sample}: {actual[sample]} with 2 padded regions, {expected[sample]} without");
            Assert.True(Math.Abs(expected[sample] - withoutMasking[sample]) > UnmaskedDifference,
                $"sample {sample}: without the masking the padded regions should change the prediction ({withoutMasking[sample]} vs {expected[sample]})");
        }
    }

    [Fact]
    public void SequentialMaskingBeforeAnLstmSkipsPaddedStepsWhereverTheyAre()
    {
        // The same three steps a, b, c: padded after, before, between; then a fourth step instead of padding.
        float[] a = [0.3f, -0.7f, 0.9f], b = [-0.4f, 0.2f, 0.6f], c = [0.8f, 0.1f, -0.5f], d = [0.5f, 0.5f, -0.2f], z = [0f, 0f, 0f];
        float[] x = [.. a, .. b, .. c, .. z, .. z, .. z, .. z, .. a, .. b, .. c, .. a, .. z, .. b, .. z, .. c, .. a, .. b, .. c, .. d, .. z];
        using var model = new MaskedFloatSequence(batchCapacity: 4, seed: 7);
        float[] p = model.Predict(x);
        Assert.Equal(p[0], p[1], 6);
        Assert.Equal(p[0], p[2], 6);
        Assert.NotEqual(p[0], p[3], 4);
    }

    [Fact]
    public void SequentialMaskingBeforeAnLstmGradientsMatchFiniteDifferences()
    {
        using var model = new MaskedFloatSequence(batchCapacity: 4, seed: 8);
        GradientCheckTests.Check(model, Sequences(4, seed: 8), Step);
    }

    [Fact]
    public void SequentialMaskingBeforeAnLstmTrains()
    {
        Dataset data = Sequences(32, seed: 9);
        using var model = new MaskedFloatSequence(batchCapacity: 32, seed: 9);
        double before = model.Evaluate(data)["loss"];

        model.Fit(data, null, batchSize: 8, epochs: 60, new Adam(0.01f), verbose: 0);

        double after = model.Evaluate(data)["loss"];
        Assert.True(after < before / 4, $"The loss went from {before} to only {after}.");
    }

    /// <summary>
    /// Regions (B, R, 8) uniform in [-1, 1), seeded, with the listed regions of each sample all zero (padding).
    /// </summary>
    private static float[] Regions(int regions, int[][] padded)
    {
        var random = new Random(12);
        var x = new float[padded.Length * regions * 8];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 2 - 1);
        }

        for (int sample = 0; sample < padded.Length; sample++)
        {
            foreach (int r in padded[sample])
            {
                x.AsSpan(((sample * regions) + r) * 8, 8).Clear();
            }
        }

        return x;
    }

    /// <summary>
    /// Sequences of 1 to 5 steps of 3 features in [-1, 1), padded with all-zero steps after them; the target is the
    /// mean of the kept steps' first feature minus their last, so it depends on every kept step and on no padded one.
    /// </summary>
    private static Dataset Sequences(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * 15];
        var y = new float[rows];
        for (int row = 0; row < rows; row++)
        {
            int length = 1 + (row % 5);
            double sum = 0;
            for (int t = 0; t < length; t++)
            {
                for (int f = 0; f < 3; f++)
                {
                    x[(row * 15) + (t * 3) + f] = (float)(random.NextDouble() * 2 - 1);
                }

                sum += x[(row * 15) + (t * 3)] - x[(row * 15) + (t * 3) + 2];
            }

            y[row] = (float)(sum / length);
        }

        return new Dataset(x, 15, y, 1);
    }

    /// <summary>
    /// Word vectors of unit scale, as McaTests does: Keras' uniform [-0.05, 0.05] start leaves the first LayerNorm's
    /// input near its epsilon, where a finite-difference step crosses the feed-forward's ReLU kinks.
    /// </summary>
    private static void ScaleEmbedding(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        var table = model.Layout.Parameters.Single(p => p.Name == "embed.weight");
        foreach (ref float w in weights.AsSpan(table.Offset, table.Length))
        {
            w *= 20;
        }

        model.WriteWeights(weights);
    }
}
