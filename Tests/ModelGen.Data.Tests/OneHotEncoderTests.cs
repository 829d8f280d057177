namespace ModelGen.Data.Tests;

public class OneHotEncoderTests
{
    [Fact]
    public void TextCategories_AreSortedOrdinally_AndNamedColumnUnderscoreCategory()
    {
        var encoder = new OneHotEncoder();

        var result = encoder.FitTransform(Tables.Of(Tables.Texts("c", "b", "a", "c", "a", "B")));

        Assert.Equal(["B", "a", "b", "c"], encoder.Categories("c"));
        Assert.Equal(["c_B", "c_a", "c_b", "c_c"], result.ColumnNames);
        Assert.Equal([0, 0, 0, 0, 1], result.Column("c_B").Numbers.ToArray());
        Assert.Equal([0, 1, 0, 1, 0], result.Column("c_a").Numbers.ToArray());
        Assert.Equal([1, 0, 0, 0, 0], result.Column("c_b").Numbers.ToArray());
        Assert.Equal([0, 0, 1, 0, 0], result.Column("c_c").Numbers.ToArray());
    }

    [Fact]
    public void NumericCategories_AreSortedNumerically()
    {
        var encoder = new OneHotEncoder();

        var result = encoder.FitTransform(Tables.Of(Tables.Numbers("m", 10, 2, 1, 2, 1.5)));

        Assert.Equal(["m_1", "m_1.5", "m_2", "m_10"], result.ColumnNames);
        Assert.Equal([1, 0, 0, 0, 0], result.Column("m_10").Numbers.ToArray());
        Assert.Equal([0, 1, 0, 1, 0], result.Column("m_2").Numbers.ToArray());
    }

    [Fact]
    public void MissingInTraining_IsACategory_NamedNan_SortedLast()
    {
        var result = new OneHotEncoder().FitTransform(Tables.Of(Tables.Texts("c", "x", null)));

        Assert.Equal(["c_x", "c_nan"], result.ColumnNames);
        Assert.Equal([0, 1], result.Column("c_nan").Numbers.ToArray());
    }

    [Fact]
    public void UnknownWithIgnore_EncodesAsAllZeros()
    {
        var encoder = new OneHotEncoder(HandleUnknown.Ignore);
        encoder.Fit(Tables.Of(Tables.Texts("c", "a", "b")));

        var result = encoder.Transform(Tables.Of(Tables.Texts("c", "b", "z", null)));

        Assert.Equal([0, 0, 0], result.Column("c_a").Numbers.ToArray());
        Assert.Equal([1, 0, 0], result.Column("c_b").Numbers.ToArray());
    }

    [Fact]
    public void UnknownWithError_ThrowsNamingColumnRowAndValue()
    {
        var encoder = new OneHotEncoder(HandleUnknown.Error);
        encoder.Fit(Tables.Of(Tables.Texts("c", "a", "b")));

        var error = Assert.Throws<ArgumentException>(() => encoder.Transform(Tables.Of(Tables.Texts("c", "a", "z"))));

        Assert.Contains("'c'", error.Message);
        Assert.Contains("row 1", error.Message);
        Assert.Contains("'z'", error.Message);
    }
}
