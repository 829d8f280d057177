using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Optimizer;

/// <summary>
/// Each rule on a view of 37 equal parameters (two vector bodies and a scalar tail) with g = 0.5 and
/// lr = 0.1, against values worked out by hand.
/// </summary>
public sealed class OptimizerTests
{
    private const int Count = 37;
    private const float Gradient = 0.5f;
    private const float LearningRate = 0.1f;

    /// <summary>Float rounding of a handful of operations on values near 1.</summary>
    private const double StepTolerance = 1e-6;

    public static TheoryData<int> AllWidths() => Widths.Data();

    public static IEnumerable<object[]> MomentumAtWidths() => Widths.Times([[false, 1.13], [true, 1.067]]);

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Sgd_Plain(int width)
    {
        using var arena = new TestArena();
        Buf p = arena.Put(Filled(1f)), g = arena.Put(Filled(Gradient));

        Widths.Run(width, () => arena.Backend.SgdStep(p, g, default, LearningRate, 0f, false));

        // p = 1 - 0.1 * 0.5 = 0.95
        AssertAll(arena.Get(p), 0.95);
    }

    // Plain: v = 0.9 * 0.2 - 0.1 * 0.5 = 0.13; p = 1 + 0.13. Nesterov: same v; p = 1 + 0.9 * 0.13 - 0.05 = 1.067.
    [Theory]
    [MemberData(nameof(MomentumAtWidths))]
    public void Sgd_Momentum(bool nesterov, double expectedParameter, int width)
    {
        using var arena = new TestArena();
        Buf p = arena.Put(Filled(1f)), g = arena.Put(Filled(Gradient)), v = arena.Put(Filled(0.2f));

        Widths.Run(width, () => arena.Backend.SgdStep(p, g, v, LearningRate, 0.9f, nesterov));

        AssertAll(arena.Get(v), 0.13);
        AssertAll(arena.Get(p), expectedParameter);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Adam_FirstTwoSteps(int width)
    {
        using var arena = new TestArena();
        Buf p = arena.Put(Filled(1f)), g = arena.Put(Filled(Gradient)), m = arena.Zeros(Count), v = arena.Zeros(Count);

        // Step 1: m = 0 + (0.5 - 0) * 0.1 = 0.05; v = 0 + (0.25 - 0) * 0.001 = 0.00025;
        // alpha = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) = 0.0316227766;
        // p = 1 - 0.0316227766 * 0.05 / (sqrt(0.00025) + 1e-7) = 1 - 0.0999993675 = 0.9000006325.
        Widths.Run(width, () => arena.Backend.AdamStep(p, g, m, v, LearningRate, 0.9f, 0.999f, 1e-7f, 1));
        AssertAll(arena.Get(m), 0.05);
        AssertAll(arena.Get(v), 0.00025);
        AssertAll(arena.Get(p), 0.9000006325);

        // Step 2: m = 0.05 + (0.5 - 0.05) * 0.1 = 0.095; v = 0.00025 + (0.25 - 0.00025) * 0.001 = 0.00049975;
        // alpha = 0.1 * sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.1 * 0.0447101778 / 0.19 = 0.0235316725;
        // p = 0.9000006325 - 0.0235316725 * 0.095 / (sqrt(0.00049975) + 1e-7) = 0.9000006325 - 0.0999995527 = 0.8000010798.
        Widths.Run(width, () => arena.Backend.AdamStep(p, g, m, v, LearningRate, 0.9f, 0.999f, 1e-7f, 2));
        AssertAll(arena.Get(m), 0.095);
        AssertAll(arena.Get(v), 0.00049975);
        AssertAll(arena.Get(p), 0.8000010798);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void RmsProp_OneStep(int width)
    {
        using var arena = new TestArena();
        Buf p = arena.Put(Filled(1f)), g = arena.Put(Filled(Gradient)), s = arena.Put(Filled(0.2f));

        Widths.Run(width, () => arena.Backend.RmsPropStep(p, g, s, LearningRate, 0.9f, 1e-7f));

        // s = 0.9 * 0.2 + 0.1 * 0.25 = 0.205; p = 1 - 0.1 * 0.5 / sqrt(0.205 + 1e-7) = 1 - 0.1104315 = 0.8895685.
        AssertAll(arena.Get(s), 0.205);
        AssertAll(arena.Get(p), 0.8895685009);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Adagrad_OneStep(int width)
    {
        using var arena = new TestArena();
        Buf p = arena.Put(Filled(1f)), g = arena.Put(Filled(Gradient)), a = arena.Put(Filled(0.1f));

        Widths.Run(width, () => arena.Backend.AdagradStep(p, g, a, LearningRate, 1e-7f));

        // a = 0.1 + 0.25 = 0.35; p = 1 - 0.1 * 0.5 / sqrt(0.35 + 1e-7) = 1 - 0.0845154 = 0.9154846.
        AssertAll(arena.Get(a), 0.35);
        AssertAll(arena.Get(p), 0.9154845866);
    }

    private static float[] Filled(float value) => Enumerable.Repeat(value, Count).ToArray();

    private static void AssertAll(float[] actual, double expected) =>
        TestData.Close(Enumerable.Repeat(expected, actual.Length).ToArray(), actual, StepTolerance);
}
