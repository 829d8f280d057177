using System.IO.Compression;
using System.Text;
using ModelGen.Data;
using nietras.SeparatedValues;

namespace ModelGen.Samples.HotelCancellations;

/// <summary>
/// Reads the bookings the predict command scores, every cell as written: nothing is read as missing here, so that a
/// message can show an empty cell as empty and "NA" as "NA". A row whose field count is not the header's cannot be
/// split into columns; it is reported and read as a row of empty cells, so the other rows are still scored and keep
/// their numbers. Rows count from 0, the first record after the header, as the table's rows do.
/// </summary>
/// <remarks>
/// Table.ReadCsv refuses a whole file for one ragged row, so the records are first split here with Sep (the reader
/// ModelGen.Data uses, with the same separator detection and quoting), bounded and checked as UTF-8 as ReadCsv does.
/// A file without a ragged row is then read by ReadCsv as it stands, with every check it makes on a file; one with
/// ragged rows is read from the records kept, and if gzipped, is first read whole by ReadCsv as one column, so that a
/// file cut short or damaged is refused rather than scored up to the cut.
/// </remarks>
internal static class BookingsFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads <paramref name="path"/> (".gz" is decompressed); each ragged row adds its problem to <paramref name="problems"/>.</summary>
    /// <exception cref="InvalidDataException">
    /// The file is empty or not a regular file, holds more than <see cref="CsvReadOptions.DefaultMaxBytes"/> bytes (once
    /// decompressed), is not UTF-8, is a damaged gzip, has a quote that never closes (every later line would be one
    /// cell), or <see cref="Table.ReadCsv(string, CsvReadOptions?)"/> refuses it.
    /// </exception>
    public static Table Read(string path, IDictionary<int, string> problems)
    {
        string shownPath = DisplayText.Escape(path);

        // A pipe or a device (/dev/zero) reports a length of 0, as an empty file does; opening a pipe would wait
        // for a writer, reading a device would never end.
        if (new FileInfo(path).Length == 0)
        {
            throw new InvalidDataException($"{shownPath} is empty or not a regular file (a pipe or a device).");
        }

        bool compressed = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        var kept = new StringBuilder();
        var ragged = new Dictionary<int, string>();
        string? refusal = null;
        char separator;
        var seen = new bool[128];
        try
        {
            using var bounded = new BoundedStream(compressed ? new GZipStream(File.OpenRead(path), CompressionMode.Decompress) : File.OpenRead(path), CsvReadOptions.DefaultMaxBytes);
            using var text = new StreamReader(bounded, StrictUtf8, detectEncodingFromByteOrderMarks: true);
            using var reader = Sep.Reader(o => o with { HasHeader = false, DisableColCountCheck = true }).From(text);
            separator = reader.Spec.Sep.Separator;
            int headerFields = 0;
            int record = -1;
            foreach (var row in reader)
            {
                ReadOnlySpan<char> fields = row.Span;
                Mark(fields, seen);

                // Quotes come in pairs in any record Sep could end: an odd count means one opened and ran to the end of the file.
                if (fields.Count('"') % 2 != 0)
                {
                    refusal = $"{shownPath}, line {row.LineNumberFrom}: a quote opens and never closes, so every later line would be one cell: {DisplayText.Quote(fields)}.";
                    break;
                }

                if (record < 0)
                {
                    headerFields = row.ColCount;
                    kept.Append(fields).Append('\n');
                }
                else if (row.ColCount != headerFields)
                {
                    ragged.Add(record, Ragged(record, row.ColCount, headerFields, fields));
                    kept.Append(separator, headerFields - 1).Append('\n');
                }
                else
                {
                    kept.Append(fields).Append('\n');
                }

                record++;
            }

            // The limit cuts the last record, which may look ragged or unclosed: the size is the problem.
            if (bounded.Exceeded)
            {
                refusal = $"{shownPath} holds more than {CsvReadOptions.DefaultMaxBytes:N0} bytes{(compressed ? " once decompressed" : "")}, more than predict reads.";
            }
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{shownPath} is not UTF-8 text: {DisplayText.Escape(e.Message)}", e);
        }
        catch (NotSupportedException e)
        {
            throw new InvalidDataException($"{shownPath} has a row longer than the CSV reader takes ({DisplayText.Escape(e.Message)}).", e);
        }
        catch (InvalidDataException e) when (compressed)
        {
            throw new InvalidDataException($"{shownPath} cannot be decompressed (not gzip, or damaged): {DisplayText.Escape(e.Message)}", e);
        }

        if (refusal is not null)
        {
            throw new InvalidDataException(refusal);
        }

        var options = new CsvReadOptions { Separator = separator, MissingMarkers = [] };
        if (ragged.Count == 0)
        {
            return Table.ReadCsv(path, options);
        }

        // Only ReadCsv checks gzip's trailers: read the file whole through it, each record one cell (split at a
        // character no record holds; Sep takes U+001F to '~'), and throw the table away.
        int unused = new[] { 31 }.Concat(Enumerable.Range(32, 95).Reverse()).FirstOrDefault(c => c != '"' && !seen[c]);
        if (compressed && unused != 0)
        {
            Table.ReadCsv(path, new CsvReadOptions { Separator = (char)unused, MissingMarkers = [] });
        }

        foreach (var (record, problem) in ragged)
        {
            problems.Add(record, problem);
        }

        return Table.ReadCsv(new StringReader(kept.ToString()), options);
    }

    /// <summary>The columns a header line names (a table without rows); standard input's first line.</summary>
    /// <exception cref="InvalidDataException">The header has a quote that never closes, a column without a name or named twice.</exception>
    public static Table ReadHeader(string header)
    {
        if (header.Count('"') % 2 != 0)
        {
            throw new InvalidDataException($"a quote opens and never closes: {DisplayText.Quote(header)}.");
        }

        return Table.ReadCsv(new StringReader(header), new CsvReadOptions { Separator = Separator(header), MissingMarkers = [] });
    }

    /// <summary>
    /// One booking of standard input, every cell as written, as a table of one row; or null, with its problem added to
    /// <paramref name="problems"/> under <paramref name="record"/>, when the line is blank, has a quote that does not close
    /// on it (a record never spans lines there) or has another number of fields than <paramref name="header"/>.
    /// </summary>
    public static Table? ReadRecord(string header, string line, int record, IDictionary<int, string> problems)
    {
        if (line.Count('"') % 2 != 0)
        {
            problems.Add(record, $"Row {record + 1} has a quote that does not close on its line: {DisplayText.Quote(line)}; the booking is skipped.");
            return null;
        }

        string text = header + "\n" + line;
        char separator;
        int headerFields, fields;
        using (var reader = Sep.Reader(o => o with { HasHeader = false, DisableColCountCheck = true }).FromText(text))
        {
            separator = reader.Spec.Sep.Separator;
            reader.MoveNext();
            headerFields = reader.Current.ColCount;
            fields = reader.MoveNext() ? reader.Current.ColCount : 1;
        }

        if (fields != headerFields)
        {
            problems.Add(record, Ragged(record, fields, headerFields, line));
            return null;
        }

        return Table.ReadCsv(new StringReader(text), new CsvReadOptions { Separator = separator, MissingMarkers = [] });
    }

    /// <summary>The separator Sep finds in a header, as the file mode reads it.</summary>
    private static char Separator(string header)
    {
        using var reader = Sep.Reader(o => o with { HasHeader = false, DisableColCountCheck = true }).FromText(header);
        return reader.Spec.Sep.Separator;
    }

    /// <summary>Marks in <paramref name="seen"/> each ASCII character of <paramref name="text"/>.</summary>
    private static void Mark(ReadOnlySpan<char> text, bool[] seen)
    {
        foreach (char c in text)
        {
            if (c < seen.Length)
            {
                seen[c] = true;
            }
        }
    }

    private static string Ragged(int record, int fields, int headerFields, ReadOnlySpan<char> text) =>
        fields == 1 && text.IsEmpty
            ? $"Row {record + 1} is a blank line; the booking is skipped."
            : $"Row {record + 1} has {fields} field{(fields == 1 ? "" : "s")}, but the header has {headerFields}: {DisplayText.Quote(text)}; the booking is skipped.";
}
