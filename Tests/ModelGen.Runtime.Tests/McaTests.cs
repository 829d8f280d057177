using System.Text.RegularExpressions;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// MCAN's units, [SA], [GA], [SGA] and [AttentionReduction] (Models/McaModels.cs): GA and SGA gradients against central
/// finite differences with padding masks on both sides, a tiny MCAN encoder-decoder memorising a few samples, the three
/// MCA forms against the same computation written from primitives, and the units against the [Forward] bodies their
/// attributes document.
/// </summary>
public sealed class McaTests
{
    private const float Step = 1e-3f;

    // Predict of the layer model against the primitive one: the same float math in another order.
    private const float OutputTolerance = 2e-5f;

    // Chance is ln 4 = 1.39; below 0.05 every sample's answer has probability above 0.95 on average.
    private const double MemorisedLoss = 0.05;

    // Region ids (3 per sample) and question ids (4 per sample), 0 padding on both sides, no sample all padding.
    private static readonly float[] RegionIds = [0, 3, 5, 4, 0, 0, 1, 2, 9];
    private static readonly float[] QuestionIds = [0, 0, 3, 5, 4, 4, 7, 0, 1, 2, 3, 4];
    private static readonly float[] Targets = [0.5f, -1f, 2f];

    [Fact]
    public void GuidedAttentionWithMasksOnBothSidesGradientsMatchFiniteDifferences()
    {
        using var model = new MaskedGa(batchCapacity: 3, seed: 1);
        ScaleEmbeddings(model);
        AssertPaddingGetsNoGradient(model);
        GradientCheckTests.Check(model, new Dataset([RegionIds, QuestionIds], [3, 4], Targets, 1), Step);
    }

    [Fact]
    public void SelfGuidedAttentionWithMasksOnBothSidesGradientsMatchFiniteDifferences()
    {
        using var model = new MaskedSga(batchCapacity: 3, seed: 2);
        Assert.Contains(model.Layout.Parameters, p => p.Name == "sga.mhatt2.in_proj_weight");
        Assert.Contains(model.Layout.Parameters, p => p.Name == "sga.norm3.weight");
        Assert.Contains(model.Layout.Parameters, p => p.Name == "reduce.mlp.fc.linear.weight");
        ScaleEmbeddings(model);
        AssertPaddingGetsNoGradient(model);
        GradientCheckTests.Check(model, new Dataset([RegionIds, QuestionIds], [3, 4], Targets, 1), Step);
    }

    [Theory]
    [InlineData("encoder-decoder")]
    [InlineData("stacked")]
    public void TinyMcanOfDepthTwoMemorisesEightSamples(string depth)
    {
        const int rows = 8;
        var random = new Random(5);
        var questions = new float[rows * 4];
        for (int row = 0; row < rows; row++)
        {
            // Questions of 2 to 4 tokens, padded with 0 at the end.
            int length = 2 + row % 3;
            for (int t = 0; t < length; t++)
            {
                questions[row * 4 + t] = random.Next(1, 10);
            }
        }

        float[] images = Enumerable.Range(0, rows * 18).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] answers = Enumerable.Range(0, rows).Select(row => (float)(row % 4)).ToArray();
        var data = new Dataset([questions, images], [4, 18], answers, 1);
        using CompiledModel model = depth == "stacked" ? new TinyStackedMcan(batchCapacity: rows, seed: 3) : new TinyMcan(batchCapacity: rows, seed: 3);
        Assert.Contains(model.Layout.Parameters, p => p.Name == "encoder.1.mhatt.in_proj_weight");
        Assert.Contains(model.Layout.Parameters, p => p.Name == "decoder.1.mhatt2.out_proj.bias");
        double before = model.Evaluate(data)["loss"];

        model.Fit(data, null, batchSize: rows, epochs: 150, new Adam(0.01f), verbose: 0);

