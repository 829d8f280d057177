using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelGen.Generator.Tests;

/// <summary>Runs the generator over source text in an in-memory compilation against the .NET 10 reference assemblies.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    /// <summary>The attribute declarations of the runtime, compiled from their sources (embedded in this assembly).</summary>
    public static IEnumerable<SyntaxTree> AttributeTrees()
    {
        var assembly = typeof(GeneratorHarness).Assembly;
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Runtime.Attributes", StringComparison.Ordinal)).Order())
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            yield return CSharpSyntaxTree.ParseText(reader.ReadToEnd(), ParseOptions, path: name);
        }
    }

    public static CSharpCompilation Compilation(string source, IEnumerable<MetadataReference>? extraReferences = null, bool withAttributeSources = true)
    {
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Model.cs") };
        if (withAttributeSources)
        {
            trees.AddRange(AttributeTrees());
        }

        // The usings the SDK's implicit usings add to every project.
        trees.Add(CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using System.Linq;", ParseOptions, path: "Usings.cs"));
        return CSharpCompilation.Create(
            "TestModels",
            trees,
            Basic.Reference.Assemblies.Net100.References.All.Concat(extraReferences ?? []),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorDriver Driver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new ModelGenGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once; returns its result and the compilation with the generated files added.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(string source, IEnumerable<MetadataReference>? extraReferences = null, bool withAttributeSources = true)
    {
        var compilation = Compilation(source, extraReferences, withAttributeSources);
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
