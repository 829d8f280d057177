using System.Text.Json;

namespace ModelGen.Data.Text;

public sealed partial class Tokenizer
{
    /// <summary>The "format" value of a tokenizer file.</summary>
    public const string FileFormat = "ModelGen.Tokenizer";

    /// <summary>The version of the tokenizer file this library writes and reads.</summary>
    public const int FileVersion = 1;

    /// <summary>Where the tokenizer of a model whose weights are at <paramref name="weightsPath"/> is kept: beside them, "*.tokenizer.json".</summary>
    public static string PathBesideWeights(string weightsPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        return Path.ChangeExtension(weightsPath, ".tokenizer.json");
    }

    /// <summary>
    /// Saves the settings and the fitted vocabulary as JSON: <c>words</c> every fitted word by rank (word i has id
    /// i + 2 when that is below numWords) and <c>counts</c> their counts. The file is written to a temporary file and
    /// renamed, so a crash never leaves a half-written file.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tokenizer is not fitted.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireFitted();
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Save(file);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Writes the settings and the fitted vocabulary as JSON to <paramref name="stream"/>; see <see cref="Save(string)"/>.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        RequireFitted();
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("format", FileFormat);
        writer.WriteNumber("version", FileVersion);
        if (NumWords is int numWords) writer.WriteNumber("numWords", numWords);
        else writer.WriteNull("numWords");
        writer.WriteString("outOfVocabularyToken", OutOfVocabularyToken);
        writer.WriteBoolean("lower", Lower);
        writer.WriteString("filters", Filters);
        writer.WriteString("split", Split);
        writer.WriteNumber("documentCount", DocumentCount);
        writer.WriteStartArray("words");
        foreach (var word in ranked) writer.WriteStringValue(word);
        writer.WriteEndArray();
        writer.WriteStartArray("counts");
        foreach (var word in ranked) writer.WriteNumberValue(counts[word]);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The largest tokenizer file <see cref="Load(string)"/> reads: 256 MiB.</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>
    /// Loads a tokenizer saved by <see cref="Save(string)"/>: the same settings, counts and ids. A loaded tokenizer
    /// fitted further ranks words of equal counts in their loaded order (the file keeps ranks, not first sightings).
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file does not fit, whatever its bytes, and the message names the file and what is wrong: a folder, empty or
    /// not a regular file, over <see cref="MaxFileBytes"/>, not UTF-8, not JSON, another format or version, a missing field
    /// or one of the wrong type, invalid settings, words and counts that disagree. Nothing is loaded. Text from the
    /// file is shown escaped and cut.
    /// </exception>
    /// <exception cref="IOException">The file cannot be opened or read (a missing file is a <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static Tokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Load(() => JsonFile.Read(path, MaxFileBytes), $"The tokenizer file {Untrusted.Quote(path)}");
    }

    /// <summary>Loads a tokenizer from JSON in <paramref name="stream"/>; see <see cref="Load(string)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream does not hold a tokenizer; see <see cref="Load(string)"/>.</exception>
    public static Tokenizer Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Load(() => JsonFile.Read(stream, MaxFileBytes), "The tokenizer stream");
    }

    private static Tokenizer Load(Func<byte[]> bytes, string source)
    {
        try
        {
            return JsonValue.Read(bytes(), Read);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source} is refused: {e.Message}.", e);
        }
    }

    private static Tokenizer Read(JsonValue json)
    {
        var format = json.GetString("format");
        if (format != FileFormat) throw json.Get("format").Refuse($"format {Untrusted.Quote(format)} is not '{FileFormat}'");
        var version = json.GetInt("version");
        if (version != FileVersion) throw json.Get("version").Refuse($"version {version} is not supported (this library reads version {FileVersion})");

        int? numWords = json.Get("numWords").Kind == JsonValueKind.Null ? null : json.GetInt("numWords");
        Tokenizer tokenizer;
        try
        {
            tokenizer = new Tokenizer(numWords, json.GetString("outOfVocabularyToken"), json.GetBool("lower"), json.GetString("filters"), json.GetString("split"));
        }
        catch (ArgumentException e)
        {
            throw json.Refuse($"the settings are invalid ({Untrusted.Show(e.Message)})");
        }

        var documents = json.GetInt("documentCount");
        if (documents < 1) throw json.Get("documentCount").Refuse($"a fitted tokenizer has seen at least one text, not {documents}");
        var words = json.GetArray("words");
        var counts = json.GetArray("counts");
        if (counts.Count != words.Count) throw counts.Refuse($"expected {words.Count} counts (one per word) but found {counts.Count}");
        var wordList = words.Strings();
        var countList = counts.Numbers();
        var previous = int.MaxValue;
        for (var i = 0; i < wordList.Length; i++)
        {
            var word = wordList[i];
            // Each stored word must be one that this tokenizer's splitting can produce, or it could never be looked up.
            if (tokenizer.Words(word) is not [var only] || only != word)
                throw words.Item(i).Refuse($"{Untrusted.Quote(word)} is not a single word under the stored settings");
            var count = countList[i];
            if (count != Math.Floor(count) || count < 1 || count > previous)
                throw counts.Item(i).Refuse($"count {Column.FormatNumber(count)} is not a whole number from 1 to the previous word's count ({previous}); words are stored most frequent first");
            previous = (int)count;
            if (!tokenizer.counts.TryAdd(word, previous)) throw words.Item(i).Refuse($"{Untrusted.Quote(word)} appears twice");
            tokenizer.firstSeen.Add(word);
        }
        tokenizer.DocumentCount = documents;
        tokenizer.Rank();
        return tokenizer;
    }
}
