using ModelGen.Data;
using ModelGen.Data.Text;

namespace ModelGen.Fuzzing;

/// <summary>
/// Valid files to mutate: preparations that use every step and option the file format has (each imputer strategy,
/// numeric and text fills, the scaler, the encoder over text and numbers, both unknown-category rules, verbose feature
/// names or not, a pipeline without steps), and tokenizers with and without num_words.
/// </summary>
internal static class DataFuzzSeeds
{
    /// <summary>A training table with numeric, text and missing values.</summary>
    public static Table Training() => new(
    [
        Column.Numeric("n", [1.5, double.NaN, -3, 7, 7, 0.25]),
        Column.Numeric("m", [1, 12, 12, double.NaN, 3, 1]),
        Column.Text("t", ["x", null, "y", "é", "x", "a,b"]),
        Column.Text("u", ["p", "q", "p", "p", null, "q"]),
    ]);

    /// <summary>Saved preparations, fitted on <see cref="Training"/>.</summary>
    public static IReadOnlyList<byte[]> Preparations()
    {
        ColumnTransformer[] preparations =
        [
            new((new Pipeline(new SimpleImputer(ImputeStrategy.Mean), new StandardScaler()), ["n"]),
                (new Pipeline(new SimpleImputer(ImputeStrategy.Constant, "NA"), new OneHotEncoder(HandleUnknown.Ignore)), ["t"])),
            new((new Pipeline(new SimpleImputer(ImputeStrategy.Median), new StandardScaler()), ["n", "m"]),
                (new Pipeline(new SimpleImputer(ImputeStrategy.MostFrequent), new OneHotEncoder(HandleUnknown.Error)), ["t", "u"]))
            { VerboseFeatureNamesOut = false },
            new((new Pipeline(new SimpleImputer(ImputeStrategy.Constant, 0.5)), ["n"]),
                (new Pipeline(new OneHotEncoder()), ["m", "u"]),
                (new Pipeline(), ["m"])),
            new((new Pipeline(new SimpleImputer(ImputeStrategy.Constant, "missing"), new OneHotEncoder(HandleUnknown.Ignore)), ["t", "u"])),
        ];
        var saved = new List<byte[]>();
        foreach (ColumnTransformer preparation in preparations)
        {
            preparation.Fit(Training());
            using var stream = new MemoryStream();
            preparation.Save(stream);
            saved.Add(stream.ToArray());
        }

        return saved;
    }

    /// <summary>Saved tokenizers.</summary>
    public static IReadOnlyList<byte[]> Tokenizers()
    {
        string[] texts = ["The cat sat on the mat.", "The dog ate; the cat ran!", "Ça, c'est «ça»", "tab\tand\nnewline"];
        Tokenizer[] tokenizers = [new Tokenizer().Fit(texts), new Tokenizer(numWords: 5, outOfVocabularyToken: "?unk?", filters: ".!?;", lower: false).Fit(texts)];
        var saved = new List<byte[]>();
        foreach (Tokenizer tokenizer in tokenizers)
        {
            using var stream = new MemoryStream();
            tokenizer.Save(stream);
            saved.Add(stream.ToArray());
        }

        return saved;
    }
}
