namespace ModelGen.Kernels.Tests.Backend;

public sealed class ValidationTests
{
    [Fact]
    public void ViewPastTheArenaEnd_Throws()
    {
        using var backend = new Cpu.CpuBackend(100, 1);

        var error = Assert.Throws<ArgumentException>(() => backend.Fill(new Buf(90, 11), 1f));
        Assert.Contains("100", error.Message);
    }

    [Fact]
    public void NegativeOffset_Throws()
    {
        using var backend = new Cpu.CpuBackend(100, 1);

        Assert.Throws<ArgumentException>(() => backend.Fill(new Buf(-1, 4), 1f));
    }

    [Fact]
    public void GemmViewTooSmall_NamesExpectedAndActualLengths()
    {
        using var backend = new Cpu.CpuBackend(1000, 1);

        var error = Assert.Throws<ArgumentException>(() =>
            backend.Gemm(false, false, 10, 10, 10, 1f, new Buf(0, 100), new Buf(100, 99), 0f, new Buf(200, 100)));
        Assert.Contains("100", error.Message);
        Assert.Contains("99", error.Message);
    }

    [Fact]
    public void UploadLengthMismatch_Throws()
    {
        using var backend = new Cpu.CpuBackend(100, 1);

        Assert.Throws<ArgumentException>(() => backend.Upload(new float[5], new Buf(0, 4)));
    }

    [Fact]
    public void NewArena_IsZeroed_AndCopyMovesValues()
    {
        using var arena = new TestArena(64);
        Buf source = arena.Put([1f, 2f, 3f]), destination = arena.Zeros(3), untouched = arena.Zeros(4);

        arena.Backend.Copy(source, destination);
        arena.Backend.Fill(untouched.Slice(1, 2), 7f);

        Assert.Equal([1f, 2f, 3f], arena.Get(destination));
        Assert.Equal([0f, 7f, 7f, 0f], arena.Get(untouched));
    }

    [Fact]
    public void DisposedBackend_Throws()
    {
        var backend = new Cpu.CpuBackend(16, 2);
        backend.Dispose();

        Assert.Throws<ObjectDisposedException>(() => backend.Fill(new Buf(0, 4), 1f));
    }
}
