namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// IBackend.Regularize (Keras' L1 and L2 weight regularisers) on ILGPU's CPU accelerator against the CPU SIMD back end:
/// the gradient bitwise, the loss within the reduction tolerance (the double sums are added in another order), by hand,
/// with the loss alone, with zeros of both signs, and the CPU back end's refusals.
/// </summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class RegularizationOnGpuTests(CpuAcceleratorFixture fixture)
{
    /// <summary>Penalties summed in double in two orders, each rounded once to float: at most an ulp or two apart.</summary>
    private const double LossTolerance = 1e-6;

    // w = (0.5, -2, 0, 3), g = 0.1 each, l1 = 0.1, l2 = 0.01: g = (0.21, -0.04, 0.1, 0.26), loss = 1 + 0.55 + 0.1325.
    [Fact]
    public void BothFactors_ByHand()
    {
        foreach (IBackend backend in new[] { fixture.Gpu, fixture.Cpu })
        {
            backend.Upload([0.5f, -2f, 0f, 3f, 0.1f, 0.1f, 0.1f, 0.1f, 1f], new Buf(0, 9));
            backend.Regularize(new Buf(0, 4), new Buf(4, 4), new Buf(8, 1), 0.1f, 0.01f);
            var host = new float[9];
            backend.Download(new Buf(0, 9), host);
            double[] expected = [0.21, -0.04, 0.1, 0.26, 1.6825];
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], host[4 + i], 1e-6);
            }
        }
    }

    [Theory]
    [InlineData(1, 0.01f, 0f)]
    [InlineData(37, 0f, 0.02f)]
    [InlineData(300, 0.03f, 0.005f)]
    [InlineData(1000, 0.03f, 0.005f)]
    public void MatchesCpuBackend(int n, float l1, float l2)
    {
        var random = new Random(42);
        float[] data = new float[(2 * n) + 2];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (random.NextSingle() * 4f) - 2f;
        }

        Buf w = new(0, n), g = new(n, n), loss = new(2 * n, 1), lossOnly = new((2 * n) + 1, 1);
        float[] Run(IBackend backend)
        {
            backend.Upload(data, new Buf(0, data.Length));
            backend.Regularize(w, g, loss, l1, l2);
            backend.Regularize(w, default, lossOnly, l1, l2);
            var host = new float[data.Length];
            backend.Download(new Buf(0, data.Length), host);
            return host;
        }

        float[] gpu = Run(fixture.Gpu), cpu = Run(fixture.Cpu);
        Assert.Equal(cpu[n..(2 * n)], gpu[n..(2 * n)]);
        Assert.Equal(cpu[..n], gpu[..n]);
        Assert.Equal(cpu[2 * n], gpu[2 * n], LossTolerance * Math.Abs(cpu[2 * n]));
        Assert.Equal(cpu[(2 * n) + 1], gpu[(2 * n) + 1], LossTolerance * Math.Abs(cpu[(2 * n) + 1]));
    }

    [Fact]
    public void SignAtZeroIsZero()
    {
        foreach (IBackend backend in new[] { fixture.Gpu, fixture.Cpu })
        {
            backend.Upload([0f, -0f, 2f, 0.5f, 0.5f, 0.5f, 0f], new Buf(0, 7));
            backend.Regularize(new Buf(0, 3), new Buf(3, 3), new Buf(6, 1), 0.25f, 0f);
            var host = new float[7];
            backend.Download(new Buf(0, 7), host);
            Assert.Equal([0.5f, 0.5f, 0.75f, 0.5f], host[3..]);
        }
    }

    [Fact]
    public void RefusesWhatTheCpuBackendRefuses()
    {
        foreach (IBackend backend in new[] { fixture.Gpu, fixture.Cpu })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => backend.Regularize(new Buf(0, 3), new Buf(3, 3), new Buf(6, 1), -1f, 0f));
            Assert.Throws<ArgumentOutOfRangeException>(() => backend.Regularize(new Buf(0, 3), new Buf(3, 3), new Buf(6, 1), 0f, float.NaN));
            Assert.Throws<ArgumentException>(() => backend.Regularize(new Buf(0, 3), new Buf(3, 2), new Buf(6, 1), 0.1f, 0f));
            Assert.Throws<ArgumentException>(() => backend.Regularize(new Buf(0, 3), default, new Buf(6, 0), 0.1f, 0f));
        }
    }
}
