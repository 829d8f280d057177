using System.Globalization;
using System.Text.Json.Nodes;

namespace ModelGen.Benchmarks;

/// <summary>One table of ModelGen against the peer, figure by figure, with the speed-up (above 1: ModelGen is faster).</summary>
internal static class Comparison
{
    // (our workload.figure, the peer's workload.figure, whether smaller is better)
    private static readonly (string Ours, string Peer, bool LowerIsBetter)[] s_rows =
    [
        ("gemm_gflops.modelgen_512", "gemm_gflops.torch_mm_512", false),
        ("gemm_gflops.modelgen_1024", "gemm_gflops.torch_mm_1024", false),
        ("gemm_gflops.modelgen_1024", "gemm_gflops.numpy_matmul_1024", false),
        ("gemm_gflops.modelgen_2048", "gemm_gflops.torch_mm_2048", false),
        ("hotel_mlp.train_samples_per_s", "hotel_mlp.train_samples_per_s", false),
        ("hotel_mlp.infer_b512_samples_per_s", "hotel_mlp.infer_b512_samples_per_s", false),
        ("hotel_mlp.infer_b1_latency_us", "hotel_mlp.infer_b1_latency_us", true),
        ("cnn.train_samples_per_s", "cnn.train_samples_per_s", false),
        ("cnn.step_ms", "cnn.step_ms", true),
        ("cnn.infer_b128_samples_per_s", "cnn.infer_b128_samples_per_s", false), // the peer has no CNN inference figure
        ("lstm.train_samples_per_s", "lstm.train_samples_per_s", false),
        ("gru.train_samples_per_s", "gru.train_samples_per_s", false),
        ("rnn_tanh.train_samples_per_s", "rnn_tanh.train_samples_per_s", false),
        ("transformer_enc.train_samples_per_s", "transformer_enc.train_samples_per_s", false),
        ("transformer_enc.step_ms", "transformer_enc.step_ms", true),
        ("mcan.train_samples_per_s", "mcan.train_samples_per_s", false),
        ("mcan.step_ms", "mcan.step_ms", true),
    ];

    /// <summary>
    /// Prints the table. With several rounds (keys "label-rN/tT", ModelGen and the peer alternating), each side's
    /// figure is its best median over the rounds: on a shared machine other work only ever slows a run down.
    /// </summary>
    public static void Print(string oursPath, string oursLabel, string peerPath, string peerLabel, int threads, int rounds)
    {
        JsonNode? oursAll = JsonNode.Parse(File.ReadAllText(oursPath));
        JsonNode? peerAll = File.Exists(peerPath) ? JsonNode.Parse(File.ReadAllText(peerPath)) : null;
        string[] Keys(string label) => rounds <= 1 ? [$"{label}/t{threads}"] : [.. Enumerable.Range(1, rounds).Select(r => $"{label}-r{r}/t{threads}")];
        JsonNode?[] ours = [.. Keys(oursLabel).Select(k => oursAll?[k])];
        JsonNode?[] peer = [.. Keys(peerLabel).Select(k => peerAll?[k])];

        // Only the workloads of this run: the JSON files keep figures of earlier runs under the same keys (a run of
        // --workloads cnn must not list hotel figures from another day). Files without the list show everything.
        string[] run = [.. ours.SelectMany(o => o?["meta"]?["sections_run"] as JsonArray ?? []).Select(w => (string?)w).OfType<string>()];
        bool InRun(string dotted) => run.Length == 0 || run.Contains(dotted.Split('.')[0] switch { "gemm_gflops" => "gemm", var w => w });
        Console.WriteLine($"\n== {oursLabel} vs {peerLabel}, {threads} thread(s), {Math.Max(1, rounds)} round(s) (medians{(rounds > 1 ? ", best round" : "")}; speed-up above 1 means ModelGen is faster)");
        Console.WriteLine($"{"figure",-40} {"ModelGen",12} {"peer",12} {"speed-up",9}  peer figure");
        foreach (var (oursName, peerName, lowerIsBetter) in s_rows)
        {
            double? a = Best(ours, oursName, lowerIsBetter), b = Best(peer, peerName, lowerIsBetter);
            if ((a is null && b is null) || !InRun(oursName))
            {
                continue;
            }

            string ratio = a is null || b is null ? "-" : (lowerIsBetter ? b.Value / a.Value : a.Value / b.Value).ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{oursName,-40} {Format(a),12} {Format(b),12} {ratio,9}  {peerName}"));
        }

        foreach (string workload in (string[])["hotel_mlp", "cnn", "lstm", "gru", "rnn_tanh", "transformer_enc", "mcan"])
        {
            long? alloc = ours.Select(o => (long?)o?[workload]?["alloc_bytes_per_step"]).Max();
            if (alloc is not null && InRun(workload))
            {
                Console.WriteLine($"{workload + ".alloc_bytes_per_step",-40} {alloc,12}");
            }
        }
    }

    private static double? Best(JsonNode?[] rounds, string dotted, bool lowerIsBetter)
    {
        double[] medians = [.. rounds.Select(r => Median(r, dotted)).OfType<double>()];
        return medians.Length == 0 ? null : lowerIsBetter ? medians.Min() : medians.Max();
    }

    private static double? Median(JsonNode? root, string dotted)
    {
        string[] parts = dotted.Split('.');
        JsonNode? node = root?[parts[0]]?[parts[1]];
        return node is JsonObject stats ? (double?)stats["median"] : null;
    }

    // Two decimals below 10 (batch-1 latency in us, a step in ms), as Report prints them.
    private static string Format(double? value) => value is null ? "-" : value.Value.ToString(value.Value < 10 ? "F2" : "F1", CultureInfo.InvariantCulture);
}
