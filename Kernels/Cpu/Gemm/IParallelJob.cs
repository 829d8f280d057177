namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>Work split into parts that run concurrently on the worker pool.</summary>
internal interface IParallelJob
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    void Execute(int part, int parts);
}
