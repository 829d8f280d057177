using System.Text;
using ModelGen.Data.Text;

namespace ModelGen.Data.Tests;

/// <summary>
/// What the preparation and tokenizer loaders refuse (issue 13): whatever the bytes, an
/// <see cref="InvalidDataException"/> naming the file and what is wrong, never another exception type; values that
/// would make the loaded preparation give NaN; file content shown escaped and cut in messages.
/// </summary>
public sealed class PreparationRefusalTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("modelgen-prep-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    internal static byte[] SavedPreparation()
    {
        var preparation = ColumnTransformerTests.Preparation();
        preparation.Fit(ColumnTransformerTests.Training());
        using var stream = new MemoryStream();
        preparation.Save(stream);
        return stream.ToArray();
    }

    internal static byte[] SavedTokenizer()
    {
        using var stream = new MemoryStream();
        new Tokenizer().Fit(["the cat sat", "the dog ate"]).Save(stream);
        return stream.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Replace(byte[] saved, string find, string replace) => Replace(saved, find, Encoding.UTF8.GetBytes(replace));

    private static byte[] Replace(byte[] saved, string find, byte[] replace)
    {
        var at = saved.AsSpan().IndexOf(Encoding.UTF8.GetBytes(find));
        Assert.True(at >= 0, $"The saved file lacks {find}.");
        return [.. saved[..at], .. replace, .. saved[(at + Encoding.UTF8.GetByteCount(find))..]];
    }

    // Defect 1: invalid UTF-8 threw InvalidOperationException ("Cannot transcode invalid UTF-8 JSON text"), no path.

    [Theory]
    [InlineData("\"pipeline-1\"")]
    [InlineData("\"format\"")]
    [InlineData("\"NA\"")]
    public void InvalidUtf8InAString_IsRefused_NamingTheFile(string field)
    {
        var bytes = Replace(SavedPreparation(), field, [(byte)'"', 0xC3, 0x28, (byte)'"']);
        var path = Write("model.preparation.json", bytes);

        var e = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(path));

        Assert.Contains("model.preparation.json", e.Message);
        Assert.Contains("not UTF-8", e.Message);
        Assert.Contains("\\xC3", e.Message);
    }

    [Fact]
    public void InvalidUtf8_InATokenizerFile_IsRefused_NamingTheFile()
    {
        var bytes = Replace(SavedTokenizer(), "\"cat\"", [(byte)'"', 0xFF, (byte)'"']);
        var path = Write("model.tokenizer.json", bytes);

        var e = Assert.Throws<InvalidDataException>(() => Tokenizer.Load(path));

        Assert.Contains("model.tokenizer.json", e.Message);
        Assert.Contains("\\xFF", e.Message);
    }

    [Theory]
    [InlineData("\"NA\"", "\"\\ud800\"")]
    [InlineData("\"name\"", "\"\\udc00\"")]
    public void EscapedUnpairedSurrogate_IsRefused(string find, string replace)
    {
        Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(new MemoryStream(Replace(SavedPreparation(), find, replace))));
        Assert.Throws<InvalidDataException>(() => Tokenizer.Load(new MemoryStream(Replace(SavedTokenizer(), "\"cat\"", "\"\\ud800\""))));
    }

    [Fact]
    public void EscapedUnpairedSurrogate_WhereANumberBelongs_IsRefused()
    {
        // Found by Tools/Fuzz (--target tokenizer, seed 1): comparing the string with "NaN" threw InvalidOperationException.
        var e = Assert.Throws<InvalidDataException>(() => Tokenizer.Load(new MemoryStream(Replace(SavedTokenizer(), "\"counts\": [\n    2", "\"counts\": [\n    \"\\ud800\""))));
        Assert.Contains("expected a number", e.Message);

        Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(new MemoryStream(Replace(SavedPreparation(), "\"version\": 1", "\"version\": \"\\udc00\""))));
    }

    [Theory]
    [InlineData("\"version\": 1", "\"version\": 1e400")]
    [InlineData("\"version\": 1", "\"version\": -1e400")]
    [InlineData("\"version\": 1", "\"version\": 1.5")]
    [InlineData("\"transformers\": [", "\"transformers\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")]
    [InlineData("\"format\"", "\"format\": 1, \"format\"")]
    [InlineData("\"transformers\"", "\"transformers\": {}, \"x\"")]
    [InlineData("\"columns\": [", "\"columns\": [1, ")]
    [InlineData("\"means\": [", "\"means\": [\"x\", ")]
    [InlineData("\"featureNames\": [", "\"featureNames\": [7, ")]
    public void WrongStructure_IsRefusedAsInvalidData(string find, string replace)
    {
        var e = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(new MemoryStream(Replace(SavedPreparation(), find, replace))));

        Assert.StartsWith("The preparation stream is refused:", e.Message);
    }

    // Semantic checks: a loaded preparation cannot produce NaN.

    [Theory]
    [InlineData("\"means\": [\n", "\"means\": [\n\"NaN\", ", "mean NaN is not a finite number")]
    [InlineData("\"means\": [\n", "\"means\": [\n1e400, ", "mean Infinity is not a finite number")]
    [InlineData("\"scales\": [\n", "\"scales\": [\n-1, ", "scale -1 is not a positive finite number")]
    [InlineData("\"scales\": [\n", "\"scales\": [\n0, ", "scale 0 is not a positive finite number")]
    [InlineData("\"scales\": [\n", "\"scales\": [\n\"Infinity\", ", "scale Infinity is not a positive finite number")]
    [InlineData("\"fills\": [\n", "\"fills\": [\n\"NaN\", ", "a numeric fill cannot be NaN")]
    [InlineData("\"fillNumber\": null", "\"fillNumber\": 3", "a fill value is used only by the Constant strategy")]
    [InlineData("\"values\": [\n", "\"values\": [\n\"x\", ", "a category appears twice")]
    public void StateThatWouldGiveNaN_IsRefused(string find, string replace, string expected)
    {
        var bytes = Encoding.UTF8.GetString(SavedPreparation());
        var at = bytes.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"The saved file lacks {find}.");
        // The first value of the array is replaced, so that the array keeps its length.
        var next = bytes.IndexOfAny([',', ']'], at + find.Length);
        var broken = string.Concat(bytes.AsSpan(0, at), replace.TrimEnd(' ', ','), bytes.AsSpan(next));

        var e = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(new MemoryStream(Encoding.UTF8.GetBytes(broken))));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void NumericCategoryNaN_IsRefused()
    {
        var preparation = new ColumnTransformer((new Pipeline(new OneHotEncoder()), ["m"]));
        preparation.Fit(Tables.Of(Tables.Numbers("m", 1, 12)));
        using var stream = new MemoryStream();
        preparation.Save(stream);
        var broken = Replace(stream.ToArray(), "\"values\": [", "\"values\": [\"NaN\", ");

        var e = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(new MemoryStream(broken)));

        Assert.Contains("a category cannot be NaN", e.Message);
    }

    [Fact]
    public void ScalerFit_OnInfinity_IsRefused_SoThatSaveNeverWritesWhatLoadRefuses()
    {
        var e = Assert.Throws<ArgumentException>(() => new StandardScaler().Fit(Tables.Of(Tables.Numbers("x", 1, double.PositiveInfinity))));

        Assert.Contains("infinite", e.Message);
        Assert.Throws<ArgumentException>(() => new StandardScaler().Fit(Tables.Of(Tables.Numbers("x", 1e308, -1e308, 1e308))));
    }

    [Fact]
    public void InfiniteConstantFill_SavesAndLoads()
    {
        // Found by the fuzz run: Save wrote the constant with WriteNumber, which throws for infinity.
        var preparation = new ColumnTransformer((new Pipeline(new SimpleImputer(ImputeStrategy.Constant, double.PositiveInfinity)), ["n"]));
        preparation.Fit(Tables.Of(Tables.Numbers("n", 1, double.NaN)));
        using var stream = new MemoryStream();

        preparation.Save(stream);
        var loaded = ColumnTransformer.Load(new MemoryStream(stream.ToArray()));

        Assert.Equal(double.PositiveInfinity, ((SimpleImputer)loaded.Pipelines[0].Steps[0]).FillNumber);
        Assert.Equal([1, float.PositiveInfinity], loaded.Transform(Tables.Of(Tables.Numbers("n", 1, double.NaN))).Values);
    }

    [Fact]
    public void LoadedPreparation_TransformsToFiniteValues()
    {
        var loaded = ColumnTransformer.Load(new MemoryStream(SavedPreparation()));

        var matrix = loaded.Transform(Tables.Of(Tables.Numbers("a", 1e300, -5, double.NaN), Tables.Texts("c", "x", "zz", null)));

        Assert.All(matrix.Values, v => Assert.False(float.IsNaN(v)));
    }

    // Defect 9: messages echoed file content verbatim.

    [Fact]
    public void EscapeSequencesAndLongText_AreShownEscapedAndCut()
    {
        var evil = "\\u001b[2J\\u001b]0;pwned\\u0007" + new string('A', 100_000);
        var bytes = Replace(SavedPreparation(), "\"ModelGen.ColumnTransformer\"", $"\"{evil}\"");

        var e = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(new MemoryStream(bytes)));

        Assert.Contains("'\\u001b[2J\\u001b]0;pwned\\u0007AAA", e.Message);
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.DoesNotContain('\u0007', e.Message);
        Assert.True(e.Message.Length < 500, $"The message has {e.Message.Length} characters.");
    }

    [Fact]
    public void EscapeSequenceInAStepKind_IsEscaped()
    {
        var bytes = Replace(SavedPreparation(), "\"kind\": \"SimpleImputer\"", "\"\\u001b[31m\": 1, \"kind\": \"Other\\u009b\"");

        var e = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(new MemoryStream(bytes)));

        Assert.Contains("unknown step kind 'Other\\u009b'", e.Message);
        Assert.DoesNotContain('\u009b', e.Message);
    }

    [Fact]
    public void EscapeSequenceInATokenizerSetting_IsEscaped()
    {
        var bytes = Replace(SavedTokenizer(), "\"outOfVocabularyToken\": ", "\"outOfVocabularyToken\": \"oov\\u001bx\", \"x\": ");

        var e = Assert.Throws<InvalidDataException>(() => Tokenizer.Load(new MemoryStream(bytes)));

        Assert.Contains("oov\\u001bx", e.Message);
        Assert.DoesNotContain('\u001b', e.Message);
    }

    // Bounded reading: not a regular file, too large, not a JSON object.

    [Fact]
    public void DeviceOrEmptyFile_IsRefusedAtOnce()
    {
        if (File.Exists("/dev/zero"))
        {
            var e = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load("/dev/zero"));
            Assert.Contains("not a regular file", e.Message);
            Assert.Throws<InvalidDataException>(() => Tokenizer.Load("/dev/zero"));
        }
        Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(Write("empty.json", [])));
    }

    [Fact]
    public void Folder_IsRefusedAsInvalidData_AsTheWeightLoaderDoes()
    {
        var e = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(directory));
        Assert.Contains("is a folder", e.Message);
        Assert.Throws<InvalidDataException>(() => Tokenizer.Load(directory));
        Assert.Contains("is a folder", Assert.Throws<InvalidDataException>(() => Table.ReadCsv(directory)).Message);
    }

    [Fact]
    public void BinaryStream_IsRefusedAfterItsFirstChunk()
    {
        var zeros = new ZeroStream();

        var e = Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(zeros));

        Assert.Contains("not a JSON object", e.Message);
        Assert.Contains("\\x00", e.Message);
        Assert.True(zeros.Consumed < 1 << 20, $"{zeros.Consumed:N0} bytes were read.");
    }

    [Fact]
    public void FileOverTheLimit_IsRefusedBeforeItIsRead()
    {
        var path = Path.Combine(directory, "huge.tokenizer.json");
        using (var file = File.Create(path)) file.SetLength(Tokenizer.MaxFileBytes + 1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Tokenizer.Load(path));

        Assert.Contains("more than the 268,435,456", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("\"format\"")]
    [InlineData("null")]
    [InlineData("{\"format\": \"ModelGen.ColumnTransformer\", \"version\": 1}")]
    public void SomethingElse_IsRefused(string text)
    {
        Assert.Throws<InvalidDataException>(() => ColumnTransformer.Load(new MemoryStream(Encoding.UTF8.GetBytes(text))));
        Assert.Throws<InvalidDataException>(() => Tokenizer.Load(new MemoryStream(Encoding.UTF8.GetBytes(text))));
    }

    [Fact]
    public void ByteOrderMark_IsAccepted()
    {
        var loaded = ColumnTransformer.Load(new MemoryStream([0xEF, 0xBB, 0xBF, .. SavedPreparation()]));

        Assert.Equal(4, loaded.FeatureCount);
    }

    /// <summary>An endless stream of one byte, counting what was read.</summary>
    private sealed class ZeroStream : Stream
    {
        public long Consumed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Clear();
            Consumed += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
