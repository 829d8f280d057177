using System.Globalization;
using System.Text;

namespace ModelGen.Fuzzing;

/// <summary>
/// Mutated copies of saved JSON files (preparations, tokenizers) for fuzzing their loaders, drawn from a
/// <see cref="Random"/> alone: byte-level damage (bit flips, truncation, random bytes, overwrites, invalid UTF-8) and
/// edits that keep the JSON parseable so that they reach the checks behind the parser (numbers and strings replaced by
/// hostile values, fields repeated or dropped, array items added or removed, deep nesting, huge arrays, trailing
/// content). Shared by the suite's bounded runs (Tests/ModelGen.Data.Tests) and Tools/Fuzz.
/// </summary>
internal sealed class JsonFileMutator(IReadOnlyList<byte[]> seeds, int maxLength = 200_000)
{
    /// <summary>The mutation kinds, as reported.</summary>
    public static readonly string[] Kinds =
    [
        "valid", "bitflip", "truncate", "random", "overwrite", "invalid-utf8", "number", "string", "field-name",
        "repeat-field", "drop-field", "array-item", "nesting", "huge-array", "trailing", "swap", "bom", "twice",
    ];

    private static readonly string[] HostileNumbers =
    [
        "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "1e400", "-1e400", "-0", "0", "-1", "1.5", "2147483648", "-2147483649",
        "1e-320", "4.9e-324", "1.7976931348623157e308", "12345678901234567890123", "\"x\"", "null", "true", "[]", "{}",
        "\"1\"", "0.1e1", "-1e-7",
    ];

