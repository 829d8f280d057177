using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ModelGen;

/// <summary>
/// Keras-style console output: "Epoch 3/100", then, on an interactive console with verbose 1, a progress bar
/// over the steps redrawn in place, and one summary line per epoch:
/// "12/12 - 0s - 4ms/step - binary_accuracy: 0.9512 - loss: 0.1523 - val_binary_accuracy: 0.9649 - val_loss: 0.1102".
/// </summary>
internal sealed class ProgressPrinter
{
    private const int BarWidth = 20;
    private const double RedrawSeconds = 0.05;

    private readonly TextWriter? _output;
    private readonly bool _bar;
    private long _lastDraw;

    public ProgressPrinter(int verbose, TextWriter? output)
    {
        if (verbose is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch).");
        }

        if (verbose > 0)
        {
            _output = output ?? Console.Out;
            _bar = verbose == 1 && output is null && !Console.IsOutputRedirected;
        }
    }

    public void EpochBegin(int epoch, int epochs)
    {
        _output?.WriteLine($"Epoch {epoch + 1}/{epochs}");
        _lastDraw = 0;
    }

    /// <summary>Redraws the bar after <paramref name="done"/> of <paramref name="steps"/> steps (interactive only, throttled).</summary>
    public void Step(int done, int steps, long epochStart, double loss)
    {
        if (!_bar)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (done < steps && _lastDraw != 0 && Stopwatch.GetElapsedTime(_lastDraw, now).TotalSeconds < RedrawSeconds)
        {
            return;
        }

        _lastDraw = now;
        double elapsed = Stopwatch.GetElapsedTime(epochStart, now).TotalSeconds;
        double remaining = done == 0 ? 0 : elapsed / done * (steps - done);
        _output!.Write($"\r{Counter(done, steps)} {Bar(done, steps)} {Seconds(remaining)} {PerStep(elapsed, done)} - loss: {Number(loss)}\u001b[K");
    }

    public void EpochEnd(int steps, double seconds, IReadOnlyDictionary<string, double> logs)
    {
        if (_output is null)
        {
            return;
        }

        var line = new StringBuilder();
        line.Append(_bar ? "\r" : "").Append(Counter(steps, steps));
        line.Append(_bar ? $" {Bar(steps, steps)} " : " - ").Append(Seconds(seconds)).Append(_bar ? " " : " - ").Append(PerStep(seconds, steps));
        var keys = new List<string>(logs.Keys);
        keys.Sort(StringComparer.Ordinal);
        foreach (string key in keys)
        {
            line.Append(" - ").Append(key).Append(": ").Append(Number(logs[key]));
        }

        if (_bar)
        {
            line.Append("\u001b[K");
        }

        _output.WriteLine(line.ToString());
    }

    public void Message(string text) => _output?.WriteLine(text);

    private static string Counter(int done, int steps) => $"{done.ToString(CultureInfo.InvariantCulture).PadLeft(steps.ToString(CultureInfo.InvariantCulture).Length)}/{steps}";

    private static string Bar(int done, int steps)
    {
        int filled = steps == 0 ? BarWidth : (int)((long)done * BarWidth / steps);
        return new string('━', filled) + new string('─', BarWidth - filled);
    }

    private static string Seconds(double seconds) => ((long)Math.Round(seconds)).ToString(CultureInfo.InvariantCulture) + "s";

    private static string PerStep(double seconds, int steps)
    {
        double perStep = steps == 0 ? 0 : seconds / steps;
        return perStep >= 1e-3
            ? ((long)Math.Round(perStep * 1e3)).ToString(CultureInfo.InvariantCulture) + "ms/step"
            : ((long)Math.Round(perStep * 1e6)).ToString(CultureInfo.InvariantCulture) + "us/step";
    }

    private static string Number(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
