using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelGen.Generator.Tests;

/// <summary>Runs the generator directly (no Testing framework) over source text compiled against the .NET 10 reference assemblies and the built runtime.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    /// <summary>The built runtime (the attributes and CompiledModel) and kernels (IBackend, Buf) that generated code uses.</summary>
    public static readonly MetadataReference[] ModelGenReferences =
    [
        MetadataReference.CreateFromFile(typeof(CompiledModel).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Kernels.IBackend).Assembly.Location),
    ];

    public static CSharpCompilation Compilation(string source)
    {
        var trees = new List<SyntaxTree>
        {
            CSharpSyntaxTree.ParseText(source, ParseOptions, path: ModelGenGeneratorTest.SourceFile),

            // The usings the SDK's implicit usings add to every project.
            CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using System.Linq;", ParseOptions, path: "Usings.cs"),
        };
        return CSharpCompilation.Create(
            "TestModels",
            trees,
            Basic.Reference.Assemblies.Net100.References.All.Concat(ModelGenReferences),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorDriver Driver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new ModelGenGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once; returns its result and the compilation with the generated files added.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(string source)
    {
        var compilation = Compilation(source);
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return (result, output);
    }

    public static ImmutableArray<Diagnostic> Diagnostics(string source) => Run(source).Result.Diagnostics;

    public static string GeneratedText(string source)
    {
        var result = Run(source).Result;
        Assert.Empty(result.Diagnostics);
        return Assert.Single(result.GeneratedSources).SourceText.ToString();
    }
}
