using System.IO.Compression;
using System.Text;

namespace ModelGen.Data.Tests;

public class CsvReadingTests
{
    private const string Sample =
        "a,b,c,d\n" +
        "1,x,NA,7\n" +
        "NULL,\"y, z\",2.5,-1e3\n" +
        ",NA,3,\"0\"\n" +
        "4,\"he said \"\"hi\"\"\",,8\n";

    [Fact]
    public void ReadCsv_InfersTypes_AndReadsMarkersAsMissing()
    {
        var table = Table.ReadCsv(new StringReader(Sample));

        Assert.Equal(4, table.Rows);
        Assert.Equal(["a", "b", "c", "d"], table.ColumnNames);
        Assert.Equal([1, double.NaN, double.NaN, 4], table.Column("a").Numbers.ToArray());
        Tables.AssertTexts(["x", "y, z", null, "he said \"hi\""], table.Column("b"));
        Assert.Equal([double.NaN, 2.5, 3, double.NaN], table.Column("c").Numbers.ToArray());
        Assert.Equal([7, -1000, 0, 8], table.Column("d").Numbers.ToArray());
    }

    [Fact]
    public void ReadCsv_ColumnWithOneWord_IsText_KeepingTheNumbersAsWritten()
    {
        var table = Table.ReadCsv(new StringReader("k\n1.50\ntwo\nNA\n"));

        Assert.Equal(ColumnKind.Text, table.Column("k").Kind);
        Tables.AssertTexts(["1.50", "two", null], table.Column("k"));
    }

    [Fact]
    public void ReadCsv_GivenKinds_OverrideInference()
    {
        var options = new CsvReadOptions { ColumnKinds = new Dictionary<string, ColumnKind> { ["zip"] = ColumnKind.Text } };

        var table = Table.ReadCsv(new StringReader("zip,n\n01234,1\n99999,2\n"), options);

        Tables.AssertTexts(["01234", "99999"], table.Column("zip"));
        Assert.Equal(ColumnKind.Numeric, table.Column("n").Kind);
    }

    [Fact]
    public void ReadCsv_GivenNumericColumnWithWord_IsRefused_NamingColumnRowAndValue()
    {
        var options = new CsvReadOptions { ColumnKinds = new Dictionary<string, ColumnKind> { ["n"] = ColumnKind.Numeric } };

        var error = Assert.Throws<InvalidDataException>(() => Table.ReadCsv(new StringReader("n\n1\nabc\n"), options));

        Assert.Contains("'n'", error.Message);
        Assert.Contains("row 1", error.Message);
        Assert.Contains("'abc'", error.Message);
    }

    [Fact]
    public void ReadCsv_CustomMarkers_ReplaceTheDefaults()
    {
        var options = new CsvReadOptions { MissingMarkers = ["?"] };

        var table = Table.ReadCsv(new StringReader("t,n\nNA,?\n?,2\n"), options);

        Tables.AssertTexts(["NA", null], table.Column("t"));
        Assert.Equal([double.NaN, 2], table.Column("n").Numbers.ToArray());
    }

    [Fact]
    public void ReadCsv_GzipPath_AndStream_ReadTheSameTable()
    {
        var path = Path.Combine(Path.GetTempPath(), $"modelgen-data-{Guid.NewGuid():N}.csv.gz");
        try
        {
            using (var file = File.Create(path))
            using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            {
                gzip.Write(Encoding.UTF8.GetBytes(Sample));
            }

            var fromGzip = Table.ReadCsv(path);
            var fromStream = Table.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(Sample)));

            foreach (var table in new[] { fromGzip, fromStream })
            {
                Assert.Equal(4, table.Rows);
                Tables.AssertTexts(["x", "y, z", null, "he said \"hi\""], table.Column("b"));
                Assert.Equal([7, -1000, 0, 8], table.Column("d").Numbers.ToArray());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
