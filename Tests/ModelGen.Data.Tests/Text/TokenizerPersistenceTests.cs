using System.Text;
using ModelGen.Data.Text;

namespace ModelGen.Data.Tests.Text;

/// <summary>Saving and loading a fitted tokenizer; a damaged file is refused whole.</summary>
public sealed class TokenizerPersistenceTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("modelgen-text-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static string Saved(Tokenizer tokenizer)
    {
        using var stream = new MemoryStream();
        tokenizer.Save(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static Tokenizer LoadText(string json) => Tokenizer.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void SaveLoad_GivesTheSameSettingsCountsAndIds()
    {
        var original = new Tokenizer(numWords: 6, outOfVocabularyToken: "[UNK]", filters: ".!?", split: " ").Fit([.. TokenizerTests.Training, "Ça, c'est «ça»"]);
        var path = Path.Combine(directory, "model.tokenizer.json");

        original.Save(path);
        var loaded = Tokenizer.Load(path);

        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(6, loaded.NumWords);
        Assert.Equal("[UNK]", loaded.OutOfVocabularyToken);
        Assert.Equal(".!?", loaded.Filters);
        Assert.Equal(original.DocumentCount, loaded.DocumentCount);
        Assert.Equal(original.RankedWords, loaded.RankedWords);
        Assert.Equal(original.RankedWords.Select(original.Count), loaded.RankedWords.Select(loaded.Count));
        string[] texts = ["the cat, the dog", "ça c'est le chat", ""];
        Assert.Equal(original.TextsToSequences(texts), loaded.TextsToSequences(texts));
    }

    [Fact]
    public void SaveLoad_WithoutNumWords()
    {
        var loaded = LoadText(Saved(new Tokenizer().Fit(TokenizerTests.Training)));

        Assert.Null(loaded.NumWords);
        Assert.Equal(10, loaded.VocabularySize);
        Assert.Equal(9, loaded.Id("ate"));
    }

    [Fact]
    public void PathBesideWeights_SitsNextToTheWeights()
    {
        Assert.Equal(Path.Combine("out", "model.tokenizer.json"), Tokenizer.PathBesideWeights(Path.Combine("out", "model.safetensors")));
    }

    [Theory]
    [InlineData("\"version\": 1", "\"version\": 2", "version 2 is not supported")]
    [InlineData("\"format\": \"ModelGen.Tokenizer\"", "\"format\": \"Other\"", "format 'Other'")]
    [InlineData("\"counts\"", "\"countz\"", "missing field 'counts'")]
    [InlineData("\"the\",", "\"dog\",", "'dog' appears twice")]
    [InlineData("\"the\",", "\"the cat\",", "'the cat' is not a single word")]
    [InlineData("\"the\",", "\"The\",", "'The' is not a single word")]
    [InlineData("\"numWords\": null", "\"numWords\": 1", "the settings are invalid")]
    [InlineData("\"documentCount\": 3", "\"documentCount\": 0", "at least one text")]
    [InlineData("\"counts\": [\n    4,", "\"counts\": [\n    2,", "count 3 is not a whole number from 1 to the previous word's count (2)")]
    [InlineData("\"counts\": [\n    4,", "\"counts\": [\n    4,\n    1,", "expected 8 counts")]
    public void Load_RefusesADamagedFile(string find, string replace, string expected)
    {
        var json = Saved(new Tokenizer().Fit(TokenizerTests.Training));
        Assert.Contains(find, json, StringComparison.Ordinal);

        var e = Assert.Throws<InvalidDataException>(() => LoadText(json.Replace(find, replace, StringComparison.Ordinal)));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesSomethingElse()
    {
        Assert.Throws<InvalidDataException>(() => LoadText("[1, 2]"));
        Assert.Throws<InvalidDataException>(() => LoadText("{\"format\": \"ModelGen.Tokenizer\""));
    }
}
