using ModelGen.Kernels.Gpu.Parity;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>Every IBackend operation and variant on ILGPU's CPU accelerator against the CPU SIMD back end (tolerances in <see cref="ParitySuite"/>).</summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class ParityTests(CpuAcceleratorFixture fixture)
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (ParityCase parityCase in ParitySuite.Cases)
        {
            data.Add(parityCase.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void OperationMatchesCpuBackend(string name)
    {
        Assert.Contains("tiled GEMM", fixture.Gpu.Name, StringComparison.Ordinal);
        ParityResult result = ParitySuite.Run(ParitySuite.Case(name), fixture.Gpu, fixture.Cpu);

        Assert.True(result.Passed, $"{name}: error {result.MaxError:G3} > {result.Tolerance:G3} at {result.Detail}");
    }

    public static TheoryData<string> GemmCaseNames()
    {
        var data = new TheoryData<string>();
        foreach (ParityCase parityCase in ParitySuite.Cases.Where(c => c.Name.StartsWith("Gemm ", StringComparison.Ordinal)))
        {
            data.Add(parityCase.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GemmCaseNames))]
    public void DirectGemmMatchesCpuBackend(string name)
    {
        Assert.DoesNotContain("tiled", fixture.DirectGemm.Name, StringComparison.Ordinal);
        ParityResult result = ParitySuite.Run(ParitySuite.Case(name), fixture.DirectGemm, fixture.Cpu);

        Assert.True(result.Passed, $"{name}: error {result.MaxError:G3} > {result.Tolerance:G3} at {result.Detail}");
    }

    [Fact]
    public void SuiteCoversEveryBackendOperation()
    {
        string[] operations = [.. typeof(IBackend).GetMethods().Select(m => m.Name).Where(n => n is not ("Upload" or "Download" or "TryGetHostSpan" or "Dispose" or "get_Name" or "get_Length"))];
        string[] missing = [.. operations.Where(op => !ParitySuite.Cases.Any(c => c.Name.Split(' ', ',').Contains(op)))];

        Assert.Empty(missing);
        Assert.Equal(ParitySuite.Cases.Count, ParitySuite.Cases.Select(c => c.Name).Distinct().Count());
    }
}
