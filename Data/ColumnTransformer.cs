namespace ModelGen.Data;

/// <summary>
/// Applies pipelines to named column lists and joins their outputs into one dense float matrix, as
/// scikit-learn's make_column_transformer. Columns not listed are dropped (scikit-learn's remainder="drop").
/// Fit on training data only; <see cref="Save(string)"/> keeps the fitted state for prediction.
/// </summary>
public sealed partial class ColumnTransformer
{
    private readonly Entry[] entries;
    private string[]? featureNames;

    /// <summary>
    /// A column transformer of (pipeline, columns) pairs, named as make_column_transformer names them:
    /// "pipeline" for one, "pipeline-1", "pipeline-2", ... for several.
    /// </summary>
    public ColumnTransformer(params IEnumerable<(Pipeline Pipeline, string[] Columns)> transformers)
    {
        ArgumentNullException.ThrowIfNull(transformers);
        var list = transformers.ToArray();
        if (list.Length == 0) throw new ArgumentException("A column transformer needs at least one (pipeline, columns) pair.", nameof(transformers));
        entries = new Entry[list.Length];
        for (var i = 0; i < list.Length; i++)
        {
            var (pipeline, columns) = list[i];
            ArgumentNullException.ThrowIfNull(pipeline);
            ArgumentNullException.ThrowIfNull(columns);
            if (columns.Length == 0) throw new ArgumentException($"Pipeline {i + 1} has no columns.", nameof(transformers));
            if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Length)
                throw new ArgumentException($"Pipeline {i + 1} lists a column twice.", nameof(transformers));
            entries[i] = new Entry(list.Length == 1 ? "pipeline" : $"pipeline-{i + 1}", pipeline, [.. columns], null);
        }
        if (entries.Select(e => e.Pipeline).Distinct().Count() != entries.Length)
            throw new ArgumentException("The same pipeline instance appears twice; each holds its own fitted state.", nameof(transformers));
    }

    private ColumnTransformer(Entry[] entries, bool verbose)
    {
        this.entries = entries;
        VerboseFeatureNamesOut = verbose;
    }

    /// <summary>Whether feature names carry the pipeline's name, "pipeline-1__lead_time" (scikit-learn's default), or not.</summary>
    public bool VerboseFeatureNamesOut { get; init; } = true;

    /// <summary>The pipelines' names, in order.</summary>
    public IReadOnlyList<string> Names => [.. entries.Select(e => e.Name)];

    /// <summary>The pipelines, in order.</summary>
    public IReadOnlyList<Pipeline> Pipelines => [.. entries.Select(e => e.Pipeline)];

    /// <summary>Whether <see cref="Fit"/> has run (or the transformer was loaded).</summary>
    public bool IsFitted => featureNames is not null;

    /// <summary>The output feature names, in column order (scikit-learn's get_feature_names_out).</summary>
    public IReadOnlyList<string> FeatureNames => featureNames ?? throw NotFitted();

    /// <summary>The number of output features.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Fits each pipeline on its columns of <paramref name="table"/> (the training data only).</summary>
    /// <returns>This transformer.</returns>
    public ColumnTransformer Fit(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        featureNames = null;
        var names = new List<string>();
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            foreach (var name in entry.Columns)
            {
                if (!table.TryGetColumn(name, out _))
                    throw new ArgumentException($"ColumnTransformer {Untrusted.Quote(entry.Name)} lists column {Untrusted.Quote(name)} but the table has no such column.", nameof(table));
            }
            var input = table.Select(entry.Columns);
            var output = entry.Pipeline.FitTransform(input);
            foreach (var column in output.Columns)
            {
                if (column.Kind != ColumnKind.Numeric)
                    throw new ArgumentException($"ColumnTransformer {Untrusted.Quote(entry.Name)} outputs text column {Untrusted.Quote(column.Name)}; end the pipeline with a {OneHotEncoder.KindName}.", nameof(table));
            }
            entries[i] = entry with { Kinds = [.. input.Columns.Select(c => c.Kind)] };
            names.AddRange(FeatureNamesOf(entry.Name, output.ColumnNames));
        }
        featureNames = CheckUnique(names);
        return this;
    }

    /// <summary><see cref="Fit"/> then <see cref="Transform"/> on the same table.</summary>
    public FeatureMatrix FitTransform(Table table) => Fit(table).Transform(table);

    /// <summary>Transforms every row of <paramref name="table"/> with the fitted state. Missing values no step fills stay NaN.</summary>
    /// <exception cref="ArgumentException">A fitted column is missing or has another kind, or a value cannot be transformed (the message names the column, row and value).</exception>
    public FeatureMatrix Transform(Table table) => TransformCore(table, null, out _);

    /// <summary>
    /// Transforms row by row for prediction: a row with a value that cannot be transformed (an unknown category with
    /// <see cref="HandleUnknown.Error"/>, a missing value that no step fills) is left out and reported in
    /// <paramref name="errors"/>, naming its row and column; the other rows are transformed and
    /// <see cref="FeatureMatrix.SourceRows"/> gives their indices. A missing or mistyped column still throws.
    /// </summary>
    public FeatureMatrix TransformRows(Table table, out IReadOnlyList<RowError> errors)
    {
        ArgumentNullException.ThrowIfNull(table);
        var matrix = TransformCore(table, new RowErrorSink(table.Rows), out var sink);
        errors = [.. sink!.Errors.OrderBy(e => e.Row)];
        return matrix;
    }

    private FeatureMatrix TransformCore(Table table, RowErrorSink? errors, out RowErrorSink? sink)
    {
        ArgumentNullException.ThrowIfNull(table);
        var names = featureNames ?? throw NotFitted();
        sink = errors;
        var outputs = new List<Column>(names.Length);
        foreach (var entry in entries)
        {
            for (var i = 0; i < entry.Columns.Length; i++)
            {
                Transformer.CheckColumn(table, entry.Columns[i], entry.Kinds![i], $"ColumnTransformer {Untrusted.Quote(entry.Name)}");
            }
            outputs.AddRange(entry.Pipeline.Transform(table.Select(entry.Columns), errors).Columns);
        }
        if (outputs.Count != names.Length)
            throw new InvalidOperationException($"The pipelines output {outputs.Count} features but {names.Length} were fitted.");

        var keep = Enumerable.Range(0, table.Rows);
        if (errors is not null)
        {
            ReportMissing(outputs, errors);
            keep = keep.Where(row => !errors.IsBad(row));
        }
        var rows = keep.ToArray();
        var features = names.Length;
        var values = new float[rows.Length * features];
        for (var feature = 0; feature < features; feature++)
        {
            var column = outputs[feature].NumberArray;
            for (var i = 0; i < rows.Length; i++) values[i * features + feature] = (float)column[rows[i]];
        }
        return new FeatureMatrix(values, rows.Length, names, rows);
    }

    /// <summary>A NaN left in the output means a missing value that no step filled: the model cannot take that row.</summary>
    private static void ReportMissing(List<Column> outputs, RowErrorSink errors)
    {
        foreach (var column in outputs)
        {
            var values = column.NumberArray;
            for (var row = 0; row < values.Length; row++)
            {
                if (double.IsNaN(values[row]) && !errors.IsBad(row))
                    errors.Add(row, column.Name, "NaN", $"Column {Untrusted.Quote(column.Name)}, row {row} is missing and no step fills it (add a SimpleImputer).");
            }
        }
    }

    private IEnumerable<string> FeatureNamesOf(string pipeline, IEnumerable<string> outputs) =>
        VerboseFeatureNamesOut ? outputs.Select(o => $"{pipeline}__{o}") : outputs;

    private static string[] CheckUnique(List<string> names)
    {
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? [.. names]
            : throw new ArgumentException($"Feature name {Untrusted.Quote(duplicate.Key)} appears twice; set VerboseFeatureNamesOut to true.");
    }

    private static InvalidOperationException NotFitted() => new("The ColumnTransformer is not fitted: call Fit (on the training data) first, or Load a fitted one.");

    /// <summary>One (name, pipeline, columns) triple; Kinds are the input kinds seen in fitting.</summary>
    private sealed record Entry(string Name, Pipeline Pipeline, string[] Columns, ColumnKind[]? Kinds);
}
