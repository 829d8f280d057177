using System.Text.Json;

namespace ModelGen.Data;

public sealed partial class ColumnTransformer
{
    /// <summary>The "format" value of a preparation file.</summary>
    public const string FileFormat = "ModelGen.ColumnTransformer";

    /// <summary>The version of the preparation file this library writes and reads.</summary>
    public const int FileVersion = 1;

    /// <summary>Where the preparation of a model whose weights are at <paramref name="weightsPath"/> is kept: beside them, "*.preparation.json".</summary>
    public static string PathBesideWeights(string weightsPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        return Path.ChangeExtension(weightsPath, ".preparation.json");
    }

    /// <summary>
    /// Saves the fitted state (pipelines, columns, and every step's learned values) as JSON. The file is written to a
    /// temporary file and renamed, so a crash never leaves a half-written file.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Save(file);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Writes the fitted state as JSON to <paramref name="stream"/>.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var names = featureNames ?? throw NotFitted();
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("format", FileFormat);
        writer.WriteNumber("version", FileVersion);
        writer.WriteBoolean("verboseFeatureNamesOut", VerboseFeatureNamesOut);
        writer.WriteStartArray("transformers");
        foreach (var entry in entries)
        {
            writer.WriteStartObject();
            writer.WriteString("name", entry.Name);
            writer.WriteStartArray("columns");
            for (var i = 0; i < entry.Columns.Length; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("name", entry.Columns[i]);
                writer.WriteString("type", Column.KindName(entry.Kinds![i]));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("steps");
            foreach (var step in entry.Pipeline.Steps) step.Write(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("featureNames");
        foreach (var name in names) writer.WriteStringValue(name);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The largest preparation file <see cref="Load(string)"/> reads: 256 MiB.</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>Loads a fitted transformer saved by <see cref="Save(string)"/>.</summary>
    /// <exception cref="InvalidDataException">
    /// The file does not fit, whatever its bytes, and the message names the file and what is wrong: a folder, empty or
    /// not a regular file, over <see cref="MaxFileBytes"/>, not UTF-8, not JSON, another format or version, a missing field
    /// or one of the wrong type, an unknown step kind, inconsistent columns or sizes, a statistic that is not a finite
    /// number (a scale that is not positive), feature names that differ from the steps' outputs. Nothing is loaded.
    /// Text from the file is shown escaped and cut.
    /// </exception>
    /// <exception cref="IOException">The file cannot be opened or read (a missing file is a <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static ColumnTransformer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var source = $"The preparation file {Untrusted.Quote(path)}";
        return Load(() => JsonFile.Read(path, MaxFileBytes), source);
    }

    /// <summary>Loads a fitted transformer from JSON in <paramref name="stream"/>; see <see cref="Load(string)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream does not hold a preparation; see <see cref="Load(string)"/>.</exception>
    public static ColumnTransformer Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Load(() => JsonFile.Read(stream, MaxFileBytes), "The preparation stream");
    }

    private static ColumnTransformer Load(Func<byte[]> bytes, string source)
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

    private static ColumnTransformer Read(JsonValue json)
    {
        var format = json.GetString("format");
        if (format != FileFormat) throw json.Get("format").Refuse($"format {Untrusted.Quote(format)} is not '{FileFormat}'");
        var version = json.GetInt("version");
        if (version != FileVersion) throw json.Get("version").Refuse($"version {version} is not supported (this library reads version {FileVersion})");
        var verbose = json.GetBool("verboseFeatureNamesOut");

        var list = json.GetArray("transformers");
        if (list.Count == 0) throw list.Refuse("there are no transformers");
        var entries = new List<Entry>(list.Count);
        var names = new List<string>();
        foreach (var item in list.Items())
        {
            var name = item.GetString("name");
            var columns = item.GetArray("columns");
            if (columns.Count == 0) throw columns.Refuse("the transformer has no columns");
            var columnNames = new List<string>(columns.Count);
            var kinds = new List<ColumnKind>(columns.Count);
            foreach (var column in columns.Items())
            {
                columnNames.Add(ColumnName(column));
                kinds.Add(column.GetEnum("type", ("numeric", ColumnKind.Numeric), ("text", ColumnKind.Text)));
            }
            var twice = columnNames.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null) throw columns.Refuse($"column {Untrusted.Quote(twice.Key)} is listed twice");
            var steps = item.GetArray("steps");
            var pipeline = new Pipeline(steps.Items().Select(Transformer.Read).ToList());

            // Each step must take exactly what the step before it gives.
            IReadOnlyList<(string Name, ColumnKind Kind)> flowing = [.. columnNames.Zip(kinds)];
            for (var s = 0; s < pipeline.Steps.Count; s++)
            {
                var step = pipeline.Steps[s];
                var expected = step.Inputs;
                if (!flowing.SequenceEqual(expected))
                    throw steps.Item(s).Get("columns").Refuse($"the step's columns ({Describe(expected)}) are not what it receives ({Describe(flowing)})");
                flowing = step.OutputColumns;
            }
            var text = flowing.FirstOrDefault(c => c.Kind == ColumnKind.Text);
            if (text.Name is not null) throw item.Refuse($"the pipeline outputs text column {Untrusted.Quote(text.Name)}");
            entries.Add(new Entry(name, pipeline, [.. columnNames], [.. kinds]));
            names.AddRange(verbose ? flowing.Select(c => $"{name}__{c.Name}") : flowing.Select(c => c.Name));
        }

        var featureNames = json.GetArray("featureNames");
        var stored = featureNames.Strings();
        if (!stored.SequenceEqual(names))
            throw featureNames.Refuse($"the {stored.Length} stored feature names differ from the {names.Count} the steps produce");
        var duplicate = stored.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw featureNames.Refuse($"feature name {Untrusted.Quote(duplicate.Key)} appears twice");
        if (entries.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() != entries.Count)
            throw list.Refuse("two transformers have the same name");
        return new ColumnTransformer([.. entries], verbose) { featureNames = stored };
    }

    /// <summary>The "name" of a column entry, which cannot be empty (a table column always has a name).</summary>
    internal static string ColumnName(JsonValue column)
    {
        var name = column.GetString("name");
        return name.Length > 0 ? name : throw column.Get("name").Refuse("a column name cannot be empty");
    }

    private static string Describe(IEnumerable<(string Name, ColumnKind Kind)> columns) =>
        Untrusted.Show(string.Join(", ", columns.Select(c => $"{c.Name}: {Column.KindName(c.Kind)}")));
}