    private static readonly string[] HostileStrings =
    [
        "", "a", "x y", "\\u001b[31mred\\u001b[0m", "\\u001b]0;title\\u0007", "\\ud800", "\\udc00x", "\\ud83d\\ude00", "é",
        "\\u202eevil", "\\u0000", "nan", "NaN", "Infinity", "<OOV>", "\\\"", "\\\\", "numeric", "text", "Mean", "Constant",
        "Error", "Ignore", "StandardScaler", "SimpleImputer", "OneHotEncoder", "pipeline-1", "ModelGen.Tokenizer",
        "ModelGen.ColumnTransformer", "missing_value", "\u00e9t\u00e9", "\\t", "\\n",
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xC3, 0x28], [0xFF], [0xFE], [0x80], [0xC0, 0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    /// <summary>The next input and the name of its mutation; now and then a second mutation on top ("twice").</summary>
    public (string Kind, byte[] Bytes) Next(Random random)
    {
        byte[] seed = seeds[random.Next(seeds.Count)];
        string kind = Kinds[random.Next(Kinds.Length)];
        if (kind == "twice")
        {
            string first = Kinds[1 + random.Next(Kinds.Length - 2)];
            string second = Kinds[1 + random.Next(Kinds.Length - 2)];
            return (kind, Cap(Mutate(second, Mutate(first, seed, random), random)));
        }

        return (kind, Cap(Mutate(kind, seed, random)));
    }

    private byte[] Cap(byte[] bytes) => bytes.Length <= maxLength ? bytes : bytes[..maxLength];

    private byte[] Mutate(string kind, byte[] bytes, Random random)
    {
        switch (kind)
        {
            case "valid":
                return bytes;
            case "bitflip":
                return ByteMutations.FlipBits(bytes, random, 1 + random.Next(8));
            case "truncate":
                return bytes[..random.Next(bytes.Length + 1)];
            case "random":
                return ByteMutations.Random(random, random.Next(2) == 0 ? "{"u8 : [], random.Next(4096));
            case "overwrite":
                return ByteMutations.Overwrite(bytes, random);
            case "invalid-utf8":
                return ByteMutations.Insert(bytes, InsideAString(bytes, random), InvalidUtf8[random.Next(InvalidUtf8.Length)]);
            case "bom":
                return [0xEF, 0xBB, 0xBF, .. bytes];
            case "trailing":
                return random.Next(3) switch
                {
                    0 => [.. bytes, .. "{}"u8],
                    1 => [.. bytes, .. ByteMutations.Random(random, [], 1 + random.Next(16))],
                    _ => [.. bytes, .. "\n\n   \t"u8],
                };
            default:
                return Encoding.UTF8.GetBytes(Edit(kind, Encoding.UTF8.GetString(bytes), random));
        }
    }

    // Edits on the text that keep it JSON where they can (a text already damaged stays damaged).
    private string Edit(string kind, string json, Random random)
    {
        List<Token> tokens = Token.Scan(json);
        List<Token> scalars = tokens.Where(t => !t.IsName).ToList();
        List<Token> names = tokens.Where(t => t.IsName).ToList();
        if (scalars.Count == 0)
        {
            return json + "]";
        }

        Token pick = scalars[random.Next(scalars.Count)];
        switch (kind)
        {
            case "number":
            {
                List<Token> numbers = scalars.Where(t => t.IsNumber).ToList();
                Token at = numbers.Count > 0 ? numbers[random.Next(numbers.Count)] : pick;
                string value = random.Next(4) == 0
                    ? ((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30))).ToString("R", CultureInfo.InvariantCulture)
                    : HostileNumbers[random.Next(HostileNumbers.Length)];
                return Replace(json, at, value);
            }

            case "string":
                return Replace(json, pick, $"\"{HostileString(random)}\"");
            case "field-name":
                return names.Count == 0 ? json : Replace(json, names[random.Next(names.Count)], $"\"{HostileString(random)}\"");
            case "repeat-field":
            {
                int open = RandomIndexOf(json, '{', random);
                if (open < 0 || names.Count == 0)
                {
                    return json;
                }

                Token repeated = names[random.Next(names.Count)];
                string name = json.Substring(repeated.Start, repeated.Length);
                return json.Insert(open + 1, $"{name}: {HostileNumbers[random.Next(HostileNumbers.Length)]}, ");
            }

            case "drop-field":
            {
                // A name, its scalar value and the comma after them.
                if (names.Count == 0)
                {
                    return json;
                }

                Token name = names[random.Next(names.Count)];
                int value = tokens.IndexOf(name) + 1;
                if (value >= tokens.Count || tokens[value].IsName)
                {
                    return json;
                }

                int end = tokens[value].Start + tokens[value].Length;
                int comma = json.IndexOf(',', end);
                return comma >= 0 && json.AsSpan(end, comma - end).IsWhiteSpace()
                    ? json.Remove(name.Start, comma + 1 - name.Start)
                    : json.Remove(name.Start, end - name.Start);
            }

            case "array-item":
            {
                int open = RandomIndexOf(json, '[', random);
                if (open < 0)
                {
                    return json;
                }

                if (random.Next(2) == 0)
                {
                    return json.Insert(open + 1, $"{RandomScalar(random)}{(json.AsSpan(open + 1).TrimStart().StartsWith("]") ? "" : ", ")}");
                }

                // Remove the first item when it is a scalar.
                Token? first = scalars.FirstOrDefault(t => t.Start > open && json.AsSpan(open + 1, t.Start - open - 1).IsWhiteSpace());
                if (first is null)
                {
                    return json;
                }

                int after = first.Start + first.Length;
                int comma = json.IndexOf(',', after);
                return comma >= 0 && json.AsSpan(after, comma - after).IsWhiteSpace()
                    ? json.Remove(first.Start, comma + 1 - first.Start)
                    : json.Remove(first.Start, first.Length);
            }

            case "nesting":
            {
                int depth = 1 + random.Next(random.Next(2) == 0 ? 10 : 100);
                return Replace(json, pick, new string('[', depth) + json.Substring(pick.Start, pick.Length) + new string(']', depth));
            }

            case "huge-array":
            {
                int open = RandomIndexOf(json, '[', random);
                if (open < 0)
                {
                    return json;
                }

                int count = random.Next(1, 20_000);
                string item = random.Next(2) == 0 ? "0" : "\"w\"";
                var items = new StringBuilder();
                for (int i = 0; i < count; i++)
                {
                    items.Append(item).Append(", ");
                }

                string rest = json[(open + 1)..];
                return json[..(open + 1)] + (rest.TrimStart().StartsWith(']') ? items.ToString(0, items.Length - 2) : items.ToString()) + rest;
            }

            case "swap":
            {
                Token other = scalars[random.Next(scalars.Count)];
                if (other.Start == pick.Start)
                {
                    return json;
                }

                (Token a, Token b) = other.Start < pick.Start ? (other, pick) : (pick, other);
                return json[..a.Start] + json.Substring(b.Start, b.Length) + json[(a.Start + a.Length)..b.Start] + json.Substring(a.Start, a.Length) + json[(b.Start + b.Length)..];
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown mutation kind.");
        }
    }

