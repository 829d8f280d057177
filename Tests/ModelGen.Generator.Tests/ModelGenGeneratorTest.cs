using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The generator under Microsoft.CodeAnalysis.Testing: the model source is compiled against the .NET 10 reference
/// assemblies and the built runtime and kernels, so any compiler diagnostic the test does not expect fails it.
/// </summary>
internal sealed class ModelGenGeneratorTest : CSharpSourceGeneratorTest<ModelGenGenerator, DefaultVerifier>
{
    /// <summary>The file name the model source is given, as the diagnostics' locations report it.</summary>
    public const string SourceFile = "Model.cs";

    public ModelGenGeneratorTest(string source)
    {
        // A bare target framework: the reference packs cannot be downloaded here, so the references come from Basic.Reference.Assemblies.
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        TestState.AdditionalReferences.AddRange(GeneratorHarness.ModelGenReferences);
        TestState.Sources.Add((SourceFile, source));

        // Warnings and suggestions too, not only errors: generated code must compile without a single one.
        CompilerDiagnostics = CompilerDiagnostics.All;
    }

    protected override ParseOptions CreateParseOptions() => GeneratorHarness.ParseOptions;

    protected override CompilationOptions CreateCompilationOptions() =>
        ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
}
