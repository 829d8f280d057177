using ModelGen.Kernels.Cpu;

namespace ModelGen.Kernels.Tests;

/// <summary>A CPU back end plus a bump allocator of views, so tests place their buffers like generated code does.</summary>
internal sealed class TestArena : IDisposable
{
    private int _next;

    public TestArena(int length = 1 << 21, int threads = 1)
    {
        Backend = new CpuBackend(length, threads);
    }

    public CpuBackend Backend { get; }

    /// <summary>A view holding a copy of <paramref name="data"/>.</summary>
    public Buf Put(float[] data)
    {
        Buf view = Zeros(data.Length);
        Backend.Upload(data, view);
        return view;
    }

    /// <summary>A fresh view of zeros.</summary>
    public Buf Zeros(int length)
    {
        var view = new Buf(_next, length);
        _next += length;
        return view;
    }

    public float[] Get(Buf view)
    {
        var host = new float[view.Length];
        Backend.Download(view, host);
        return host;
    }

    public void Dispose() => Backend.Dispose();
}
