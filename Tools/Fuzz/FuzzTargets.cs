namespace ModelGen.Tools.Fuzz;

/// <summary>
/// The loaders <c>--target</c> can name. To add one: a file with a class implementing <see cref="IFuzzTarget"/>
/// (WeightsTarget.cs is the example) and its line below: the name, then how to make a fresh instance.
/// </summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Func<IFuzzTarget>> All = new SortedDictionary<string, Func<IFuzzTarget>>(StringComparer.Ordinal)
    {
        ["csv"] = () => new CsvTarget(),
        ["preparation"] = () => new PreparationTarget(),
        ["tokenizer"] = () => new TokenizerTarget(),
        ["weights"] = () => new WeightsTarget(),
    };
}
