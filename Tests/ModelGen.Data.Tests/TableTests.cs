namespace ModelGen.Data.Tests;

public class TableTests
{
    private static readonly Dictionary<string, double> Months = new()
    {
        ["January"] = 1, ["February"] = 2, ["March"] = 3,
    };

    [Fact]
    public void MapText_TurnsNamesIntoNumbers_KeepingMissing()
    {
        var table = Tables.Of(Tables.Texts("month", "March", null, "January"), Tables.Numbers("x", 1, 2, 3));

        var mapped = table.MapText("month", Months);

        Assert.Equal(ColumnKind.Numeric, mapped.Column("month").Kind);
        Assert.Equal([3, double.NaN, 1], mapped.Column("month").Numbers.ToArray());
        Assert.Equal(["month", "x"], mapped.ColumnNames);
    }

    [Fact]
    public void MapText_UnmappedValue_NamesRowAndValue()
    {
        var table = Tables.Of(Tables.Texts("month", "March", "Marhc"));

        var error = Assert.Throws<ArgumentException>(() => table.MapText("month", Months));

        Assert.Contains("row 1", error.Message);
        Assert.Contains("'Marhc'", error.Message);
        Assert.Contains("'month'", error.Message);
    }

    [Fact]
    public void TakeSelectDropWith_ReturnTheExpectedColumnsAndRows()
    {
        var table = Tables.Of(Tables.Numbers("a", 10, 20, 30), Tables.Texts("b", "x", "y", null));

        var taken = table.Take([2, 0, 0]);
        Assert.Equal([30, 10, 10], taken.Column("a").Numbers.ToArray());
        Tables.AssertTexts([null, "x", "x"], taken.Column("b"));
        Assert.Equal(["b", "a"], table.Select("b", "a").ColumnNames);
        Assert.Equal(["b"], table.Drop("a").ColumnNames);
        var replaced = table.With(Tables.Numbers("b", 1, 2, 3));
        Assert.Equal(ColumnKind.Numeric, replaced.Column("b").Kind);
        Assert.Equal(["a", "b"], replaced.ColumnNames);
        Assert.Equal(1, table.Column("b").MissingCount);
    }

    [Fact]
    public void Constructor_RefusesDuplicateNamesAndUnequalLengths()
    {
        Assert.Contains("'a' appears twice", Assert.Throws<ArgumentException>(() => Tables.Of(Tables.Numbers("a", 1), Tables.Numbers("a", 2))).Message);
        Assert.Contains("'b' has 2 rows", Assert.Throws<ArgumentException>(() => Tables.Of(Tables.Numbers("a", 1), Tables.Numbers("b", 1, 2))).Message);
    }

    [Fact]
    public void Column_UnknownName_ListsTheColumns()
    {
        var table = Tables.Of(Tables.Numbers("a", 1));

        var error = Assert.Throws<KeyNotFoundException>(() => table.Column("z"));

        Assert.Contains("'z'", error.Message);
        Assert.Contains("a", error.Message);
    }

    [Fact]
    public void ToSingles_RefusesMissingLabels()
    {
        Assert.Equal([1f, 0f], Tables.Numbers("y", 1, 0).ToSingles());
        Assert.Contains("row 1", Assert.Throws<InvalidOperationException>(() => Tables.Numbers("y", 1, double.NaN).ToSingles()).Message);
    }
}
