using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Weight files from somewhere else: whatever the bytes, Load refuses with an <see cref="InvalidDataException"/> naming
/// the file and what is wrong, reads no more than the model needs, and leaves the model unchanged.
/// </summary>
public sealed class WeightFileRefusalTests : IDisposable
{
    // A refusal reads the 8-byte length, at most the header and the model's weights: far below this for these models.
    private const long RefusalAllocationLimit = 1 << 20;

    // Long enough for a loader that blocks or reads without end to show; a refusal takes milliseconds.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-refusal-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> InvalidUtf8Places => ["name", "dtype", "metadata"];

    [Theory]
    [MemberData(nameof(InvalidUtf8Places))]
    public void InvalidUtf8InTheHeaderIsRefusedNamingTheFile(string place)
    {
        string header = place switch
        {
            "name" => LinearHeader(weightName: "dense0.w\u00ffight"),
            "dtype" => LinearHeader(dtype: "F\u00ff2"),
            _ => LinearHeader(metadata: "{\"format\":\"p\u00ff\"}"),
        };

        // Written as Latin-1 so that U+00FF becomes the single byte 0xFF, never valid in UTF-8.
        string path = Write("utf8-" + place, Encoding.Latin1.GetBytes(header), LinearData);

        InvalidDataException error = AssertRefused(path);
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public void AnEscapedLoneSurrogateInATensorNameIsRefusedNamingTheFile()
    {
        string path = Write("surrogate", Encoding.UTF8.GetBytes(LinearHeader(weightName: "dense0\\ud800weight")), LinearData);

        AssertRefused(path);
    }

    [Fact]
    public void ANegativeRunningVarianceIsRefusedAndNothingIsLoaded()
    {
        using var source = new CancerNet(batchCapacity: 1, seed: 1);
        float[] weights = Weights(source);
        ParameterInfo variance = source.Layout.Parameters.Single(p => p.Name == "norm0.running_var");
        weights[variance.Offset + 3] = -0.5f;
        string path = Path.Combine(_folder, "negative-variance.safetensors");
        File.WriteAllBytes(path, SafeTensors.Encode(source.Layout, weights));
        using var model = new CancerNet(batchCapacity: 1, seed: 2);
        float[] before = Weights(model);

        var error = Assert.Throws<InvalidDataException>(() => model.Load(path));

        Assert.Contains("norm0.running_var", error.Message);
        Assert.Contains("negative", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Equal(before, Weights(model));
    }

    [Fact]
    public void AZeroRunningVarianceLoads()
    {
        using var source = new CancerNet(batchCapacity: 1, seed: 1);
        float[] weights = Weights(source);
        ParameterInfo variance = source.Layout.Parameters.Single(p => p.Name == "norm0.running_var");
        weights.AsSpan(variance.Offset, variance.Length).Clear();
        string path = Path.Combine(_folder, "zero-variance.safetensors");
        File.WriteAllBytes(path, SafeTensors.Encode(source.Layout, weights));
        using var model = new CancerNet(batchCapacity: 1, seed: 2);

        model.Load(path);

        Assert.Equal(weights, Weights(model));
    }

    [Fact]
    public void AnInfiniteWeightIsRefused()
    {
        string path = Path.Combine(_folder, "infinite.safetensors");
        using var source = new LinearNet(1);
        File.WriteAllBytes(path, SafeTensors.Encode(source.Layout, [1, float.PositiveInfinity, 3]));

        InvalidDataException error = AssertRefused(path);
        Assert.Contains("Infinity", error.Message);
    }

    [Fact]
    public void AFolderIsRefusedAtOnce()
    {
        string path = Directory.CreateDirectory(Path.Combine(_folder, "weights.safetensors")).FullName;

        InvalidDataException error = AssertRefused(path);
        Assert.Contains("folder", error.Message);
    }

    [Fact]
    public async Task APipeIsRefusedWithoutWaitingForAWriter()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        string path = Path.Combine(_folder, "pipe.safetensors");
        using (Process mkfifo = Process.Start("mkfifo", [path]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        try
        {
            (Exception? error, _) = await LoadWithin(path);
            Assert.IsType<InvalidDataException>(error);
            Assert.Contains(path, error.Message);
        }
        finally
        {
            // A loader still blocked in open() is released by a writer that opens and closes the pipe at once.
            Task release = Task.Run(() => new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite).Dispose());
            await Task.WhenAny(release, Task.Delay(TimeSpan.FromSeconds(1)));
        }
    }

    [Fact]
    public async Task ALinkToAPipeIsRefusedWithoutWaitingForAWriter()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        string pipe = Path.Combine(_folder, "pipe");
        using (Process mkfifo = Process.Start("mkfifo", [pipe]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        string path = Path.Combine(_folder, "link.safetensors");
        File.CreateSymbolicLink(path, pipe);
        try
        {
            (Exception? error, _) = await LoadWithin(path);
            Assert.IsType<InvalidDataException>(error);
            Assert.Contains(path, error.Message);
        }
        finally
        {
            Task release = Task.Run(() => new FileStream(pipe, FileMode.Open, FileAccess.Write, FileShare.ReadWrite).Dispose());
            await Task.WhenAny(release, Task.Delay(TimeSpan.FromSeconds(1)));
        }
    }

    [Fact]
    public async Task AnEndlessDeviceIsRefusedWithoutReadingIt()
    {
        const string Zero = "/dev/zero";
        if (!File.Exists(Zero))
        {
            return;
        }

        (Exception? error, long allocated) = await LoadWithin(Zero);

        Assert.IsType<InvalidDataException>(error);
        Assert.Contains(Zero, error.Message);
        Assert.True(allocated < RefusalAllocationLimit, $"refusing {Zero} allocated {allocated} bytes");
    }

    [Fact]
    public void ALargeFileWithABadHeaderIsRefusedWithoutReadingTheRest()
    {
        // A sparse 256 MB file: a 16-byte header that is not JSON, then zeros.
        string path = Path.Combine(_folder, "large.safetensors");
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            Span<byte> start = stackalloc byte[24];
            BinaryPrimitives.WriteUInt64LittleEndian(start, 16);
            "not a JSON head!"u8.CopyTo(start[8..]);
            stream.Write(start);
            stream.SetLength(256L << 20);
        }

        (InvalidDataException error, long allocated) = RefuseMeasured(path);

        Assert.Contains("JSON", error.Message);
        Assert.True(allocated < RefusalAllocationLimit, $"refusing a 256 MB file with a bad header allocated {allocated} bytes");
    }

    [Fact]
    public void AHeaderLongerThanTheFormatAllowsIsRefusedBeforeItIsRead()
    {
        // The reference implementation refuses headers over 100,000,000 bytes; this one claims 150,000,000 of a
        // sparse 160 MB file.
        string path = Path.Combine(_folder, "long-header.safetensors");
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            Span<byte> start = stackalloc byte[9];
            BinaryPrimitives.WriteUInt64LittleEndian(start, 150_000_000);
            start[8] = (byte)'{';
            stream.Write(start);
            stream.SetLength(160_000_000);
        }

        (InvalidDataException error, long allocated) = RefuseMeasured(path);

        Assert.Contains("150000000", error.Message);
        Assert.Contains("100000000", error.Message);
        Assert.True(allocated < RefusalAllocationLimit, $"refusing a 150 MB header allocated {allocated} bytes");
    }

    [Fact]
    public void AHeaderLengthBeyondTheFileIsRefused()
    {
        var file = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(file, ulong.MaxValue);
        string path = Path.Combine(_folder, "beyond.safetensors");
        File.WriteAllBytes(path, file);

        InvalidDataException error = AssertRefused(path);
        Assert.Contains(ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public async Task AFileRewrittenWhileItIsReadIsRefusedNamingThePath()
    {
        using var model = new WideNet(batchCapacity: 1, seed: 1);
        string path = Path.Combine(_folder, "rewritten.safetensors");
        model.Save(path);
        byte[] contents = File.ReadAllBytes(path);
        float[] saved = Weights(model);
        using var stop = new CancellationTokenSource();

        // Another program rewriting the file in place: truncate, then write it again in pieces, over and over.
        Task writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
                    for (int offset = 0; offset < contents.Length; offset += 1 << 16)
                    {
                        stream.Write(contents.AsSpan(offset, Math.Min(1 << 16, contents.Length - offset)));
                    }
                }
                catch (IOException)
                {
                    // Where the reader's share mode keeps the writer out for a moment (Windows).
                }
            }
        });

