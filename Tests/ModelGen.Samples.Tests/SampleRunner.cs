using System.Reflection;

namespace ModelGen.Samples.Tests;

/// <summary>Runs a sample's Main (its top-level statements) in this process, as `dotnet run -- args` would.</summary>
internal static class SampleRunner
{
    public static int Run(Assembly sample, params string[] args)
    {
        MethodInfo main = sample.EntryPoint ?? throw new InvalidOperationException($"{sample.GetName().Name} has no entry point.");
        return (int)main.Invoke(null, [args])!;
    }
}