        var after = model.Evaluate(data);
        Assert.True(after["loss"] < MemorisedLoss, $"The loss went from {before} to only {after["loss"]}.");
        Assert.Equal(1.0, after["accuracy"]);
    }

    [Fact]
    public void UnitsGiveBitwiseTheLossAndGradientsOfTheBodiesTheirAttributesDocument()
    {
        using var units = new TinyMcan(batchCapacity: 3, seed: 13);
        using var bodies = new TinyMcanBodies(batchCapacity: 3, seed: 14);
        Assert.Equal(bodies.Layout.Parameters.Select(p => (p.Name, p.Offset, p.Length)), units.Layout.Parameters.Select(p => (p.Name, p.Offset, p.Length)));
        var weights = new float[units.WeightCount];
        units.ReadWeights(weights);
        bodies.WriteWeights(weights);

        float[] questions = [3, 5, 0, 0, 1, 2, 3, 4, 7, 0, 0, 0];
        var random = new Random(15);
        float[] images = Enumerable.Range(0, 3 * 18).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] answers = [1, 3, 0];
        var fromUnits = new float[units.Layout.TrainableCount];
        var fromBodies = new float[bodies.Layout.TrainableCount];
        float unitLoss = units.LossAndGradients([questions, images], answers, training: false, fromUnits);
        float bodyLoss = bodies.LossAndGradients([questions, images], answers, training: false, fromBodies);

        Assert.Equal(bodyLoss, unitLoss);
        Assert.Equal(fromBodies, fromUnits);
        Assert.Contains(fromUnits, g => g != 0f);
        Assert.Equal(bodies.Predict([questions, images]), units.Predict([questions, images]));
    }

    [Fact]
    public void PredictTensorReadsTheReductionsAttentionAndAnyLayersOutput()
    {
        using var model = new TinyMcan(batchCapacity: 2, seed: 16);
        float[] questions = [3, 5, 0, 0, 1, 2, 3, 4, 7, 7, 9, 0];
        var random = new Random(17);
        float[] images = Enumerable.Range(0, 3 * 18).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[][] inputs = [questions, images];

        // Three rows, batches of two: the question's attention over its 4 tokens sums to 1 and leaves the padding out.
        Assert.Contains(model.Layout.Tensors, t => t.Name == "question_reduce.softmax" && t.Kind == "Softmax" && t.Shape.SequenceEqual([4, 1]));
        float[] words = model.PredictTensor("question_reduce.softmax", inputs);
        Assert.Equal(12, words.Length);
        for (int row = 0; row < 3; row++)
        {
            Assert.Equal(1.0, words.AsSpan(row * 4, 4).ToArray().Sum(), 5);
        }

        Assert.Equal([0f, 0f], words[2..4]);
        Assert.Equal(0f, words[11]);
        Assert.All(words.Where((_, i) => i is not (2 or 3 or 11)), w => Assert.True(w > 0f));

        float[] regions = model.PredictTensor("image_reduce.softmax", inputs);
        Assert.Equal(9, regions.Length);
        Assert.Equal(3.0, regions.Sum(), 5);

        // The last layer's tensor is the prediction; an inner layer's is its output, rows in order.
        Assert.Equal(model.Predict(inputs), model.PredictTensor("classifier", inputs));
        float[] norm = model.PredictTensor("decoder.1.norm3", inputs);
        Assert.Equal(3 * 3 * 8, norm.Length);
        Assert.Equal(model.Predict(inputs), model.PredictTensor("classifier", inputs));

        var unknown = Assert.Throws<ArgumentException>(() => model.PredictTensor("decoder.1", inputs));
        Assert.StartsWith("TinyMcan has no tensor 'decoder.1'; it has embed, encoder.0.mhatt, encoder.0.add1, encoder.0.norm1,", unknown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dropout", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdGaGivesTheOutputsOfItsPrimitiveForward() => CompareWithPrimitives(new McaIdGa(3, seed: 6), new PrimitiveMcaIdGa(3, seed: 7));

    [Fact]
    public void SaGaGivesTheOutputsOfItsPrimitiveForward() => CompareWithPrimitives(new McaSaGa(3, seed: 8), new PrimitiveMcaSaGa(3, seed: 9));

    [Fact]
    public void SaSgaGivesTheOutputsOfItsPrimitiveForward() => CompareWithPrimitives(new McaSaSga(3, seed: 10), new PrimitiveMcaSaSga(3, seed: 11));

    /// <summary>
    /// Keras' embedding initialiser, uniform in [-0.05, 0.05], leaves the first LayerNorm's input with a variance near
    /// its epsilon, where a step of 1e-3 moves the normalised features by a few percent and crosses the feed-forward's
    /// ReLU kinks; vectors of unit scale (as word vectors are) keep the finite differences in their linear range.
    /// </summary>
    private static void ScaleEmbeddings(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        foreach (string name in new[] { "region_embed.weight", "embed.weight" })
        {
            var table = model.Layout.Parameters.Single(p => p.Name == name);
            foreach (ref float w in weights.AsSpan(table.Offset, table.Length))
            {
                w *= 20;
            }
        }

        model.WriteWeights(weights);
    }

    /// <summary>
    /// Padded question tokens are only keys and values, all masked; padded regions are queries whose outputs the
    /// masked mean skips (and, in SGA, masked keys): the padding id's embedding rows get no gradient at all.
    /// </summary>
    private static void AssertPaddingGetsNoGradient(CompiledModel model)
    {
        var gradients = new float[model.Layout.TrainableCount];
        model.LossAndGradients([RegionIds, QuestionIds], Targets, training: true, gradients);
        foreach (string name in new[] { "region_embed.weight", "embed.weight" })
        {
            var table = model.Layout.Parameters.Single(p => p.Name == name);
            Assert.All(gradients.AsSpan(table.Offset, 8).ToArray(), g => Assert.Equal(0f, g));
            Assert.Contains(gradients.AsSpan(table.Offset + 8, table.Length - 8).ToArray(), g => g != 0f);
        }
    }

    /// <summary>Copies the primitive model's weights into the layer model by name, then compares their outputs at inference.</summary>
    private static void CompareWithPrimitives(CompiledModel layers, CompiledModel primitives)
    {
        using (layers)
        using (primitives)
        {
            var from = new float[primitives.WeightCount];
            primitives.ReadWeights(from);
            var to = new float[layers.WeightCount];
            int copied = 0;
            foreach (ParameterInfo parameter in layers.Layout.Parameters)
            {
                int offset = parameter.Offset;
                foreach (string source in PrimitiveNames(parameter.Name))
                {
                    var p = primitives.Layout.Parameters.Single(q => q.Name == source);
                    from.AsSpan(p.Offset, p.Length).CopyTo(to.AsSpan(offset));
                    offset += p.Length;
                }

                Assert.Equal(parameter.Offset + parameter.Length, offset);
                copied += parameter.Length;
            }

            Assert.Equal(primitives.WeightCount, copied);
            layers.WriteWeights(to);

            var random = new Random(12);
            float[] x = Enumerable.Range(0, 3 * 24).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] y = Enumerable.Range(0, 3 * 32).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] expected = primitives.Predict([x, y]);
            float[] actual = layers.Predict([x, y]);
            Assert.Equal(3 * 56, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= OutputTolerance * Math.Max(1f, Math.Abs(expected[i])), $"output {i}: {expected[i]} vs {actual[i]}");
            }
        }
    }

    /// <summary>
    /// The primitive parameters one layer parameter is made of: in_proj stacks the query, key and value projections'
    /// rows, out_proj is the merge, the feed-forward's linear1 and linear2 are Dense layers; norms keep their names.
    /// </summary>
    private static string[] PrimitiveNames(string name)
    {
        var match = Regex.Match(name, @"^(.*)mhatt(\d?)\.(in_proj_weight|in_proj_bias|out_proj\.weight|out_proj\.bias)$");
        if (match.Success)
        {
            string prefix = match.Groups[1].Value, index = match.Groups[2].Value;
            return match.Groups[3].Value switch
            {
                "in_proj_weight" => [$"{prefix}query{index}.weight", $"{prefix}key{index}.weight", $"{prefix}value{index}.weight"],
                "in_proj_bias" => [$"{prefix}query{index}.bias", $"{prefix}key{index}.bias", $"{prefix}value{index}.bias"],
                "out_proj.weight" => [$"{prefix}merge{index}.weight"],
                _ => [$"{prefix}merge{index}.bias"],
            };
        }

        return [name.Replace("ffn.linear", "linear", StringComparison.Ordinal)];
    }
}