        int loaded = 0, refused = 0;
        Exception? unexpected = null;
        var watch = Stopwatch.StartNew();
        try
        {
            while (watch.Elapsed < TimeSpan.FromSeconds(2) && unexpected is null)
            {
                try
                {
                    model.Load(path);
                    Assert.Equal(saved, Weights(model));
                    loaded++;
                }
                catch (Exception error) when (error.GetType() == typeof(InvalidDataException) || error.GetType() == typeof(IOException))
                {
                    Assert.Contains(path, error.Message);
                    refused++;
                }
                catch (Exception error)
                {
                    unexpected = error;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }

        Assert.True(unexpected is null, $"after {loaded} loads and {refused} refusals: {unexpected}");
    }

    [Fact]
    public void ATensorNameIsShownWithItsControlCharactersEscaped()
    {
        string path = Write("ansi", Encoding.UTF8.GetBytes(LinearHeader(weightName: "\\u001b[31mdense0.weight\\u001b[0m")), LinearData);

        InvalidDataException error = AssertRefused(path);

        Assert.DoesNotContain('\u001b', error.Message);
        Assert.Contains("\\u001b[31mdense0.weight", error.Message);
    }

    [Fact]
    public void ADtypeIsShownWithItsControlCharactersEscaped()
    {
        string path = Write("ansi-dtype", Encoding.UTF8.GetBytes(LinearHeader(dtype: "\\u001b[2J\\r\\nF32")), LinearData);

        InvalidDataException error = AssertRefused(path);

        Assert.DoesNotContain('\u001b', error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("\\u001b[2J\\r\\nF32", error.Message);
    }

    [Fact]
    public void AShapeWithAMillionDimensionsIsSummarised()
    {
        string shape = "[" + string.Join(",", Enumerable.Repeat("1", 1_000_000)) + "]";
        string path = Write("million", Encoding.UTF8.GetBytes(LinearHeader(weightShape: shape)), LinearData);

        InvalidDataException error = AssertRefused(path);

        Assert.Contains("1000000 dimensions", error.Message);
        Assert.True(error.Message.Length < 1000, $"the message is {error.Message.Length} characters long");
    }

    [Fact]
    public void ALongTensorNameIsCut()
    {
        string path = Write("long-name", Encoding.UTF8.GetBytes(LinearHeader(weightName: new string('w', 100_000))), LinearData);

        InvalidDataException error = AssertRefused(path);

        Assert.Contains("wwww\u2026", error.Message);
        Assert.True(error.Message.Length < 1000, $"the message is {error.Message.Length} characters long");
    }

    private static byte[] LinearData
    {
        get
        {
            var data = new byte[12];
            BinaryPrimitives.WriteSingleLittleEndian(data, 1f);
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), 2f);
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(8), 3f);
            return data;
        }
    }

    /// <summary>LinearNet's header as JSON text, with one part replaced (the JSON escapes in it are kept as written).</summary>
    private static string LinearHeader(string weightName = "dense0.weight", string dtype = "F32", string weightShape = "[1,2]", string metadata = "{\"format\":\"pt\"}") =>
        $"{{\"{weightName}\":{{\"dtype\":\"{dtype}\",\"shape\":{weightShape},\"data_offsets\":[0,8]}}," +
        $"\"dense0.bias\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}},\"__metadata__\":{metadata}}}";

    /// <summary>Writes a safetensors file of <paramref name="header"/> (padded with spaces) and <paramref name="data"/>.</summary>
    private string Write(string name, byte[] header, byte[] data)
    {
        int padded = (header.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        string path = Path.Combine(_folder, name + ".safetensors");
        File.WriteAllBytes(path, file);
        return path;
    }

    /// <summary>Loads <paramref name="path"/> into a LinearNet and checks the refusal: its type, the path, no change.</summary>
    private static InvalidDataException AssertRefused(string path)
    {
        using var model = new LinearNet(1, seed: 4);
        float[] before = Weights(model);

        var error = Assert.Throws<InvalidDataException>(() => model.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Equal(before, Weights(model));
        return error;
    }

    private static (InvalidDataException Error, long Allocated) RefuseMeasured(string path)
    {
        using var model = new LinearNet(1, seed: 4);
        float[] before = Weights(model);
        long start = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => model.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;

        Assert.Contains(path, error.Message);
        Assert.Equal(before, Weights(model));
        return (error, allocated);
    }

    /// <summary>Loads <paramref name="path"/> on a worker; fails the test if that takes longer than <see cref="HangLimit"/>.</summary>
    private static async Task<(Exception? Error, long Allocated)> LoadWithin(string path)
    {
        var load = Task.Run(() =>
        {
            using var model = new LinearNet(1, seed: 4);
            long start = GC.GetAllocatedBytesForCurrentThread();
            Exception? error = Record.Exception(() => model.Load(path));
            return (error, GC.GetAllocatedBytesForCurrentThread() - start);
        });

        Assert.True(await Task.WhenAny(load, Task.Delay(HangLimit)) == load, $"loading {path} did not end within {HangLimit.TotalSeconds} s");
        return await load;
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }
}
