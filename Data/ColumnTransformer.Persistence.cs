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

    /// <summary>Loads a fitted transformer saved by <see cref="Save(string)"/>.</summary>
    /// <exception cref="InvalidDataException">The file does not fit (not JSON, another format or version, a missing field, an unknown step kind, inconsistent columns); nothing is loaded.</exception>
    public static ColumnTransformer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Load(File.ReadAllBytes(path), $"'{path}'");
    }

    /// <summary>Loads a fitted transformer from JSON in <paramref name="stream"/>; see <see cref="Load(string)"/>.</summary>
    public static ColumnTransformer Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Load(buffer.ToArray(), "from the stream");
    }

    private static ColumnTransformer Load(byte[] utf8, string source)
    {
        try
        {
            return Read(JsonValue.Parse(utf8));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The preparation file {source} is refused: {e.Message}.", e);
        }
    }

    private static ColumnTransformer Read(JsonValue json)
    {
        var format = json.GetString("format");
        if (format != FileFormat) throw json.Get("format").Refuse($"format '{format}' is not '{FileFormat}'");
        var version = json.GetInt("version");
        if (version != FileVersion) throw json.Get("version").Refuse($"version {version} is not supported (this library reads version {FileVersion})");
        var verbose = json.GetBool("verboseFeatureNamesOut");

        var list = json.GetArray("transformers");
        if (list.Count == 0) throw json.Get("transformers").Refuse("there are no transformers");
        var entries = new Entry[list.Count];
        var names = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i];
            var name = item.GetString("name");
            var columns = item.GetArray("columns");
            var columnNames = columns.Select(c => c.GetString("name")).ToArray();
            var kinds = columns.Select(c => c.GetEnum("type", ("numeric", ColumnKind.Numeric), ("text", ColumnKind.Text))).ToArray();
            var steps = item.GetArray("steps");
            var pipeline = new Pipeline(steps.Select(Transformer.Read));

            // Each step must take exactly what the step before it gives.
            IReadOnlyList<(string Name, ColumnKind Kind)> flowing = [.. columnNames.Zip(kinds)];
            for (var s = 0; s < steps.Count; s++)
            {
                var step = pipeline.Steps[s];
                var expected = step.Inputs;
                if (!flowing.SequenceEqual(expected))
                    throw steps[s].Get("columns").Refuse($"the step's columns ({Describe(expected)}) are not what it receives ({Describe(flowing)})");
                flowing = step.OutputColumns;
            }
            var text = flowing.FirstOrDefault(c => c.Kind == ColumnKind.Text);
            if (text.Name is not null) throw item.Refuse($"the pipeline outputs text column '{text.Name}'");
            entries[i] = new Entry(name, pipeline, columnNames, kinds);
            names.AddRange(verbose ? flowing.Select(c => $"{name}__{c.Name}") : flowing.Select(c => c.Name));
        }

        var stored = json.GetArray("featureNames").Select(v => v.AsString()).ToArray();
        if (!stored.SequenceEqual(names))
            throw json.Get("featureNames").Refuse($"the {stored.Length} stored feature names differ from the {names.Count} the steps produce");
        if (entries.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() != entries.Length)
            throw json.Get("transformers").Refuse("two transformers have the same name");
        return new ColumnTransformer(entries, verbose) { featureNames = stored };
    }

    private static string Describe(IEnumerable<(string Name, ColumnKind Kind)> columns) =>
        string.Join(", ", columns.Select(c => $"{c.Name}: {Column.KindName(c.Kind)}"));
}
