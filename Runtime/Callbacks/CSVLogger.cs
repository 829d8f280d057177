using System.Globalization;
using System.Text;

namespace ModelGen;

/// <summary>
/// Writes one CSV row per epoch (Keras' <c>CSVLogger</c>), in Keras' format: the columns are <c>epoch</c> (0-based)
/// then the first epoch's log keys sorted (ordinal), followed by a <c>val_</c> column for each key when the logs have
/// no validation keys; a missing value is written <c>NA</c>; numbers as Python writes floats (<c>0.5</c>, <c>1.0</c>,
/// <c>1e-05</c>, <c>nan</c>); rows end in CRLF as Python's csv writer ends them; a field holding the separator, a quote
/// or a line break is quoted.
/// </summary>
/// <remarks>
/// Each epoch's row is appended and flushed to disk before the next epoch starts, so a killed run keeps every
/// finished epoch. With <c>append: true</c> an existing file is never truncated: rows are added at its end, and the
/// header is written only when the file is missing or empty (so a resumed run does not repeat it). With
/// <c>append: false</c> the file is emptied when training begins, as Keras opens it with mode "w".
/// </remarks>
public sealed class CSVLogger : Callback
{
    private string[]? _keys;
    private bool _writeHeader;

    /// <summary>Creates the callback.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="separator">The field separator (',').</param>
    /// <param name="append">Whether to add to an existing file rather than overwrite it (false).</param>
    public CSVLogger(string path, char separator = ',', bool append = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (separator is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"The separator cannot be a quote or a line break.", nameof(separator));
        }

        Path = path;
        Separator = separator;
        Append = append;
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>The field separator.</summary>
    public char Separator { get; }

    /// <summary>Whether rows are added to an existing file.</summary>
    public bool Append { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _keys = null;
        if (Model?.IsWriter == false)
        {
            // Data-parallel training: rank 0 alone writes the log.
            return;
        }

        if (Append)
        {
            // Keras: the header is written only when the file is missing or empty.
            _writeHeader = !File.Exists(Path) || new FileInfo(Path).Length == 0;
        }
        else
        {
            using (new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read))
            {
            }

            _writeHeader = true;
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (Model?.IsWriter == false)
        {
            return;
        }

        if (_keys is null)
        {
            var keys = logs.Keys.ToList();
            keys.Sort(StringComparer.Ordinal);
            if (!keys.Any(k => k.StartsWith("val_", StringComparison.Ordinal)) && keys.Count > 0)
            {
                keys.AddRange([.. keys.Select(k => "val_" + k)]);
            }

            _keys = [.. keys];
        }

        var text = new StringBuilder();
        if (_writeHeader)
        {
            text.Append("epoch");
            foreach (string key in _keys)
            {
                text.Append(Separator).Append(Field(key));
            }

            text.Append("\r\n");
        }

        text.Append(epoch.ToString(CultureInfo.InvariantCulture));
        foreach (string key in _keys)
        {
            text.Append(Separator).Append(logs.TryGetValue(key, out double value) ? PythonFloat(value) : "NA");
        }

        text.Append("\r\n");
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        using (var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        _writeHeader = false;
    }

    /// <summary>A float as Python's <c>repr</c> writes it: the shortest round-trip digits, fixed notation for decimal exponents -4 to 15 (with ".0" when whole), otherwise <c>d.ddde±XX</c>.</summary>
    internal static string PythonFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        string sign = double.IsNegative(value) ? "-" : "";
        if (value == 0)
        {
            return sign + "0.0";
        }

        // .NET's round-trip form has the shortest digits too; take its digits and decimal exponent apart.
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int exponent = 0;
        int e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        int dot = r.IndexOf('.', StringComparison.Ordinal);
        string whole = dot < 0 ? r : r[..dot];
        string digits = whole + (dot < 0 ? "" : r[(dot + 1)..]);
        int point = whole.Length + exponent; // the decimal point falls after this many digits
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..].TrimEnd('0');
        point -= lead;
        int scientific = point - 1;
        if (scientific is >= -4 and < 16)
        {
            if (point <= 0)
            {
                return sign + "0." + new string('0', -point) + digits;
            }

            return point >= digits.Length
                ? sign + digits + new string('0', point - digits.Length) + ".0"
                : sign + digits[..point] + "." + digits[point..];
        }

        string mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        return sign + mantissa + "e" + (scientific < 0 ? "-" : "+") + Math.Abs(scientific).ToString("00", CultureInfo.InvariantCulture);
    }

    // Python's csv QUOTE_MINIMAL: quote a field holding the separator, a quote or a line break, doubling quotes.
    private string Field(string value) =>
        value.IndexOfAny([Separator, '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
