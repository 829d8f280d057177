using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// The generated backward passes of the attention family against central finite differences of the mean loss (the
/// shared <see cref="GradientCheckTests.Check"/>): LayerNorm on flat samples and on steps, self-attention with and
/// without a padding mask (and with dropout on its probabilities), a position table, feed-forward blocks with ReLU
/// and GELU, Dense with GELU, and an encoder block of all of them.
/// </summary>
public sealed class AttentionGradientTests
{
    private const float Step = 1e-3f;

    [Fact]
    public void LayerNormFlatGradientsMatchFiniteDifferences()
    {
        using var model = new LayerNormFlat(batchCapacity: 4, seed: 1);
        GradientCheckTests.Check(model, Random(4, LayerNormFlat.InputSize, LayerNormFlat.OutputSize, seed: 1), Step);
    }

    [Fact]
    public void LayerNormSequenceGradientsMatchFiniteDifferences()
    {
        using var model = new LayerNormSequence(batchCapacity: 3, seed: 2);
        GradientCheckTests.Check(model, Random(3, LayerNormSequence.InputSize, LayerNormSequence.OutputSize, seed: 2), Step);
    }

    [Fact]
    public void SelfAttentionGradientsMatchFiniteDifferences()
    {
        using var model = new SelfAttention(batchCapacity: 3, seed: 3);
        GradientCheckTests.Check(model, Random(3, SelfAttention.InputSize, SelfAttention.OutputSize, seed: 3), Step);
    }

    [Fact]
    public void SelfAttentionWithDropoutGradientsMatchFiniteDifferences()
    {
        using var model = new SelfAttentionDropout(batchCapacity: 3, seed: 4);
        GradientCheckTests.Check(model, Random(3, SelfAttentionDropout.InputSize, SelfAttentionDropout.OutputSize, seed: 4), Step);
    }

    [Fact]
    public void MaskedSelfAttentionGradientsMatchFiniteDifferences()
    {
        // Padding before, after and inside the ids; one row without padding and one all but one step padded.
        float[] ids =
        [
            0, 0, 3, 5, 1, 9,
            4, 4, 7, 2, 0, 0,
            1, 2, 3, 4, 5, 6,
            0, 0, 0, 0, 0, 6,
        ];
        using var model = new MaskedSelfAttention(batchCapacity: 4, seed: 5);
        GradientCheckTests.Check(model, new Dataset(ids, 6, Targets(4 * 6, seed: 5), 6), Step);
    }

    [Fact]
    public void MaskedKeysDoNotChangeTheUnmaskedSteps()
    {
        // Padded keys get -1e9 before the softmax, so what the padding's embedding holds cannot reach the unmasked steps:
        // moving row 0 of the table (id 0, the first parameter) leaves steps 0-2 as they were. Moving the row of a real
        // token (id 3, at step 0) changes a key every step attends to, so step 1's output moves.
        float[] ids = [3, 5, 1, 0, 0, 0];
        using var model = new MaskedSelfAttention(batchCapacity: 1, seed: 6);
        float[] before = model.Predict(ids);
        float[] table = new float[model.WeightCount];
        model.ReadWeights(table);
        const int Width = 6;
        for (int i = 0; i < Width; i++)
        {
            table[i] += 0.5f;
        }

        model.WriteWeights(table);
        float[] padding = model.Predict(ids);
        for (int step = 0; step < 3; step++)
        {
            Assert.Equal(before[step], padding[step], 6);
        }

        for (int i = 0; i < Width; i++)
        {
            table[(3 * Width) + i] += 0.5f;
        }

        model.WriteWeights(table);
        float[] token = model.Predict(ids);
        Assert.True(Math.Abs(token[1] - before[1]) > 1e-4, $"step 1: {before[1]} before, {token[1]} after changing token 3's row");
    }

    [Fact]
    public void PositionEmbeddingGradientsMatchFiniteDifferences()
    {
        using var model = new PositionTable(batchCapacity: 3, seed: 7);
        GradientCheckTests.Check(model, Random(3, PositionTable.InputSize, PositionTable.OutputSize, seed: 7), Step);
    }

