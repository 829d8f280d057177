using System.Text.Json;

namespace ModelGen.Data;

/// <summary>
/// A column-wise preparation step with scikit-learn's protocol: <see cref="Fit"/> learns from training columns,
/// <see cref="Transform(Table)"/> applies what was learned to any table holding the same columns.
/// </summary>
public abstract class Transformer
{
    private string[]? inputNames;
    private ColumnKind[]? inputKinds;

    private protected Transformer()
    {
    }

    /// <summary>Whether <see cref="Fit"/> has run (or the step was loaded fitted).</summary>
    public bool IsFitted => inputNames is not null;

    /// <summary>The columns the step was fitted on, in order.</summary>
    public IReadOnlyList<string> InputColumns => inputNames ?? throw NotFitted();

    /// <summary>The fitted input columns with their kinds.</summary>
    internal IReadOnlyList<(string Name, ColumnKind Kind)> Inputs => [.. InputColumns.Zip(InputKinds)];

    /// <summary>The name of the step in files and messages.</summary>
    internal abstract string Kind { get; }

    /// <summary>The names and kinds of the columns <see cref="Transform(Table)"/> returns.</summary>
    internal abstract IReadOnlyList<(string Name, ColumnKind Kind)> OutputColumns { get; }

    /// <summary>Learns the step's state from every column of <paramref name="table"/>.</summary>
    /// <returns>This step.</returns>
    public Transformer Fit(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        FitCore(table.Columns);
        inputNames = [.. table.Columns.Select(c => c.Name)];
        inputKinds = [.. table.Columns.Select(c => c.Kind)];
        return this;
    }

    /// <summary>
    /// Applies the fitted state to the fitted columns of <paramref name="table"/> (other columns are ignored) and
    /// returns the transformed columns.
    /// </summary>
    /// <exception cref="ArgumentException">A fitted column is missing or has another kind, or a value cannot be transformed.</exception>
    public Table Transform(Table table) => Transform(table, null);

    /// <summary><see cref="Fit"/> then <see cref="Transform(Table)"/> on the same table.</summary>
    public Table FitTransform(Table table) => Fit(table).Transform(table);

    internal Table Transform(Table table, RowErrorSink? errors)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (inputNames is null) throw NotFitted();
        var columns = new Column[inputNames.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = CheckColumn(table, inputNames[i], inputKinds![i], Kind);
        }
        return TransformCore(columns, errors);
    }

    /// <summary>Finds column <paramref name="name"/> of kind <paramref name="kind"/>, or throws naming what was expected and found.</summary>
    internal static Column CheckColumn(Table table, string name, ColumnKind kind, string owner)
    {
        if (!table.TryGetColumn(name, out var column))
            throw new ArgumentException($"{owner} was fitted on {Column.KindName(kind)} column {Untrusted.Quote(name)} but the table has no column {Untrusted.Quote(name)}.");
        if (column.Kind != kind)
            throw new ArgumentException($"{owner}: column {Untrusted.Quote(name)} must be {Column.KindName(kind)} (as in fitting) but is {Column.KindName(column.Kind)}.");
        return column;
    }

    /// <summary>Learns the state; assigns it only once every column succeeded, so a failed fit changes nothing.</summary>
    private protected abstract void FitCore(IReadOnlyList<Column> columns);

    private protected abstract Table TransformCore(Column[] columns, RowErrorSink? errors);

    /// <summary>Writes the step-specific fitted state (the common part is written by <see cref="Write"/>).</summary>
    private protected abstract void WriteState(Utf8JsonWriter writer);

    private protected IReadOnlyList<ColumnKind> InputKinds => inputKinds ?? throw NotFitted();

    private protected InvalidOperationException NotFitted() => new($"{Kind} is not fitted: call Fit first.");

    internal void Write(Utf8JsonWriter writer)
    {
        if (inputNames is null) throw NotFitted();
        writer.WriteStartObject();
        writer.WriteString("kind", Kind);
        writer.WriteStartArray("columns");
        for (var i = 0; i < inputNames.Length; i++)
        {
            writer.WriteStartObject();
            writer.WriteString("name", inputNames[i]);
            writer.WriteString("type", Column.KindName(inputKinds![i]));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        WriteState(writer);
        writer.WriteEndObject();
    }

    internal static Transformer Read(JsonValue json)
    {
        var columns = json.GetArray("columns");
        var names = new string[columns.Count];
        var kinds = new ColumnKind[columns.Count];
        var i = 0;
        foreach (var column in columns.Items())
        {
            names[i] = ColumnTransformer.ColumnName(column);
            kinds[i++] = column.GetEnum<ColumnKind>("type", ("numeric", ColumnKind.Numeric), ("text", ColumnKind.Text));
        }
        var kind = json.GetString("kind");
        Transformer step = kind switch
        {
            SimpleImputer.KindName => SimpleImputer.ReadState(json, kinds),
            StandardScaler.KindName => StandardScaler.ReadState(json, kinds),
            OneHotEncoder.KindName => OneHotEncoder.ReadState(json, names, kinds),
            _ => throw json.Get("kind").Refuse($"unknown step kind {Untrusted.Quote(kind)} (known: {SimpleImputer.KindName}, {StandardScaler.KindName}, {OneHotEncoder.KindName})"),
        };
        step.inputNames = names;
        step.inputKinds = kinds;
        return step;
    }
}
