using System.Globalization;
using System.Text;

namespace ModelGen;

/// <summary>
/// What <see cref="CompiledModel.Fit"/> recorded, one value per epoch for each log key (Keras' <c>History</c>):
/// <c>loss</c> and the metrics, then <c>val_loss</c> and the validation metrics, plus each epoch's seconds.
/// </summary>
public sealed class History
{
    private readonly string[] _keys;
    private readonly List<double>[] _values;
    private readonly List<double> _seconds = [];

    internal History(string[] keys)
    {
        _keys = keys;
        _values = new List<double>[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            _values[i] = [];
        }
    }

    /// <summary>The log keys in column order: loss, metrics, val_loss, validation metrics.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The number of epochs recorded.</summary>
    public int Epochs => _seconds.Count;

    /// <summary>Wall-clock seconds of each epoch (training and validation).</summary>
    public IReadOnlyList<double> Seconds => _seconds;

    /// <summary>The values of one key, one per epoch.</summary>
    /// <exception cref="KeyNotFoundException">The key was not logged.</exception>
    public IReadOnlyList<double> this[string key]
    {
        get
        {
            int index = Array.IndexOf(_keys, key);
            if (index < 0)
            {
                throw new KeyNotFoundException($"History has no '{key}'; it has {string.Join(", ", _keys)}.");
            }

            return _values[index];
        }
    }

    /// <summary>Whether a key was logged.</summary>
    public bool Contains(string key) => Array.IndexOf(_keys, key) >= 0;

    internal void Add(IReadOnlyDictionary<string, double> logs, double seconds)
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            _values[i].Add(logs[_keys[i]]);
        }

        _seconds.Add(seconds);
    }

    /// <summary>
    /// The history as CSV, Keras' CSVLogger layout: a header <c>epoch,loss,...,val_loss,...,seconds</c> then one line
    /// per epoch (0-based), numbers in the invariant culture with round-trip precision.
    /// </summary>
    /// <param name="includeSeconds">Whether to end each line with the epoch's wall-clock seconds; leave them out to
    /// compare the figures of two reproducible runs.</param>
    public string ToCsv(bool includeSeconds = true)
    {
        var text = new StringBuilder();
        text.Append("epoch");
        foreach (string key in _keys)
        {
            text.Append(',').Append(key);
        }

        text.Append(includeSeconds ? ",seconds\n" : "\n");
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            text.Append(epoch.ToString(CultureInfo.InvariantCulture));
            foreach (List<double> column in _values)
            {
                text.Append(',').Append(column[epoch].ToString("R", CultureInfo.InvariantCulture));
            }

            if (includeSeconds)
            {
                text.Append(',').Append(_seconds[epoch].ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/> through a temporary file renamed over it.</summary>
    public void Save(string path)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(ToCsv());
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
