using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Loss;

public sealed class LossTests
{
    private const float GradScale = 0.25f;

    public static TheoryData<LossKind, bool, int, int> Cases()
    {
        var data = new TheoryData<LossKind, bool, int, int>();
        int[][] shapes = [[1, 1], [3, 7], [4, 17], [2, 33]];
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

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_ValueAndGradient_MatchReferenceAndFiniteDifferences(LossKind kind, bool fromLogits, int batch, int features)
    {
        var random = new Random(42);
        bool probabilities = !fromLogits && kind is LossKind.BinaryCrossEntropy or LossKind.CategoricalCrossEntropy or LossKind.SparseCategoricalCrossEntropy;
        float[] prediction = probabilities ? TestData.Uniform(random, batch * features, 0.05f, 0.95f) : TestData.Uniform(random, batch * features, -2f, 2f);
        float[] target = Targets(kind, random, batch, features);

        using var arena = new TestArena();
        Buf pv = arena.Put(prediction), tv = arena.Put(target), dv = arena.Zeros(prediction.Length), lv = arena.Zeros(1);

        arena.Backend.Loss(kind, fromLogits, pv, tv, dv, lv, batch, features, GradScale);

        double[] p = TestData.ToDouble(prediction);
        double rowSum = LossReference.RowSum(kind, fromLogits, p, target, batch, features);
        TestData.Close([rowSum / batch], arena.Get(lv), Tolerance.Reduction, "loss");
        double[] gradient = TestData.NumericGradient(x => GradScale * LossReference.RowSum(kind, fromLogits, x, target, batch, features), p);
        TestData.Close(gradient, arena.Get(dv), Tolerance.Gradient, "dPrediction");
    }

    [Fact]
    public void Loss_EmptyGradientView_WritesOnlyTheLoss()
    {
        using var arena = new TestArena();
        Buf pv = arena.Put([0.2f, 0.9f]), tv = arena.Put([0f, 1f]), lv = arena.Zeros(1);

        arena.Backend.Loss(LossKind.BinaryCrossEntropy, false, pv, tv, default, lv, 2, 1, 1f);

        // -(log(0.8) + log(0.9)) / 2
        TestData.Close([-(Math.Log(0.8) + Math.Log(0.9)) / 2], arena.Get(lv), Tolerance.Elementwise, "loss");
    }

    [Fact]
    public void Loss_ProbabilitiesOutsideTheClip_HaveZeroGradientAndFiniteLoss()
    {
        using var arena = new TestArena();
        Buf pv = arena.Put([0f, 1f, 0.5f]), tv = arena.Put([1f, 0f, 1f]), dv = arena.Zeros(3), lv = arena.Zeros(1);

        arena.Backend.Loss(LossKind.BinaryCrossEntropy, false, pv, tv, dv, lv, 3, 1, 1f);

        // Row 0 is clipped up to float32(1e-7) = 1.0000000116860974e-7: -log of that, 16.118095639272223; row 1 down
        // to float32(1 - 1e-7) = 1 - 2^-23, so -log(1 - p) = -log(2^-23) = 23 log 2 = 15.942385152878742; row 2: -log(0.5).
        TestData.Close([(16.118095639272223 + 15.942385152878742 - Math.Log(0.5)) / 3], arena.Get(lv), Tolerance.Elementwise, "loss");
        float[] d = arena.Get(dv);
        Assert.Equal(0f, d[0]);
        Assert.Equal(0f, d[1]);
        Assert.Equal(-2f, d[2], 5);
    }

    /// <summary>
    /// Keras clips probabilities in float32: the upper bound is float32(1 - 1e-7) = 0.99999988079071045, so a predicted
    /// probability of exactly 1 on the right label loses -log(0.99999988079071045) = 1.1920929665620916e-7 (with the
    /// double bound 0.9999999 it would be 1.00000005e-7), and on the wrong label -log(2^-23) = 15.942385152878742.
    /// </summary>
    [Theory]
    [InlineData(LossKind.BinaryCrossEntropy, 1f, 1.1920929665620916e-7)]
    [InlineData(LossKind.BinaryCrossEntropy, 0f, 15.942385152878742)]
    [InlineData(LossKind.CategoricalCrossEntropy, 1f, 1.1920929665620916e-7)]
    [InlineData(LossKind.SparseCategoricalCrossEntropy, 0f, 1.1920929665620916e-7)]
    public void Loss_ProbabilityOne_ClipsToFloat32OneMinus1e7(LossKind kind, float target, double expected)
    {
        using var arena = new TestArena();
        Buf pv = arena.Put([1f]), tv = arena.Put([target]), dv = arena.Zeros(1), lv = arena.Zeros(1);

        arena.Backend.Loss(kind, false, pv, tv, dv, lv, 1, 1, 1f);

        Assert.Equal((float)expected, arena.Get(lv)[0]);
        Assert.Equal(0f, arena.Get(dv)[0]);
    }

    [Fact]
    public void Hinge_SignedTargets_AreUsedAsGiven()
    {
        using var arena = new TestArena();
        Buf pv = arena.Put([0.5f, -2f]), tv = arena.Put([-1f, 1f]), dv = arena.Zeros(2), lv = arena.Zeros(1);

        arena.Backend.Loss(LossKind.Hinge, false, pv, tv, dv, lv, 1, 2, 1f);

        // mean(max(1 + 0.5, 0), max(1 + 2, 0)) = 2.25; gradient -t / F = (0.5, -0.5).
        Assert.Equal(2.25f, arena.Get(lv)[0], 6);
        Assert.Equal([0.5f, -0.5f], arena.Get(dv));
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
