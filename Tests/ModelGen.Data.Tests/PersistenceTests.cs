using System.Runtime.InteropServices;
using System.Text;

namespace ModelGen.Data.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("modelgen-data-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static Table Validation() => Tables.Of(
        Tables.Numbers("a", 0.3, double.NaN, 17.25, -4),
        Tables.Texts("c", "y", "unseen", null, "x"));

    [Fact]
    public void SaveLoad_TransformsBitwiseTheSame()
    {
        var original = ColumnTransformerTests.Preparation();
        original.Fit(ColumnTransformerTests.Training());
        var path = Path.Combine(directory, "model.preparation.json");

        original.Save(path);
        var loaded = ColumnTransformer.Load(path);

        Assert.Equal(original.FeatureNames, loaded.FeatureNames);
        Assert.Equal(original.Names, loaded.Names);
        var expected = original.Transform(Validation()).Values;
        var actual = loaded.Transform(Validation()).Values;
        Assert.True(MemoryMarshal.AsBytes(expected.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(actual.AsSpan())));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void SaveLoad_KeepsEveryStepsState()
    {
        var original = new ColumnTransformer(
            (new Pipeline(new SimpleImputer(ImputeStrategy.Median), new StandardScaler()), ["n"]),
            (new Pipeline(new SimpleImputer(ImputeStrategy.MostFrequent), new OneHotEncoder(HandleUnknown.Error)), ["m", "t"]))
        { VerboseFeatureNamesOut = false };
        original.Fit(Tables.Of(
            Tables.Numbers("n", 0.1, double.NaN, 1e-300, 3),
            Tables.Numbers("m", 12, 1, double.NaN, 1),
            Tables.Texts("t", "é", null, "b", "b")));
        using var stream = new MemoryStream();

        original.Save(stream);
        var loaded = ColumnTransformer.Load(new MemoryStream(stream.ToArray()));

        Assert.False(loaded.VerboseFeatureNamesOut);
        Assert.Equal(["n", "m_1", "m_12", "t_b", "t_é"], loaded.FeatureNames);
        var imputer = (SimpleImputer)loaded.Pipelines[0].Steps[0];
        var scaler = (StandardScaler)loaded.Pipelines[0].Steps[1];
        var originalScaler = (StandardScaler)original.Pipelines[0].Steps[1];
        Assert.Equal(ImputeStrategy.Median, imputer.Strategy);
        Assert.Equal(0.1, imputer.NumberFill("n"));
        Assert.Equal(originalScaler.Mean("n"), scaler.Mean("n"));
        Assert.Equal(originalScaler.Scale("n"), scaler.Scale("n"));
        var encoder = (OneHotEncoder)loaded.Pipelines[1].Steps[1];
        Assert.Equal(HandleUnknown.Error, encoder.HandleUnknown);
        Assert.Equal(["b", "é"], encoder.Categories("t"));
    }

    [Fact]
    public void Save_BeforeFit_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => ColumnTransformerTests.Preparation().Save(Path.Combine(directory, "x.json")));
    }

    [Fact]
    public void PathBesideWeights_SitsNextToTheWeights()
    {
        Assert.Equal(Path.Combine("models", "hotel.preparation.json"), ColumnTransformer.PathBesideWeights(Path.Combine("models", "hotel.safetensors")));
    }

    [Theory]
    [InlineData("\"version\": 1", "\"version\": 2", "version 2 is not supported")]
    [InlineData("\"format\": \"ModelGen.ColumnTransformer\"", "\"format\": \"Other\"", "format 'Other'")]
    [InlineData("\"kind\": \"StandardScaler\"", "\"kind\": \"MinMaxScaler\"", "unknown step kind 'MinMaxScaler'")]
    [InlineData("\"means\"", "\"meanz\"", "missing field 'means'")]
    [InlineData("\"handleUnknown\": \"Ignore\"", "\"handleUnknown\": \"Maybe\"", "unknown value 'Maybe'")]
    [InlineData("\"pipeline-2__c_y\"", "\"pipeline-2__c_z\"", "feature names differ")]
    [InlineData("\"strategy\": \"Mean\"", "\"strategy\": 3", "expected a string")]
    [InlineData("\"type\": \"text\"", "\"type\": \"numeric\"", "are not what it receives")]
    public void Load_RefusesAFileThatDoesNotFit_ChangingTheFirstOccurrence(string find, string replace, string reason)
    {
        var original = ColumnTransformerTests.Preparation();
        original.Fit(ColumnTransformerTests.Training());
        var path = Path.Combine(directory, "prep.json");
        original.Save(path);
        var text = File.ReadAllText(path);
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"The saved file lacks {find}.");
        File.WriteAllText(path, string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length)));

        var error = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(path));

        Assert.Contains(reason, error.Message);
        Assert.Contains("prep.json", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"format\": ")]
    [InlineData("[1, 2]")]
    [InlineData("{} {}")]
    public void Load_RefusesBrokenJson(string text)
    {
        Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(new MemoryStream(Encoding.UTF8.GetBytes(text))));
    }

    [Fact]
    public void Load_MeansOfWrongLength_IsRefused()
    {
        var original = new ColumnTransformer((new Pipeline(new StandardScaler()), ["a", "b"]));
        original.Fit(Tables.Of(Tables.Numbers("a", 1, 2), Tables.Numbers("b", 3, 5)));
        using var stream = new MemoryStream();
        original.Save(stream);
        var text = Encoding.UTF8.GetString(stream.ToArray());
        var broken = System.Text.RegularExpressions.Regex.Replace(text, "\"means\": \\[[^\\]]*\\]", "\"means\": [1.5]");

        var error = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(new MemoryStream(Encoding.UTF8.GetBytes(broken))));

        Assert.Contains("expected 2 items", error.Message);
    }
}
