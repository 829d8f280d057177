using System.Globalization;
using System.Text.Json;

namespace ModelGen.Data;

/// <summary>
/// A parsed JSON value read with <see cref="Utf8JsonReader"/> only (no reflection), carrying its path so that a
/// refusal names the field at fault. Accessors throw <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class JsonValue
{
    private const int MaxDepth = 64;

    private readonly Dictionary<string, JsonValue>? fields;
    private readonly List<JsonValue>? items;
    private readonly string? text;
    private readonly double number;

    private JsonValue(string path, JsonValueKind kind, Dictionary<string, JsonValue>? fields = null,
        List<JsonValue>? items = null, string? text = null, double number = 0)
    {
        Path = path;
        Kind = kind;
        this.fields = fields;
        this.items = items;
        this.text = text;
        this.number = number;
    }

    public string Path { get; }

    public JsonValueKind Kind { get; }

    /// <summary>Parses a whole document; anything but one value (and whitespace) is refused.</summary>
    public static JsonValue Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read()) throw new InvalidDataException("the file is empty");
            var value = ReadValue(ref reader, "$");
            if (reader.Read()) throw new InvalidDataException("there is more after the JSON value");
            return value;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"it is not valid JSON ({e.Message})", e);
        }
    }

    private static JsonValue ReadValue(ref Utf8JsonReader reader, string path)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var fields = new Dictionary<string, JsonValue>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    if (!fields.TryAdd(name, ReadValue(ref reader, $"{path}.{name}")))
                        throw new InvalidDataException($"field '{name}' appears twice at {path}");
                }
                return new JsonValue(path, JsonValueKind.Object, fields: fields);
            case JsonTokenType.StartArray:
                var items = new List<JsonValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, $"{path}[{items.Count}]"));
                }
                return new JsonValue(path, JsonValueKind.Array, items: items);
            case JsonTokenType.String:
                return new JsonValue(path, JsonValueKind.String, text: reader.GetString());
            case JsonTokenType.Number:
                return new JsonValue(path, JsonValueKind.Number, number: reader.GetDouble());
            case JsonTokenType.True:
                return new JsonValue(path, JsonValueKind.True);
            case JsonTokenType.False:
                return new JsonValue(path, JsonValueKind.False);
            default:
                return new JsonValue(path, JsonValueKind.Null);
        }
    }

    public InvalidDataException Refuse(string why) => new($"{why} at {Path}");

    public JsonValue Get(string name)
    {
        if (fields is null) throw Refuse("expected an object");
        return fields.TryGetValue(name, out var value) ? value : throw Refuse($"missing field '{name}'");
    }

    public string GetString(string name) => Get(name).AsString();

    public string AsString() => Kind == JsonValueKind.String ? text! : throw Refuse("expected a string");

    public bool GetBool(string name)
    {
        var value = Get(name);
        return value.Kind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw value.Refuse("expected true or false"),
        };
    }

    public int GetInt(string name)
    {
        var value = Get(name).AsNumber();
        return value == Math.Floor(value) && value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw Get(name).Refuse("expected an integer");
    }

    public double GetNumber(string name) => Get(name).AsNumber();

    /// <summary>A number; non-finite values are written as the strings "NaN", "Infinity" and "-Infinity".</summary>
    public double AsNumber() => Kind switch
    {
        JsonValueKind.Number => number,
        JsonValueKind.String when text is "NaN" or "Infinity" or "-Infinity" => double.Parse(text, CultureInfo.InvariantCulture),
        _ => throw Refuse("expected a number"),
    };

    public IReadOnlyList<JsonValue> GetArray(string name) => Get(name).AsArray();

    public IReadOnlyList<JsonValue> AsArray() => items ?? throw Refuse("expected an array");

    /// <summary>An array that must have <paramref name="count"/> items (one per column).</summary>
    public IReadOnlyList<JsonValue> GetArray(string name, int count)
    {
        var array = GetArray(name);
        return array.Count == count ? array : throw Get(name).Refuse($"expected {count} items (one per column) but found {array.Count}");
    }

    public T GetEnum<T>(string name, params (string Text, T Value)[] choices)
    {
        var value = GetString(name);
        foreach (var (choice, result) in choices)
        {
            if (choice == value) return result;
        }
        throw Get(name).Refuse($"unknown value '{value}' (expected one of: {string.Join(", ", choices.Select(c => c.Text))})");
    }

    public static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }
}