    [Fact]
    public void FeedForwardReluGradientsMatchFiniteDifferences()
    {
        using var model = new FeedForwardRelu(batchCapacity: 3, seed: 8);
        GradientCheckTests.Check(model, Random(3, FeedForwardRelu.InputSize, FeedForwardRelu.OutputSize, seed: 8), Step);
    }

    [Fact]
    public void FeedForwardGeluGradientsMatchFiniteDifferences()
    {
        using var model = new FeedForwardGelu(batchCapacity: 3, seed: 9);
        GradientCheckTests.Check(model, Random(3, FeedForwardGelu.InputSize, FeedForwardGelu.OutputSize, seed: 9), Step);
    }

    [Fact]
    public void FlatFeedForwardGeluGradientsMatchFiniteDifferences()
    {
        using var model = new FeedForwardFlat(batchCapacity: 4, seed: 10);
        GradientCheckTests.Check(model, Random(4, FeedForwardFlat.InputSize, FeedForwardFlat.OutputSize, seed: 10), Step);
    }

    [Fact]
    public void DenseGeluGradientsMatchFiniteDifferences()
    {
        using var model = new DenseGelu(batchCapacity: 4, seed: 11);
        GradientCheckTests.Check(model, Random(4, DenseGelu.InputSize, DenseGelu.OutputSize, seed: 11), Step);
    }

    [Fact]
    public void EncoderBlockGradientsMatchFiniteDifferences()
    {
        float[] ids =
        [
            0, 3, 5, 11, 2,
            4, 4, 7, 0, 0,
            1, 2, 3, 4, 5,
        ];
        using var model = new TinyEncoder(batchCapacity: 3, seed: 12);
        GradientCheckTests.Check(model, new Dataset(ids, 5, Targets(3 * 5, seed: 12), 5), Step);
    }

    [Fact]
    public void AnEncoderStepAllocatesNothingOnceTheOptimizerIsBound()
    {
        float[] ids = [0, 3, 5, 11, 2, 4, 4, 7, 0, 0, 1, 2, 3, 4, 5];
        float[] targets = Targets(3 * 5, seed: 13);
        using var model = new TinyEncoder(batchCapacity: 3, seed: 13, device: Device.Cpu(1));
        var optimizer = new Adam();
        for (int step = 0; step < 3; step++)
        {
            model.TrainOnBatch(ids, targets, optimizer);
        }

        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => model.TrainOnBatch(ids, targets, optimizer)));
    }

    [Fact]
    public void NamesAndShapesFollowPyTorch()
    {
        using var model = new TinyEncoder(batchCapacity: 1, seed: 0);
        var shapes = model.Layout.Parameters.ToDictionary(p => p.Name, p => string.Join("x", p.Shape));
        Assert.Equal("12x8", shapes["embedding0.weight"]);
        Assert.Equal("5x8", shapes["position_embedding0.weight"]);
        Assert.Equal("24x8", shapes["multi_head_attention0.in_proj_weight"]);
        Assert.Equal("24", shapes["multi_head_attention0.in_proj_bias"]);
        Assert.Equal("8x8", shapes["multi_head_attention0.out_proj.weight"]);
        Assert.Equal("8", shapes["multi_head_attention0.out_proj.bias"]);
        Assert.Equal("8", shapes["layer_norm0.weight"]);
        Assert.Equal("8", shapes["layer_norm1.bias"]);
        Assert.Equal("16x8", shapes["feed_forward0.linear1.weight"]);
        Assert.Equal("16", shapes["feed_forward0.linear1.bias"]);
        Assert.Equal("8x16", shapes["feed_forward0.linear2.weight"]);
        Assert.Equal("8", shapes["feed_forward0.linear2.bias"]);
    }

    /// <summary>Uniform features in [-1, 1) and targets in [-0.5, 0.5), seeded.</summary>
    private static Dataset Random(int rows, int features, int outputs, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return new Dataset(x, features, Targets(rows * outputs, seed + 100), outputs);
    }

    private static float[] Targets(int count, int seed)
    {
        var random = new Random(seed);
        var y = new float[count];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = (float)(random.NextDouble() - 0.5);
        }

        return y;
    }
}
