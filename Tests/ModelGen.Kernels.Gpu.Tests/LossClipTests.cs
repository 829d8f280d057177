namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// The ILGPU back end clips probabilities as the CPU back end and Keras do, in float32: a probability of exactly 1
/// is clipped to float32(1 - 1e-7) = 0.99999988079071045 (not 0.9999999).
/// </summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class LossClipTests(CpuAcceleratorFixture fixture)
{
    [Theory]
    [InlineData(LossKind.BinaryCrossEntropy, 1f, 1.1920929665620916e-7)]
    [InlineData(LossKind.BinaryCrossEntropy, 0f, 15.942385152878742)]
    [InlineData(LossKind.CategoricalCrossEntropy, 1f, 1.1920929665620916e-7)]
    [InlineData(LossKind.SparseCategoricalCrossEntropy, 0f, 1.1920929665620916e-7)]
    public void ProbabilityOne_ClipsToFloat32OneMinus1e7(LossKind kind, float target, double expected)
    {
        foreach (IBackend backend in new IBackend[] { fixture.Cpu, fixture.Gpu })
        {
            backend.Upload([1f, target, 5f, 0f], new Buf(0, 4));
            backend.Loss(kind, false, new Buf(0, 1), new Buf(1, 1), new Buf(2, 1), new Buf(3, 1), 1, 1, 1f);
            var host = new float[4];
            backend.Download(new Buf(0, 4), host);
            Assert.Equal((float)expected, host[3]);
            Assert.Equal(0f, host[2]);
        }
    }
}
