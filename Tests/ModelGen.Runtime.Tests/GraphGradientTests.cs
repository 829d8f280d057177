using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Graph models compiled from [Forward] bodies: gradients against central finite differences of the mean loss (a
/// residual block, a member called twice, a nested model, a loop of three blocks, masked self-attention, attention
/// over two inputs), and the founding document's formula against the MultiHeadAttention layer.
/// </summary>
public sealed class GraphGradientTests
{
    private const float Step = 1e-3f;

    [Fact]
    public void ResidualBlockGradientsMatchFiniteDifferences()
    {
        using var model = new GraphResidual(batchCapacity: 3, seed: 1);
        GradientCheckTests.Check(model, Random(3, [GraphResidual.InputSize], 2, seed: 1), Step);
    }

    [Fact]
    public void MemberCalledTwiceGradientsMatchFiniteDifferences()
    {
        using var model = new GraphShared(batchCapacity: 4, seed: 2);
        var data = Random(4, [5, 5], 1, seed: 2);
        for (int i = 0; i < data.Targets.Length; i++)
        {
            data.Targets[i] = i % 2;
        }

        GradientCheckTests.Check(model, data, Step);
    }

    [Fact]
    public void SharedNormFeedForwardAndAttentionGradientsMatchFiniteDifferences()
    {
        // Each call keeps its own saved statistics, hidden activations and attention probabilities; the weights are one.
        using var model = new GraphSharedBlocks(batchCapacity: 3, seed: 17);
        Assert.Single(model.Layout.Parameters, p => p.Name == "attention.in_proj_weight");
        GradientCheckTests.Check(model, Random(3, [24, 24], 1, seed: 17), Step);
    }

    [Fact]
    public void FeedForwardDropoutGradientsMatchFiniteDifferencesAndInferenceSkipsIt()
    {
        using var model = new GraphFeedForwardDropout(batchCapacity: 3, seed: 18);
        var data = Random(3, [24], 1, seed: 18);
        GradientCheckTests.Check(model, data, Step);

        // Inference does not drop: two predictions agree, and training-mode losses with two different masks differ.
        Assert.Equal(model.Predict(data.Features), model.Predict(data.Features));
        model.RandomStreamPosition = 0;
        float first = model.LossAndGradients(data.Features, data.Targets, training: true, default);
        float second = model.LossAndGradients(data.Features, data.Targets, training: true, default);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void BlockOverAnyLengthGradientsMatchFiniteDifferences()
    {
        using var model = new GraphAnyLength(batchCapacity: 3, seed: 19);
        Assert.Contains(model.Layout.Parameters, p => p.Name == "on_long.attention.in_proj_weight");
        Assert.Contains(model.Layout.Parameters, p => p.Name == "on_short.norm.weight");
        GradientCheckTests.Check(model, Random(3, [24, 18], 1, seed: 19), Step);
    }

    [Fact]
    public void SplitIntoUnequalPartsGradientsMatchFiniteDifferences()
    {
        using var model = new GraphUnequalSplit(batchCapacity: 3, seed: 20);
        GradientCheckTests.Check(model, Random(3, [12, 20], 1, seed: 20), Step);
    }

    [Fact]
    public void NestedModelGradientsMatchFiniteDifferences()
    {
        using var model = new GraphNested(batchCapacity: 3, seed: 3);
        Assert.Contains(model.Layout.Parameters, p => p.Name == "encoder.inner.weight");
        Assert.Contains(model.Layout.Parameters, p => p.Name == "encoder.norm.bias");
        GradientCheckTests.Check(model, Random(3, [GraphNested.InputSize], 1, seed: 3), Step);
    }

    [Fact]
    public void LoopOfThreeBlocksGradientsMatchFiniteDifferences()
    {
        using var model = new GraphLoop(batchCapacity: 3, seed: 4);
        for (int i = 0; i < 3; i++)
        {
            Assert.Contains(model.Layout.Parameters, p => p.Name == $"blocks.{i}.inner.weight");
        }

        Assert.Equal(3 * (36 + 6 + 12) + 7, model.Layout.TrainableCount);
        GradientCheckTests.Check(model, Random(3, [GraphLoop.InputSize], 1, seed: 4), Step);
    }

    [Fact]
    public void MaskedSelfAttentionGradientsMatchFiniteDifferences()
    {
        float[] ids =
        [
            0, 0, 3, 5, 1,
            4, 4, 7, 0, 0,
            1, 2, 3, 4, 5,
        ];
        using var model = new GraphMaskedAttention(batchCapacity: 3, seed: 5);
        Assert.Equal(10, model.Layout.Inputs[0].TokenVocabulary);
        GradientCheckTests.Check(model, new Dataset(ids, 5, [0.5f, -1f, 2f], 1), Step);
    }

    [Fact]
    public void CrossAttentionGradientsMatchFiniteDifferences()
    {
        using var model = new GraphCrossAttention(batchCapacity: 3, seed: 6);
        Assert.Equal(["Queries", "Context"], model.Layout.Inputs.Select(input => input.Name));
        GradientCheckTests.Check(model, Random(3, [12, 20], 1, seed: 6), Step);
    }

    [Fact]
    public void MaskedSoftmaxOverPositionsGradientsMatchFiniteDifferences()
    {
        float[] ids =
        [
            3, 5, 1, 0, 0,
            0, 4, 7, 2, 0,
            1, 2, 3, 4, 5,
        ];
        using var model = new GraphAttentionPool(batchCapacity: 3, seed: 13);
        GradientCheckTests.Check(model, new Dataset(ids, 5, Random(3, [1], 3, seed: 13).Targets, 3), Step);
    }

    [Fact]
    public void MaskedPositionsGetNoWeightInTheSoftmaxOverPositions()
    {
        // The embedding of id 0 (the table's first row) is read only at padded positions: with their weights at
        // exp(-1e9) = 0, changing it must leave every output as it was.
        float[] ids = [3, 5, 1, 0, 0, 0, 4, 7, 2, 0];
        using var model = new GraphAttentionPool(batchCapacity: 2, seed: 14);
        float[] before = model.Predict(ids);
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        var table = model.Layout.Parameters.Single(p => p.Name == "embed.weight");
        for (int i = 0; i < 6; i++)
        {
            weights[table.Offset + i] += 3f;
        }

        model.WriteWeights(weights);
        Assert.Equal(before, model.Predict(ids));
    }

    [Fact]
    public void SumOfMaskedSequencesKeepsTheStepsBothKeep()
    {
        // Left pads step 3, right pads step 0: the mean runs over steps 1 and 2 only, so changing either side's
        // token at a step the other pads changes nothing.
        using var model = new GraphMergedMasks(batchCapacity: 1, seed: 16);
        float[] Predict(float[] left, float[] right) => model.Predict(new List<float[]> { left, right });
        float[] baseline = Predict([5, 1, 2, 0], [0, 3, 4, 6]);
        Assert.Equal(baseline, Predict([7, 1, 2, 0], [0, 3, 4, 6]));   // left's step 0: padded on the right
        Assert.Equal(baseline, Predict([5, 1, 2, 0], [0, 3, 4, 1]));   // right's step 3: padded on the left
        Assert.NotEqual(baseline, Predict([5, 6, 2, 0], [0, 3, 4, 6]));
    }

    [Fact]
    public void SoftmaxOverTheMiddleAxisGradientsMatchFiniteDifferences()
    {
        using var model = new GraphMiddleSoftmax(batchCapacity: 3, seed: 15);
        GradientCheckTests.Check(model, Random(3, [24], 1, seed: 15), Step);
    }

    [Fact]
    public void FormulaGivesTheOutputsAndGradientsOfTheLayerWithOneHead() =>
        CompareWithLayer(new FormulaAttention(batchCapacity: 3, seed: 7), new LayerAttention(batchCapacity: 3, seed: 8));

    [Fact]
    public void FormulaWithTwoHeadsGivesTheOutputsAndGradientsOfTheLayer() =>
        CompareWithLayer(new FormulaTwoHeads(batchCapacity: 3, seed: 9), new LayerTwoHeads(batchCapacity: 3, seed: 10));

    [Fact]
    public void FormulaGradientsMatchFiniteDifferences()
    {
        using var model = new FormulaTwoHeads(batchCapacity: 3, seed: 11);
        GradientCheckTests.Check(model, Random(3, [20], 20, seed: 11), Step);
    }

    /// <summary>
    /// Copies the formula's four Dense layers into the layer's in_proj (q, k, v rows) and out_proj, then compares the
    /// outputs and every gradient, mapped back the same way.
    /// </summary>
    private static void CompareWithLayer(CompiledModel formula, CompiledModel layer)
    {
        using (formula)
        using (layer)
        {
            var f = new float[formula.WeightCount];
            formula.ReadWeights(f);
            var l = new float[layer.WeightCount];
            var map = Mapping(formula.Layout, layer.Layout);
            foreach (var (from, to) in map)
            {
                l[to] = f[from];
            }

            layer.WriteWeights(l);
            var data = Random(3, [20], 20, seed: 12);
            Assert.Equal(formula.Predict(data.Features), layer.Predict(data.Features), new ToleranceComparer(2e-6f));

            var df = new float[formula.Layout.TrainableCount];
            var dl = new float[layer.Layout.TrainableCount];
            float lossF = formula.LossAndGradients(data.Features, data.Targets, training: true, df);
            float lossL = layer.LossAndGradients(data.Features, data.Targets, training: true, dl);
            Assert.Equal(lossF, lossL, 5);
            foreach (var (from, to) in map)
            {
                Assert.True(Math.Abs(df[from] - dl[to]) <= 1e-5f + 1e-4f * Math.Abs(df[from]), $"gradient {from} -> {to}: {df[from]} vs {dl[to]}");
            }
        }
    }

    /// <summary>(formula offset, layer offset) of every float: query, key, value stacked in in_proj, output in out_proj.</summary>
    private static List<(int From, int To)> Mapping(ModelLayout formula, ModelLayout layer)
    {
        ParameterInfo F(string name) => formula.Parameters.Single(p => p.Name == name);
        ParameterInfo L(string name) => layer.Parameters.Single(p => p.Name == name);
        var map = new List<(int, int)>();
        string[] projections = ["query", "key", "value"];
        for (int p = 0; p < 3; p++)
        {
            var w = F(projections[p] + ".weight");
            var b = F(projections[p] + ".bias");
            for (int i = 0; i < w.Length; i++)
            {
                map.Add((w.Offset + i, L("attention.in_proj_weight").Offset + p * w.Length + i));
            }

            for (int i = 0; i < b.Length; i++)
            {
                map.Add((b.Offset + i, L("attention.in_proj_bias").Offset + p * b.Length + i));
            }
        }

        var ow = F("output.weight");
        var ob = F("output.bias");
        for (int i = 0; i < ow.Length; i++)
        {
            map.Add((ow.Offset + i, L("attention.out_proj.weight").Offset + i));
        }

        for (int i = 0; i < ob.Length; i++)
        {
            map.Add((ob.Offset + i, L("attention.out_proj.bias").Offset + i));
        }

        return map;
    }

    private static Dataset Random(int rows, int[] widths, int targetWidth, int seed)
    {
        var random = new Random(seed);
        var inputs = widths.Select(width => Enumerable.Range(0, rows * width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToList();
        float[] targets = Enumerable.Range(0, rows * targetWidth).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return widths.Length == 1 ? new Dataset(inputs[0], widths[0], targets, targetWidth) : new Dataset(inputs, widths, targets, targetWidth);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1f, Math.Abs(x));

        public int GetHashCode(float obj) => 0;
    }
}
