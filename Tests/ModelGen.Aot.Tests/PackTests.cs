using System.IO.Compression;
using System.Xml.Linq;

namespace ModelGen.Aot.Tests;

/// <summary>
/// <c>dotnet pack</c> gives two packages: ModelGen (runtime and kernels in lib/, the generator as an analyzer) and
/// ModelGen.Data (CSV tables and the scikit-learn-like preparation), each with its own description.
/// </summary>
public sealed class PackTests
{
    [Fact]
    [Trait("Category", "Aot")]
    public void Runtime_PacksIntoOnePackage_WithTheGeneratorAsAnalyzer()
    {
        string outDir = NewFolder();
        try
        {
            using var zip = Pack(Path.Combine("Runtime", "ModelGen.csproj"), "ModelGen.0.1.0.nupkg", outDir);
            string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("lib/net10.0/ModelGen.dll", entries);
            Assert.Contains("lib/net10.0/ModelGen.Kernels.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/ModelGen.Generator.dll", entries);

            // The kernels are inside, so the only dependency left is System.Numerics.Tensors.
            Assert.Equal(new[] { "System.Numerics.Tensors" }, Dependencies(Nuspec(zip)));
        }
        finally
        {
            Delete(outDir);
        }
    }

    [Fact]
    [Trait("Category", "Aot")]
    public void Data_PacksIntoASecondPackage_DescribedAndDependingOnlyOnSep()
    {
        string outDir = NewFolder();
        try
        {
            using var zip = Pack(Path.Combine("Data", "ModelGen.Data.csproj"), "ModelGen.Data.0.1.0.nupkg", outDir);
            string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("lib/net10.0/ModelGen.Data.dll", entries);
            Assert.Contains("lib/net10.0/ModelGen.Data.xml", entries);

            // Not the SDK's placeholder: the description says what the package is.
            XDocument nuspec = Nuspec(zip);
            string description = nuspec.Descendants().Single(e => e.Name.LocalName == "description").Value;
            Assert.NotEqual("Package Description", description);
            Assert.Contains("CSV", description, StringComparison.Ordinal);

            // The preparation stands alone: the CSV reader is its only dependency, not the ModelGen package.
            Assert.Equal(new[] { "Sep" }, Dependencies(nuspec));
        }
        finally
        {
            Delete(outDir);
        }
    }

    private static string NewFolder() => NativePublish.NewFolder("modelgen-pack-");

    private static void Delete(string folder) => NativePublish.Delete(folder);

    /// <summary>Packs <paramref name="project"/> into <paramref name="outDir"/>, checks it gave exactly <paramref name="package"/>, and opens it.</summary>
    private static ZipArchive Pack(string project, string package, string outDir)
    {
        string root = ProcessRunner.RepositoryRoot();
        var pack = ProcessRunner.Run("dotnet", $"pack \"{Path.Combine(root, project)}\" -c Release -o \"{outDir}\" -nologo", root, TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, $"dotnet pack {project} failed ({pack.ExitCode}):\n{pack.Output}");
        string[] packages = Directory.GetFiles(outDir, "*.nupkg");
        Assert.Equal(new[] { package }, packages.Select(p => Path.GetFileName(p)).ToArray());
        return ZipFile.OpenRead(packages[0]);
    }

    private static XDocument Nuspec(ZipArchive zip)
    {
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    private static string[] Dependencies(XDocument nuspec) =>
        nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).Distinct().ToArray();
}
