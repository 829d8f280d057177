using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelGen.Benchmarks;

/// <summary>Writes results as the peer script does: stats as {median, min, max, n}, merged under "label/tN".</summary>
internal static class Report
{
    public static JsonObject ToJson(Dictionary<string, object> figures)
    {
        var node = new JsonObject();
        foreach (var (name, value) in figures)
        {
            node[name] = value switch
            {
                Stats s => new JsonObject { ["median"] = s.Median, ["min"] = s.Min, ["max"] = s.Max, ["n"] = s.N },
                int i => i,
                long l => l,
                double d => d,
                _ => throw new ArgumentException($"Figure {name} has an unsupported type {value.GetType().Name}.", nameof(figures)),
            };
        }

        return node;
    }

    public static void Merge(string path, string key, JsonObject results)
    {
        JsonObject all = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : [];
        JsonObject entry = all[key]?.AsObject() ?? [];
        foreach (var (name, value) in results.ToArray())
        {
            results.Remove(name);
            entry[name] = value;
        }

        all[key] = entry;
        File.WriteAllText(path, all.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static void PrintTable(string key, JsonObject results)
    {
        Console.WriteLine($"\n== {key}");
        Console.WriteLine($"{"metric",-44} {"median",12} {"min",12} {"max",12}");
        foreach (var (workload, node) in results)
        {
            if (workload == "meta" || node is not JsonObject figures)
            {
                continue;
            }

            foreach (var (name, value) in figures)
            {
                if (value is JsonObject s)
                {
                    // Microsecond figures below 10 need the second decimal (batch-1 latency, the memory floor).
                    string format = (double)s["median"]! < 10 ? "F2" : "F1";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{workload + "." + name,-44} {((double)s["median"]!).ToString(format, CultureInfo.InvariantCulture),12} {((double)s["min"]!).ToString(format, CultureInfo.InvariantCulture),12} {((double)s["max"]!).ToString(format, CultureInfo.InvariantCulture),12}"));
                }
                else
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload + "." + name,-44} {value,12}"));
                }
            }
        }
    }
}
