namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>The tests that share <see cref="CpuAcceleratorFixture"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class CpuAcceleratorCollection : ICollectionFixture<CpuAcceleratorFixture>
{
    public const string Name = "ILGPU CPU accelerator";
}
