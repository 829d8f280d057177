using ModelGen.Samples.HotelCancellations;

namespace ModelGen.Samples.Tests;

/// <summary>One short training run of the hotel sample through its command line, shared by the hotel tests.</summary>
public sealed class HotelModelFixture : IDisposable
{
    /// <summary>Training rows (and validation rows) used: enough for a sensible model, few enough for a quick test.</summary>
    public const int Rows = 4000;

    /// <summary>Trains one epoch on <see cref="Rows"/> rows of each part, one thread, seed 0.</summary>
    public HotelModelFixture()
    {
        ExitCode = SampleRunner.Run(typeof(HotelNet).Assembly,
            "--epochs", "1", "--rows", $"{Rows}", "--threads", "1", "--seed", "0", "--out", Folder.Path);
    }

    /// <summary>Where the run wrote its outputs.</summary>
    public TempFolder Folder { get; } = new();

    /// <summary>The train command's exit code.</summary>
    public int ExitCode { get; }

    /// <inheritdoc/>
    public void Dispose() => Folder.Dispose();
}
