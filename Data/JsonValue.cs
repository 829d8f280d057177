using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelGen.Data;

/// <summary>
/// A value of a parsed JSON document (<see cref="JsonDocument"/>, no reflection) that knows its path, so that a
/// refusal names the field at fault. Every problem, from bytes that are not UTF-8 to a field of the wrong type, is an
/// <see cref="InvalidDataException"/>; field names and values in messages are escaped and cut (<see cref="Untrusted"/>).
/// </summary>
internal sealed class JsonValue
{
    private const int MaxDepth = 64;

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly JsonElement element;
    private readonly JsonValue? parent;
    private readonly string? name;
    private readonly int index;

    private JsonValue(JsonElement element, JsonValue? parent, string? name, int index)
    {
        this.element = element;
        this.parent = parent;
        this.name = name;
        this.index = index;
    }

    /// <summary>Where the value is, "$.transformers[0].steps[1].means", its field names escaped.</summary>
    public string Path =>
        parent is null ? "$" : name is null ? $"{parent.Path}[{index}]" : $"{parent.Path}.{Untrusted.Show(name)}";

    public JsonValueKind Kind => element.ValueKind;

    /// <summary>The number of items of an array.</summary>
    public int Count => Kind == JsonValueKind.Array ? element.GetArrayLength() : throw Refuse("expected an array");

    /// <summary>
    /// Parses <paramref name="utf8"/> (one JSON value and whitespace, UTF-8 with or without a byte order mark) and
    /// hands its root to <paramref name="read"/>; the document lives only during the call.
    /// </summary>
    public static T Read<T>(ReadOnlyMemory<byte> utf8, Func<JsonValue, T> read)
    {
        if (utf8.Span.StartsWith(ByteOrderMark)) utf8 = utf8[3..];
        CheckUtf8(utf8.Span);
        if (utf8.Span.IndexOfAnyExcept(" \t\r\n"u8) < 0) throw new InvalidDataException("the file is empty");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"it is not valid JSON ({Untrusted.Show(e.Message)})", e);
        }
        catch (InvalidOperationException e)
        {
            // The check for repeated field names reads each name, and a name with an escaped unpaired surrogate
            // ("\udc00") cannot be read.
            throw new InvalidDataException($"it is not valid JSON text: a field name holds an unpaired surrogate escape ({Untrusted.Show(e.Message)})", e);
        }
        using (document)
        {
            return read(new JsonValue(document.RootElement, null, null, 0));
        }
    }

    public InvalidDataException Refuse(string why) => new($"{why} at {Untrusted.Show(Path)}");

    public JsonValue Get(string field)
    {
        if (Kind != JsonValueKind.Object) throw Refuse("expected an object");
        JsonElement value;
        bool found;
        try
        {
            found = element.TryGetProperty(field, out value);
        }
        catch (InvalidOperationException)
        {
            // A field name with an escaped unpaired surrogate cannot be compared.
            throw Refuse("a field name holds an unpaired surrogate escape, which is not text");
        }
        return found ? new JsonValue(value, this, field, 0) : throw Refuse($"missing field '{field}'");
    }

    public string GetString(string field) => Get(field).AsString();

    public string AsString()
    {
        if (Kind != JsonValueKind.String) throw Refuse("expected a string");
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped unpaired surrogate, "\ud800": valid JSON, but not text.
            throw Refuse("the string holds an unpaired surrogate escape, which is not text");
        }
    }

    public bool GetBool(string field)
    {
        var value = Get(field);
        return value.Kind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw value.Refuse("expected true or false"),
        };
    }

    public int GetInt(string field)
    {
        var value = Get(field);
        var number = value.AsNumber();
        return number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue
            ? (int)number
            : throw value.Refuse("expected an integer");
    }

    /// <summary>A number; non-finite values are written as the strings "NaN", "Infinity" and "-Infinity".</summary>
    public double AsNumber() => ToNumber(element) ?? throw Refuse("expected a number");

    /// <summary>The array <paramref name="field"/>.</summary>
    public JsonValue GetArray(string field)
    {
        var value = Get(field);
        return value.Kind == JsonValueKind.Array ? value : throw value.Refuse("expected an array");
    }

    /// <summary>The array <paramref name="field"/>, which must have <paramref name="count"/> items (one per column).</summary>
    public JsonValue GetArray(string field, int count)
    {
        var array = GetArray(field);
        return array.Count == count ? array : throw array.Refuse($"expected {count} items (one per column) but found {array.Count}");
    }

    /// <summary>The items of an array, made one at a time, so that a refusal at the first bad item reads no further.</summary>
    public IEnumerable<JsonValue> Items()
    {
        if (Kind != JsonValueKind.Array) throw Refuse("expected an array");
        return Enumerate();

        IEnumerable<JsonValue> Enumerate()
        {
            var i = 0;
            foreach (var item in element.EnumerateArray()) yield return new JsonValue(item, this, null, i++);
        }
    }

    /// <summary>The item at <paramref name="position"/> of an array, for messages.</summary>
    public JsonValue Item(int position) => new(element[position], this, null, position);

    /// <summary>An array of numbers, read without an object per item.</summary>
    public double[] Numbers()
    {
        var numbers = new double[Count];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            numbers[i] = ToNumber(item) ?? throw Item(i).Refuse("expected a number");
            i++;
        }
        return numbers;
    }

    /// <summary>An array of strings, read without an object per item.</summary>
    public string[] Strings()
    {
        var strings = new string[Count];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            strings[i] = item.ValueKind == JsonValueKind.String ? Item(i).AsString() : throw Item(i).Refuse("expected a string");
            i++;
        }
        return strings;
    }

    public T GetEnum<T>(string field, params (string Text, T Value)[] choices)
    {
        var value = GetString(field);
        foreach (var (choice, result) in choices)
        {
            if (choice == value) return result;
        }
        throw Get(field).Refuse($"unknown value {Untrusted.Quote(value)} (expected one of: {string.Join(", ", choices.Select(c => c.Text))})");
    }

    public static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }

    private static double? ToNumber(JsonElement element)
    {
        // A literal beyond double's range (1e400) reads as infinity; the steps' checks decide whether it may.
        if (element.ValueKind == JsonValueKind.Number) return element.TryGetDouble(out var number) ? number : null;
        if (element.ValueKind != JsonValueKind.String) return null;
        try
        {
            return element.ValueEquals("NaN"u8) ? double.NaN
                : element.ValueEquals("Infinity"u8) ? double.PositiveInfinity
                : element.ValueEquals("-Infinity"u8) ? double.NegativeInfinity
                : null;
        }
        catch (InvalidOperationException)
        {
            // Comparing unescapes the string, and "\ud800" cannot be unescaped: not a number either way.
            return null;
        }
    }

    /// <summary>
    /// Refuses bytes that are not UTF-8 before the parser sees them: it checks the structure but not the text of
    /// strings, which would fail only when read, and then as an <see cref="InvalidOperationException"/>.
    /// </summary>
    private static void CheckUtf8(ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8)) return;
        var at = 0;
        while (true)
        {
            var status = Rune.DecodeFromUtf8(utf8[at..], out _, out var used);
            if (status != OperationStatus.Done)
            {
                var line = utf8[..at].Count((byte)'\n') + 1;
                throw new InvalidDataException(
                    $"it is not UTF-8 text: byte {at:N0} (line {line:N0}) starts {Untrusted.ShowBytes(utf8.Slice(at, Math.Max(used, 1)))}, which is not UTF-8");
            }
            at += used;
        }
    }
}
