namespace ModelGen.Kernels.Tests.Loss;

public sealed class MetricTests
{
    [Fact]
    public void BinaryAccuracy_AccumulatesFractionPerRow()
    {
        using var arena = new TestArena();
        Buf y = arena.Put([0.9f, 0.2f, 0.7f, 0.4f]), t = arena.Put([1f, 0f, 0f, 0f]), r = arena.Put([1f]);

        arena.Backend.Metric(MetricKind.BinaryAccuracy, y, t, r, 2, 2);

        // Row 0: both right (1); row 1: one of two (0.5); plus the 1 already there.
        Assert.Equal(2.5f, arena.Get(r)[0]);
    }

    [Fact]
    public void CategoricalAccuracy_FirstArgMaxWinsTies()
    {
        using var arena = new TestArena();
        Buf y = arena.Put([0.4f, 0.4f, 0.2f, 0.1f, 0.2f, 0.7f]), t = arena.Put([1f, 0f, 0f, 0f, 1f, 0f]), r = arena.Zeros(1);

        arena.Backend.Metric(MetricKind.CategoricalAccuracy, y, t, r, 2, 3);

        Assert.Equal(1f, arena.Get(r)[0]);
    }

    [Fact]
    public void SparseCategoricalAccuracy_ComparesClassIndex()
    {
        using var arena = new TestArena();
        Buf y = arena.Put([0.1f, 0.8f, 0.1f, 0.6f, 0.3f, 0.1f, 0.2f, 0.2f, 0.6f]), t = arena.Put([1f, 2f, 2f]), r = arena.Zeros(1);

        arena.Backend.Metric(MetricKind.SparseCategoricalAccuracy, y, t, r, 3, 3);

        Assert.Equal(2f, arena.Get(r)[0]);
    }

    [Fact]
    public void MeanAbsoluteError_MeanOverFeaturesSummedOverRows()
    {
        using var arena = new TestArena();
        Buf y = arena.Put([1f, 2f, 3f, 4f]), t = arena.Put([0f, 4f, 3f, 3f]), r = arena.Zeros(1);

        arena.Backend.Metric(MetricKind.MeanAbsoluteError, y, t, r, 2, 2);

        // (1 + 2) / 2 + (0 + 1) / 2 = 2
        Assert.Equal(2f, arena.Get(r)[0]);
    }

    [Fact]
    public void SparseTarget_OutOfRange_Throws()
    {
        using var arena = new TestArena();
        Buf y = arena.Put([0.5f, 0.5f]), t = arena.Put([2f]), r = arena.Zeros(1);

        Assert.Throws<ArgumentException>(() => arena.Backend.Metric(MetricKind.SparseCategoricalAccuracy, y, t, r, 1, 2));
    }
}
