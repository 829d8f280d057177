using ModelGen.Data;

namespace ModelGen.Samples.Sunspots;

/// <summary>The yearly sunspot numbers: one value per year, consecutive years in order.</summary>
public sealed class SunspotSeries
{
    private SunspotSeries(int[] years, double[] values)
    {
        Years = years;
        Values = values;
    }

    /// <summary>The year column's name in the CSV.</summary>
    public const string YearColumn = "YEAR";

    /// <summary>The value column's name in the CSV.</summary>
    public const string ValueColumn = "SUNACTIVITY";

    /// <summary>The bundled series, copied beside the program.</summary>
    public static string BundledPath => Path.Combine(AppContext.BaseDirectory, "Data", "sunspots", "sunspots.csv");

    /// <summary>The years, consecutive.</summary>
    public int[] Years { get; }

    /// <summary>The sunspot number of each year.</summary>
    public double[] Values { get; }

    /// <summary>The number of years.</summary>
    public int Count => Values.Length;

    /// <summary>Reads the CSV: a header <c>"YEAR","SUNACTIVITY"</c>, then one row per year.</summary>
    /// <exception cref="InvalidDataException">The file is missing, lacks a column, has a missing or negative value, or its years are not consecutive.</exception>
    public static SunspotSeries Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"The sunspot file {path} does not exist; expected a CSV with the columns {YearColumn} and {ValueColumn}.");
        }

        Table table = Table.ReadCsv(path);
        if (!table.TryGetColumn(YearColumn, out Column? yearColumn) || !table.TryGetColumn(ValueColumn, out Column? valueColumn)
            || yearColumn.Kind != ColumnKind.Numeric || valueColumn.Kind != ColumnKind.Numeric)
        {
            throw new InvalidDataException($"{path}: expected numeric columns {YearColumn} and {ValueColumn}, found {string.Join(", ", table.ColumnNames)}.");
        }

        var years = new int[table.Rows];
        var values = new double[table.Rows];
        for (int row = 0; row < table.Rows; row++)
        {
            double year = yearColumn.Numbers[row];
            double value = valueColumn.Numbers[row];
            if (!double.IsFinite(value) || value < 0)
            {
                throw new InvalidDataException($"{path}, row {row + 1}: the sunspot number {valueColumn.Format(row)} is missing or negative.");
            }

            if (!double.IsFinite(year) || year != Math.Floor(year))
            {
                throw new InvalidDataException($"{path}, row {row + 1}: the year {yearColumn.Format(row)} is missing or not a whole year.");
            }

            if (row > 0 && year != years[row - 1] + 1)
            {
                throw new InvalidDataException($"{path}, row {row + 1}: year {yearColumn.Format(row)} does not follow {years[row - 1]}; the years must be consecutive.");
            }

            years[row] = (int)year;
            values[row] = value;
        }

        return new SunspotSeries(years, values);
    }
}
