using ModelGen.Kernels.Gpu.Parity;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// The attention parity cases with a scalar double-precision reference (<see cref="AttentionReference"/>) in place of the
/// CPU back end, so the GPU kernels are checked on their own (tiled and direct batched GEMM both; the direct one against
/// the CPU back end too); the formula of Phi behind GELU against the reference's, and the contract's edge cases read back
/// directly.
/// </summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class AttentionReferenceTests(CpuAcceleratorFixture fixture)
{
    /// <summary>Phi's largest absolute error against double precision (the erf approximation's 1e-7 plus float rounding).</summary>
    private const double PhiTolerance = 3e-7;

    private static readonly string[] Operations =
    [
        "LayerNormForward", "LayerNormBackward", "BatchedGemm", "AttentionSoftmax", "AttentionSoftmaxBackward", "Gelu", "GeluBackward",
        "Axpby", "Multiply", "SwapAxes", "CopyRows", "MeanAxis", "MeanAxisBackward",
    ];

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (ParityCase parityCase in ParitySuite.Cases.Where(c => Operations.Contains(c.Name.Split(' ')[0])))
        {
            data.Add(parityCase.Name);
        }

        return data;
    }

    public static TheoryData<string> BatchedGemmCaseNames()
    {
        var data = new TheoryData<string>();
        foreach (ParityCase parityCase in ParitySuite.Cases.Where(c => c.Name.StartsWith("BatchedGemm ", StringComparison.Ordinal)))
        {
            data.Add(parityCase.Name);
        }

        return data;
    }

    [Fact]
    public void EveryAttentionOperationHasCases()
    {
        foreach (string operation in Operations)
        {
            Assert.Contains(ParitySuite.Cases, c => c.Name.Split(' ')[0] == operation);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void OperationMatchesScalarReference(string name)
    {
        ParityResult result = ParitySuite.Run(ParitySuite.Case(name), fixture.Gpu, new AttentionReference(fixture.Cpu));

        Assert.True(result.Passed, $"{name}: error {result.MaxError:G3} > {result.Tolerance:G3} at {result.Detail}");
    }

    [Theory]
    [MemberData(nameof(BatchedGemmCaseNames))]
    public void DirectBatchedGemmMatchesScalarReference(string name)
    {
        Assert.DoesNotContain("tiled", fixture.DirectGemm.Name, StringComparison.Ordinal);
        ParityResult result = ParitySuite.Run(ParitySuite.Case(name), fixture.DirectGemm, new AttentionReference(fixture.Cpu));

        Assert.True(result.Passed, $"{name}: error {result.MaxError:G3} > {result.Tolerance:G3} at {result.Detail}");
    }

    /// <summary>The direct batched GEMM (the CPU accelerator's default) against the CPU back end; ParityTests runs the tiled one.</summary>
    [Theory]
    [MemberData(nameof(BatchedGemmCaseNames))]
    public void DirectBatchedGemmMatchesCpuBackend(string name)
    {
        ParityResult result = ParitySuite.Run(ParitySuite.Case(name), fixture.DirectGemm, fixture.Cpu);

        Assert.True(result.Passed, $"{name}: error {result.MaxError:G3} > {result.Tolerance:G3} at {result.Detail}");
    }

    /// <summary>Every branch of the float Phi (|x| / sqrt 2 below 1, on [1, 2), from 2 on, both signs) within the erf approximation's error.</summary>
    [Fact]
    public void PhiIsWithinItsErrorBound()
    {
        double worst = 0;
        for (int i = -16_000; i <= 16_000; i++)
        {
            float x = i / 1000f;
            double error = Math.Abs(ElementwiseGpu.Phi(x, out float gauss) - AttentionReference.Phi(x));
            worst = Math.Max(worst, error);
            Assert.Equal(Math.Exp(-0.5 * x * x), gauss, 1e-6);
        }

        Assert.True(worst < PhiTolerance, $"Phi is off by {worst:G3}");
        Assert.Equal(0f, ElementwiseGpu.Phi(float.NegativeInfinity, out _));
        Assert.Equal(1f, ElementwiseGpu.Phi(float.PositiveInfinity, out _));
        Assert.True(float.IsNaN(ElementwiseGpu.Phi(float.NaN, out _)));
    }

    /// <summary>A sample whose keys are all masked gets uniform rows; the others give masked keys 0 and sum to 1.</summary>
    [Fact]
    public void FullyMaskedRowIsUniform()
    {
        IBackend k = fixture.Gpu;
        float[] scores = [.. Enumerable.Range(0, 2 * 3 * 4).Select(i => MathF.Sin(i) * 5f)];
        k.Upload(scores, new Buf(0, 24));
        k.Upload([1f, 0f, 1f, 1f, 0f, 0f, 0f, 0f], new Buf(30, 8));
        k.AttentionSoftmax(new Buf(0, 24), new Buf(30, 8), new Buf(40, 24), 2, 1, 3, 4, 0.5f);
        var p = new float[24];
        k.Download(new Buf(40, 24), p);

        for (int row = 0; row < 3; row++)
        {
            Assert.Equal(0f, p[(row * 4) + 1]);
            Assert.Equal(1f, p[(row * 4)..((row * 4) + 4)].Sum(), 1e-6f);
            Assert.All(p[(12 + (row * 4))..(16 + (row * 4))], v => Assert.Equal(0.25f, v));
        }
    }

    /// <summary>With beta = 0 a NaN in C is ignored on both batched GEMM kernels.</summary>
    [Fact]
    public void BatchedGemmBetaZeroIgnoresNaN()
    {
        foreach (IBackend k in new[] { fixture.Gpu, fixture.DirectGemm })
        {
            k.Upload([1f, 2f, 3f, 4f], new Buf(0, 4));
            k.Upload([1f, 0f, 0f, 1f], new Buf(4, 4));
            k.Upload([float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN], new Buf(8, 8));
            k.BatchedGemm(false, false, 2, 2, 2, 1, 1f, new Buf(0, 4), 2, new Buf(4, 4), 0, 0f, new Buf(8, 8), 4);
            var c = new float[8];
            k.Download(new Buf(8, 8), c);

            Assert.Equal([1f, 0f, 2f, 0f, 3f, 0f, 4f, 0f], c);
        }
    }
}
