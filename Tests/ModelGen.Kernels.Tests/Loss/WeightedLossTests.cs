using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Loss;

/// <summary>
/// Per-row weights (Keras' sample_weight) with Keras' "sum_over_batch_size" reduction: loss = sum_b(w_b l_b) / B,
/// divided by the row count and not by the weights' sum; row b's gradient is gradScale w_b dl_b/dy_b.
/// </summary>
public sealed class WeightedLossTests
{
    private const float GradScale = 0.25f;

    public static TheoryData<LossKind, bool, int, int> Cases()
    {
        var data = new TheoryData<LossKind, bool, int, int>();
        int[][] shapes = [[1, 1], [3, 7], [5, 17], [2, 33]];
        foreach (LossKind kind in Enum.GetValues<LossKind>())
        {
            foreach (bool fromLogits in new[] { false, true })
            {
                foreach (int[] s in shapes)
                {
                    data.Add(kind, fromLogits, s[0], s[1]);
                }
            }
        }

        return data;
    }

    public static TheoryData<LossKind, bool> Kinds()
    {
        var data = new TheoryData<LossKind, bool>();
        foreach (LossKind kind in Enum.GetValues<LossKind>())
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WeightedLoss_ValueAndGradient_MatchDoubleReference(LossKind kind, bool fromLogits, int batch, int features)
    {
        var random = new Random(42);
        float[] prediction = Predictions(kind, fromLogits, random, batch * features);
        float[] target = Targets(kind, random, batch, features);
        // Weights in [-0.5, 2.5): Keras allows negative weights; row 0 weighs 0 when there are several rows.
        float[] weights = TestData.Uniform(random, batch, -0.5f, 2.5f);
        if (batch > 1)
        {
            weights[0] = 0f;
        }

        using var arena = new TestArena();
        Buf pv = arena.Put(prediction), tv = arena.Put(target), dv = arena.Zeros(prediction.Length), lv = arena.Zeros(1), wv = arena.Put(weights);

        arena.Backend.Loss(kind, fromLogits, pv, tv, dv, lv, batch, features, GradScale, wv);

        double[] p = TestData.ToDouble(prediction);
        TestData.Close([WeightedSum(kind, fromLogits, p, target, weights, batch, features) / batch], arena.Get(lv), Tolerance.Reduction, "loss");
        double[] gradient = TestData.NumericGradient(x => GradScale * WeightedSum(kind, fromLogits, x, target, weights, batch, features), p);
        TestData.Close(gradient, arena.Get(dv), Tolerance.Gradient, "dPrediction");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void WeightsAllOne_EqualUnweightedBitwise(LossKind kind, bool fromLogits)
    {
        const int Batch = 5, Features = 9;
        var random = new Random(42);
        float[] prediction = Predictions(kind, fromLogits, random, Batch * Features);
        float[] target = Targets(kind, random, Batch, Features);

        using var arena = new TestArena();
        Buf pv = arena.Put(prediction), tv = arena.Put(target), wv = arena.Put(Enumerable.Repeat(1f, Batch).ToArray());
        Buf plainGradient = arena.Zeros(Batch * Features), plainLoss = arena.Zeros(1);
        Buf weightedGradient = arena.Zeros(Batch * Features), weightedLoss = arena.Zeros(1);

        arena.Backend.Loss(kind, fromLogits, pv, tv, plainGradient, plainLoss, Batch, Features, GradScale);
        arena.Backend.Loss(kind, fromLogits, pv, tv, weightedGradient, weightedLoss, Batch, Features, GradScale, wv);

        Assert.Equal(Bits(arena.Get(plainLoss)), Bits(arena.Get(weightedLoss)));
        Assert.Equal(Bits(arena.Get(plainGradient)), Bits(arena.Get(weightedGradient)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ZeroWeightRows_ContributeNothing(LossKind kind, bool fromLogits)
    {
        const int Batch = 4, Features = 6;
        var random = new Random(42);
        float[] prediction = Predictions(kind, fromLogits, random, Batch * Features);
        float[] target = Targets(kind, random, Batch, Features);
        float[] weights = [1f, 0f, 1f, 0f];

        using var arena = new TestArena();
        Buf pv = arena.Put(prediction), tv = arena.Put(target), wv = arena.Put(weights);
        Buf plainGradient = arena.Zeros(Batch * Features), plainLoss = arena.Zeros(1);
        Buf weightedGradient = arena.Put(Enumerable.Repeat(float.NaN, Batch * Features).ToArray()), weightedLoss = arena.Zeros(1);

        arena.Backend.Loss(kind, fromLogits, pv, tv, plainGradient, plainLoss, Batch, Features, GradScale);
        arena.Backend.Loss(kind, fromLogits, pv, tv, weightedGradient, weightedLoss, Batch, Features, GradScale, wv);

        // Kept rows: the unweighted gradient bit for bit; dropped rows: exactly zero.
        float[] plain = arena.Get(plainGradient), weighted = arena.Get(weightedGradient);
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.Equal(weights[i / Features] == 0f ? 0f : plain[i], weighted[i]);
        }

        // The loss sums rows 0 and 2 and still divides by all 4 rows.
        double[] p = TestData.ToDouble(prediction);
        double[] rows = RowLosses(kind, fromLogits, p, target, Batch, Features);
        TestData.Close([(rows[0] + rows[2]) / Batch], arena.Get(weightedLoss), Tolerance.Elementwise, "loss");
    }

    /// <summary>Mean squared error by hand: predictions (1, 3) against 0 with weights (2, 0.5).</summary>
    [Fact]
    public void MeanSquaredError_ByHand_DividesByRowsNotByWeights()
    {
        using var arena = new TestArena();
        Buf pv = arena.Put([1f, 3f]), tv = arena.Put([0f, 0f]), dv = arena.Zeros(2), lv = arena.Zeros(1), wv = arena.Put([2f, 0.5f]);

        arena.Backend.Loss(LossKind.MeanSquaredError, false, pv, tv, dv, lv, 2, 1, 1f, wv);

        // Row losses 1 and 9: (2 * 1 + 0.5 * 9) / 2 = 3.25 (over the weights' sum it would be 2.6).
        Assert.Equal(3.25f, arena.Get(lv)[0]);
        // Gradients w 2 (y - t): 2 * 2 * 1 = 4 and 0.5 * 2 * 3 = 3.
        Assert.Equal([4f, 3f], arena.Get(dv));
    }

    /// <summary>Sparse cross-entropy from logits by hand: two rows of logits (0, 0), classes 0 and 1, weights 3 and 1.</summary>
    [Fact]
    public void SparseFromLogits_ByHand()
    {
        using var arena = new TestArena();
        Buf pv = arena.Put([0f, 0f, 0f, 0f]), tv = arena.Put([0f, 1f]), dv = arena.Zeros(4), lv = arena.Zeros(1), wv = arena.Put([3f, 1f]);

        arena.Backend.Loss(LossKind.SparseCategoricalCrossEntropy, true, pv, tv, dv, lv, 2, 2, 0.5f, wv);

        // Each row loses log 2: (3 log 2 + log 2) / 2 = 2 log 2. Gradients gradScale w (softmax - onehot):
        // row 0: 0.5 * 3 * (-0.5, 0.5) = (-0.75, 0.75); row 1: 0.5 * 1 * (0.5, -0.5) = (0.25, -0.25).
        Assert.Equal((float)(2 * Math.Log(2)), arena.Get(lv)[0]);
        Assert.Equal([-0.75f, 0.75f, 0.25f, -0.25f], arena.Get(dv));
    }

    [Fact]
    public void WeightedLoss_WithoutGradient_WritesOnlyTheLoss()
    {
        using var arena = new TestArena();
        Buf pv = arena.Put([0.2f, 0.9f]), tv = arena.Put([0f, 1f]), lv = arena.Zeros(1), wv = arena.Put([0.5f, 4f]);

        arena.Backend.Loss(LossKind.BinaryCrossEntropy, false, pv, tv, default, lv, 2, 1, 1f, wv);

        // -(0.5 log(0.8) + 4 log(0.9)) / 2
        TestData.Close([-((0.5 * Math.Log(0.8)) + (4 * Math.Log(0.9))) / 2], arena.Get(lv), Tolerance.Elementwise, "loss");
    }

    [Fact]
    public void WeightsShorterThanTheBatch_Throw()
    {
        using var arena = new TestArena();
        Buf pv = arena.Put([0.2f, 0.9f, 0.5f]), tv = arena.Put([0f, 1f, 1f]), lv = arena.Zeros(1), wv = arena.Put([1f, 1f]);

        var error = Assert.Throws<ArgumentException>(() =>
            arena.Backend.Loss(LossKind.BinaryCrossEntropy, false, pv, tv, default, lv, 3, 1, 1f, wv));

        Assert.Equal("weights", error.ParamName);
        Assert.Contains("needs 3 floats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightedLoss_AllocatesNothing()
    {
        const int Batch = 8, Features = 5;
        var random = new Random(42);
        using var arena = new TestArena();
        Buf pv = arena.Put(TestData.Uniform(random, Batch * Features)), tv = arena.Put(Targets(LossKind.CategoricalCrossEntropy, random, Batch, Features));
        Buf dv = arena.Zeros(Batch * Features), lv = arena.Zeros(1), wv = arena.Put(TestData.Uniform(random, Batch, 0f, 2f));

        long bytes = TestData.SteadyStateBytes(() => arena.Backend.Loss(LossKind.CategoricalCrossEntropy, true, pv, tv, dv, lv, Batch, Features, GradScale, wv));

        Assert.Equal(0, bytes);
    }

    /// <summary>sum_b w_b l_b in double, from <see cref="LossReference"/>'s per-row losses.</summary>
    private static double WeightedSum(LossKind kind, bool fromLogits, double[] prediction, float[] target, float[] weights, int batch, int features)
    {
        double[] rows = RowLosses(kind, fromLogits, prediction, target, batch, features);
        double sum = 0;
        for (int b = 0; b < batch; b++)
        {
            sum += weights[b] * rows[b];
        }

        return sum;
    }

    /// <summary>
    /// Each row's loss as the difference of <see cref="LossReference.RowSum"/> over the first b + 1 and the first b rows;
    /// the reference always sees the whole target array, so the hinge's {0, 1} reading is decided over the batch.
    /// </summary>
    private static double[] RowLosses(LossKind kind, bool fromLogits, double[] prediction, float[] target, int batch, int features)
    {
        var rows = new double[batch];
        double before = 0;
        for (int b = 0; b < batch; b++)
        {
            double upTo = LossReference.RowSum(kind, fromLogits, prediction, target, b + 1, features);
            rows[b] = upTo - before;
            before = upTo;
        }

        return rows;
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);

    private static float[] Predictions(LossKind kind, bool fromLogits, Random random, int length)
    {
        bool probabilities = !fromLogits && kind is LossKind.BinaryCrossEntropy or LossKind.CategoricalCrossEntropy or LossKind.SparseCategoricalCrossEntropy;
        return probabilities ? TestData.Uniform(random, length, 0.05f, 0.95f) : TestData.Uniform(random, length, -2f, 2f);
    }

    private static float[] Targets(LossKind kind, Random random, int batch, int features)
    {
        switch (kind)
        {
            case LossKind.SparseCategoricalCrossEntropy:
                return Enumerable.Range(0, batch).Select(_ => (float)random.Next(features)).ToArray();
            case LossKind.CategoricalCrossEntropy:
            {
                var t = new float[batch * features];
                for (int b = 0; b < batch; b++)
                {
                    t[(b * features) + random.Next(features)] = 1f;
                }

                return t;
            }

            case LossKind.BinaryCrossEntropy:
                return TestData.Uniform(random, batch * features, 0f, 1f);
            case LossKind.Hinge:
                return Enumerable.Range(0, batch * features).Select(_ => (float)random.Next(2)).ToArray();
            default:
                return TestData.Uniform(random, batch * features);
        }
    }
}
