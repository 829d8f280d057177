using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// The generated backward passes through time against central finite differences of the mean loss (the shared
/// <see cref="GradientCheckTests.Check"/>): every weight of every cell, T = 1 and T = 7, a stacked pair, a sequence
/// output, and padded token ids through a masked embedding, LSTM and GRU.
/// </summary>
public sealed class RecurrentGradientTests
{
    [Fact]
    public void LstmOneStepGradientsMatchFiniteDifferences()
    {
        using var model = new LstmOneStep(batchCapacity: 4, seed: 1);
        GradientCheckTests.Check(model, Sequences(4, LstmOneStep.InputSize, LstmOneStep.OutputSize, seed: 1), 1e-3f);
    }

    [Fact]
    public void LstmSevenStepsGradientsMatchFiniteDifferences()
    {
        using var model = new LstmSeven(batchCapacity: 4, seed: 2);
        GradientCheckTests.Check(model, Sequences(4, LstmSeven.InputSize, LstmSeven.OutputSize, seed: 2), 1e-3f);
    }

    [Fact]
    public void GruSevenStepsGradientsMatchFiniteDifferences()
    {
        using var model = new GruSeven(batchCapacity: 4, seed: 3);
        GradientCheckTests.Check(model, Sequences(4, GruSeven.InputSize, GruSeven.OutputSize, seed: 3), 1e-3f);
    }

    [Fact]
    public void RnnSevenStepsGradientsMatchFiniteDifferences()
    {
        using var model = new RnnSeven(batchCapacity: 4, seed: 4);
        GradientCheckTests.Check(model, Sequences(4, RnnSeven.InputSize, RnnSeven.OutputSize, seed: 4), 1e-3f);
    }

    [Fact]
    public void StackedPairGradientsMatchFiniteDifferences()
    {
        using var model = new StackedPair(batchCapacity: 3, seed: 5);
        GradientCheckTests.Check(model, Sequences(3, StackedPair.InputSize, StackedPair.OutputSize, seed: 5), 1e-3f);
    }

    [Fact]
    public void SequenceOutputGradientsMatchFiniteDifferences()
    {
        using var model = new RnnSequenceOut(batchCapacity: 3, seed: 6);
        GradientCheckTests.Check(model, Sequences(3, RnnSequenceOut.InputSize, RnnSequenceOut.OutputSize, seed: 6), 1e-3f);
    }

    [Fact]
    public void MaskedTokenGradientsMatchFiniteDifferences()
    {
        // Padding before, after and inside the ids; one row without padding and one all but one step padded.
        float[] ids =
        [
            0, 0, 3, 5, 1, 9, 2,
            4, 4, 7, 2, 8, 0, 0,
            1, 2, 3, 4, 5, 6, 7,
            0, 0, 0, 0, 0, 0, 6,
        ];
        using var model = new MaskedTokens(batchCapacity: 4, seed: 7);
        GradientCheckTests.Check(model, new Dataset(ids, 7, [1, 0, 1, 0], 1), 1e-3f);
    }

    [Fact]
    public void PaddedStepsAreSkippedWhereverThePaddingIs()
    {
        // Keras' masking: a padded step carries the state over, so padding before or after the same tokens, or none
        // in the way (the ids shifted), gives the same last state and the same prediction.
        float[] ids =
        [
            0, 0, 3, 5, 1, 9, 2,
            3, 5, 1, 9, 2, 0, 0,
            3, 0, 5, 1, 0, 9, 2,
            3, 5, 1, 9, 2, 4, 0,
        ];
        using var model = new MaskedTokens(batchCapacity: 4, seed: 8);
        float[] p = model.Predict(ids);
        Assert.Equal(p[0], p[1], 6);
        Assert.Equal(p[0], p[2], 6);
        Assert.NotEqual(p[0], p[3], 4);
    }

    [Fact]
    public void TokenIdsOutsideTheVocabularyAreRefusedBeforeAnythingRuns()
    {
        using var model = new MaskedTokens(batchCapacity: 2, seed: 9);
        float[] before = new float[model.WeightCount];
        model.ReadWeights(before);
        float[] ids = [1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 10, 5, 6, 7];
        var error = Assert.Throws<ArgumentException>(() => model.Fit(new Dataset(ids, 7, [1, 0], 1), null, 2, 1, new Adam(), verbose: 0));
        Assert.Contains("token id 10 at sample 1, position 3", error.Message);
        Assert.Contains("[0, 10)", error.Message);
        var half = Assert.Throws<ArgumentException>(() => model.Predict([1, 2, 3, 4, 5, 6, 2.5f]));
        Assert.Contains("token id 2.5 at sample 0, position 6", half.Message);
        float[] after = new float[model.WeightCount];
        model.ReadWeights(after);
        Assert.Equal(before, after);
    }

    /// <summary>Uniform features in [-1, 1) and targets in [-0.5, 0.5), seeded.</summary>
    private static Dataset Sequences(int rows, int features, int outputs, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var y = new float[rows * outputs];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = (float)(random.NextDouble() - 0.5);
        }

        return new Dataset(x, features, y, outputs);
    }
}
