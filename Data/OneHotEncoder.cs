using System.Text.Json;

namespace ModelGen.Data;

/// <summary>
/// Encodes each category column as one 0/1 column per training category, as scikit-learn's OneHotEncoder:
/// categories sorted (text in ordinal order, numbers numerically, missing last as "nan"), output columns named
/// "column_category". A category not seen in training throws (<see cref="HandleUnknown.Error"/>) or encodes as
/// all zeros (<see cref="HandleUnknown.Ignore"/>).
/// </summary>
public sealed class OneHotEncoder : Transformer
{
    internal const string KindName = "OneHotEncoder";
    private const string MissingName = "nan";

    private ColumnCategories[] categories = [];

    /// <summary>An encoder; scikit-learn's default is <see cref="HandleUnknown.Error"/>.</summary>
    public OneHotEncoder(HandleUnknown handleUnknown = HandleUnknown.Error)
    {
        HandleUnknown = handleUnknown;
    }

    /// <summary>What happens to a category not seen in training.</summary>
    public HandleUnknown HandleUnknown { get; }

    internal override string Kind => KindName;

    internal override IReadOnlyList<(string Name, ColumnKind Kind)> OutputColumns =>
        [.. categories.SelectMany(c => c.OutputNames).Select(name => (name, ColumnKind.Numeric))];

    /// <summary>The training categories of <paramref name="column"/> in output order, as they appear in the output names.</summary>
    public IReadOnlyList<string> Categories(string column)
    {
        var index = InputColumns.ToList().IndexOf(column);
        return index >= 0 ? categories[index].Names : throw new KeyNotFoundException($"{KindName} was not fitted on column {Untrusted.Quote(column)}.");
    }

    private protected override void FitCore(IReadOnlyList<Column> columns) =>
        categories = [.. columns.Select(ColumnCategories.Fit)];

    private protected override Table TransformCore(Column[] columns, RowErrorSink? errors)
    {
        var result = new List<Column>();
        for (var i = 0; i < columns.Length; i++)
        {
            var column = columns[i];
            var known = categories[i];
            var outputs = new double[known.Count][];
            for (var k = 0; k < outputs.Length; k++) outputs[k] = new double[column.Length];
            for (var row = 0; row < column.Length; row++)
            {
                var index = known.IndexOf(column, row);
                if (index >= 0) outputs[index][row] = 1;
                else if (HandleUnknown == HandleUnknown.Error)
                {
                    var value = column.Format(row);
                    RowErrorSink.Report(errors, row, column.Name, value,
                        $"{KindName}: column {Untrusted.Quote(column.Name)}, row {row}: category {Untrusted.Quote(value)} was not seen in training (known: {Untrusted.Show(string.Join(", ", known.Names))}).");
                }
            }
            for (var k = 0; k < outputs.Length; k++) result.Add(Column.OwnNumeric(known.OutputNames[k], outputs[k]));
        }
        return new Table(result);
    }

    private protected override void WriteState(Utf8JsonWriter writer)
    {
        writer.WriteString("handleUnknown", HandleUnknown.ToString());
        writer.WriteStartArray("categories");
        foreach (var column in categories) column.Write(writer);
        writer.WriteEndArray();
    }

    internal static OneHotEncoder ReadState(JsonValue json, string[] names, ColumnKind[] kinds)
    {
        var handle = json.GetEnum("handleUnknown", ("Error", HandleUnknown.Error), ("Ignore", HandleUnknown.Ignore));
        var lists = json.GetArray("categories", kinds.Length);
        var categories = new ColumnCategories[kinds.Length];
        var i = 0;
        foreach (var list in lists.Items())
        {
            categories[i] = ColumnCategories.Read(list, names[i], kinds[i]);
            i++;
        }
        return new OneHotEncoder(handle) { categories = categories };
    }

    /// <summary>One column's sorted training categories and the lookup from value to output index.</summary>
    private sealed class ColumnCategories
    {
        private readonly Dictionary<double, int>? numberIndex;
        private readonly Dictionary<string, int>? textIndex;
        private readonly double[]? numbers;
        private readonly string[]? texts;
        private readonly int missingIndex;

        private ColumnCategories(string column, double[]? numbers, string[]? texts, bool hasMissing)
        {
            this.numbers = numbers;
            this.texts = texts;
            var count = numbers?.Length ?? texts!.Length;
            missingIndex = hasMissing ? count : -1;
            if (numbers is not null) numberIndex = numbers.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
            else textIndex = texts!.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal);
            Names = [.. (numbers?.Select(Column.FormatNumber) ?? texts!), .. hasMissing ? new[] { MissingName } : []];
            OutputNames = [.. Names.Select(name => $"{column}_{name}")];
        }

        public string[] Names { get; }

        public string[] OutputNames { get; }

        public int Count => Names.Length;

        public static ColumnCategories Fit(Column column)
        {
            var hasMissing = column.MissingCount > 0;
            if (column.Kind == ColumnKind.Numeric)
            {
                var values = column.Numbers.ToArray().Where(v => !double.IsNaN(v)).Distinct().Order().ToArray();
                return new ColumnCategories(column.Name, values, null, hasMissing);
            }
            var texts = column.Texts.ToArray().Where(v => v is not null).Select(v => v!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            return new ColumnCategories(column.Name, null, texts, hasMissing);
        }

        /// <summary>The output index of the value at <paramref name="row"/>, or -1 if it is unknown.</summary>
        public int IndexOf(Column column, int row)
        {
            if (column.IsMissing(row)) return missingIndex;
            if (numberIndex is not null) return numberIndex.TryGetValue(column.NumberArray[row], out var n) ? n : -1;
            return textIndex!.TryGetValue(column.TextArray[row]!, out var t) ? t : -1;
        }

        public void Write(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("values");
            if (numbers is not null)
            {
                foreach (var v in numbers) JsonValue.WriteNumber(writer, v);
            }
            else
            {
                foreach (var t in texts!) writer.WriteStringValue(t);
            }
            writer.WriteEndArray();
            writer.WriteBoolean("missing", missingIndex >= 0);
            writer.WriteEndObject();
        }

        public static ColumnCategories Read(JsonValue json, string column, ColumnKind kind)
        {
            var values = json.GetArray("values");
            var missing = json.GetBool("missing");
            double[]? numbers = null;
            string[]? texts = null;
            if (kind == ColumnKind.Numeric)
            {
                numbers = values.Numbers();
                // A missing value is the "missing" flag's category; NaN as a value could never be looked up.
                var nan = Array.FindIndex(numbers, double.IsNaN);
                if (nan >= 0) throw values.Item(nan).Refuse("a category cannot be NaN (missing values are the 'missing' flag)");
            }
            else
            {
                texts = values.Strings();
            }
            try
            {
                return new ColumnCategories(column, numbers, texts, missing);
            }
            catch (ArgumentException)
            {
                throw values.Refuse("a category appears twice");
            }
        }
    }
}
