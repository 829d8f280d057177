using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>The CPU device whose back end is wrapped in a <see cref="ProfilingBackend"/>.</summary>
internal sealed class ProfilingDevice(int threads) : Device
{
    public ProfilingBackend? Backend { get; private set; }

    public override string Name => $"profiled CPU ({threads} threads)";

    public override IBackend CreateBackend(int length) => Backend = new ProfilingBackend(Cpu(threads).CreateBackend(length));
}
