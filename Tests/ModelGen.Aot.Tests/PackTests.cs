using System.IO.Compression;
using System.Xml.Linq;

namespace ModelGen.Aot.Tests;

/// <summary><c>dotnet pack</c> of the runtime gives one package: runtime and kernels in lib/, the generator as an analyzer.</summary>
public sealed class PackTests
{
    [Fact]
    [Trait("Category", "Aot")]
    public void Runtime_PacksIntoOnePackage_WithTheGeneratorAsAnalyzer()
    {
        string root = ProcessRunner.RepositoryRoot();
        string outDir = Path.Combine(Path.GetTempPath(), "modelgen-pack-" + Guid.NewGuid().ToString("N"));
        try
        {
            var pack = ProcessRunner.Run("dotnet", $"pack \"{Path.Combine(root, "Runtime", "ModelGen.csproj")}\" -c Release -o \"{outDir}\" -nologo", root, TimeSpan.FromMinutes(5));
            Assert.True(pack.ExitCode == 0, $"dotnet pack failed ({pack.ExitCode}):\n{pack.Output}");
            string[] packages = Directory.GetFiles(outDir, "*.nupkg");
            Assert.Equal(new[] { "ModelGen.0.1.0.nupkg" }, packages.Select(p => Path.GetFileName(p)).ToArray());

            using var zip = ZipFile.OpenRead(packages[0]);
            string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("lib/net10.0/ModelGen.dll", entries);
            Assert.Contains("lib/net10.0/ModelGen.Kernels.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/ModelGen.Generator.dll", entries);

            // The kernels are inside, so the only dependency left is System.Numerics.Tensors.
            var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            using var stream = nuspec.Open();
            string[] dependencies = XDocument.Load(stream).Descendants().Where(e => e.Name.LocalName == "dependency")
                .Select(e => (string)e.Attribute("id")!).Distinct().ToArray();
            Assert.Equal(new[] { "System.Numerics.Tensors" }, dependencies);
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }
}