    private static string HostileString(Random random) => random.Next(8) switch
    {
        0 => new string('A', random.Next(1, 5000)),
        1 => new string((char)random.Next(0x20, 0x7F), 1) + random.Next().ToString(CultureInfo.InvariantCulture),
        _ => HostileStrings[random.Next(HostileStrings.Length)],
    };

    private static string RandomScalar(Random random) => random.Next(3) switch
    {
        0 => HostileNumbers[random.Next(HostileNumbers.Length)],
        1 => $"\"{HostileString(random)}\"",
        _ => random.Next(100).ToString(CultureInfo.InvariantCulture),
    };

    private static string Replace(string json, Token token, string value) =>
        string.Concat(json.AsSpan(0, token.Start), value, json.AsSpan(token.Start + token.Length));

    private static int RandomIndexOf(string json, char c, Random random)
    {
        int count = json.Count(x => x == c);
        if (count == 0)
        {
            return -1;
        }

        int wanted = random.Next(count);
        for (int i = 0; i < json.Length; i++)
        {
            if (json[i] == c && wanted-- == 0)
            {
                return i;
            }
        }

        return -1;
    }

    // A position inside a string literal when there is one (where invalid UTF-8 got past the parser), else anywhere.
    private static int InsideAString(byte[] bytes, Random random)
    {
        int quote = bytes.AsSpan().IndexOf((byte)'"');
        if (quote < 0 || random.Next(4) == 0)
        {
            return random.Next(bytes.Length + 1);
        }

        var quotes = new List<int>();
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '"')
            {
                quotes.Add(i);
            }
        }

        return quotes[random.Next(quotes.Count)] + 1;
    }

    /// <summary>A string, number or literal of the text, and whether it is a field name.</summary>
    private sealed record Token(int Start, int Length, bool IsName, bool IsNumber)
    {
        public static List<Token> Scan(string json)
        {
            var tokens = new List<Token>();
            int i = 0;
            while (i < json.Length)
            {
                char c = json[i];
                if (c == '"')
                {
                    int end = i + 1;
                    while (end < json.Length && json[end] != '"')
                    {
                        end += json[end] == '\\' ? 2 : 1;
                    }

                    end = Math.Min(end + 1, json.Length);
                    int next = end;
                    while (next < json.Length && char.IsWhiteSpace(json[next]))
                    {
                        next++;
                    }

                    tokens.Add(new Token(i, end - i, next < json.Length && json[next] == ':', false));
                    i = end;
                }
                else if (c == '-' || char.IsAsciiDigit(c) || c is 't' or 'f' or 'n')
                {
                    int end = i + 1;
                    while (end < json.Length && (char.IsAsciiLetterOrDigit(json[end]) || json[end] is '.' or '-' or '+'))
                    {
                        end++;
                    }

                    tokens.Add(new Token(i, end - i, false, c == '-' || char.IsAsciiDigit(c)));
                    i = end;
                }
                else
                {
                    i++;
                }
            }

            return tokens;
        }
    }
}
