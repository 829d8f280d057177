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

        // Rows 0 and 1 are clipped to 1e-7 away from the wrong label: -log(1e-7) each; row 2: -log(0.5).
        TestData.Close([((2 * -Math.Log(1e-7)) - Math.Log(0.5)) / 3], arena.Get(lv), Tolerance.Elementwise, "loss");
        float[] d = arena.Get(dv);
        Assert.Equal(0f, d[0]);
        Assert.Equal(0f, d[1]);
        Assert.Equal(-2f, d[2], 5);
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
