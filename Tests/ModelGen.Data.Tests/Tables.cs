namespace ModelGen.Data.Tests;

/// <summary>Small tables written by hand for the tests.</summary>
internal static class Tables
{
    public const double Tolerance = 1e-12;

    public static Table Of(params Column[] columns) => new(columns);

    public static Column Numbers(string name, params double[] values) => Column.Numeric(name, values);

    public static Column Texts(string name, params string?[] values) => Column.Text(name, values);

    /// <summary>Asserts a text column's values (xUnit's span overloads do not take nullable strings).</summary>
    public static void AssertTexts(string?[] expected, Column column)
    {
        var actual = column.Texts.ToArray();
        Assert.True(expected.SequenceEqual(actual),
            $"Column '{column.Name}': expected [{string.Join(", ", expected.Select(Show))}] but got [{string.Join(", ", actual.Select(Show))}].");
    }

    private static string Show(string? value) => value is null ? "null" : $"'{value}'";
}
