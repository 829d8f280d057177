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
        ("lstm.train_samples_per_s", "lstm.train_samples_per_s", false),
        ("gru.train_samples_per_s", "gru.train_samples_per_s", false),
        ("rnn_tanh.train_samples_per_s", "rnn_tanh.train_samples_per_s", false),
        ("transformer_enc.train_samples_per_s", "transformer_enc.train_samples_per_s", false),
    ];

    public static void Print(string oursPath, string oursKey, string peerPath, string peerKey)
    {
        JsonNode? ours = JsonNode.Parse(File.ReadAllText(oursPath))?[oursKey];
        JsonNode? peer = File.Exists(peerPath) ? JsonNode.Parse(File.ReadAllText(peerPath))?[peerKey] : null;
        Console.WriteLine($"\n== {oursKey} vs {peerKey} (medians; speed-up above 1 means ModelGen is faster)");
        Console.WriteLine($"{"figure",-40} {"ModelGen",12} {"peer",12} {"speed-up",9}  peer figure");
        foreach (var (oursName, peerName, lowerIsBetter) in s_rows)
        {
            double? a = Median(ours, oursName), b = Median(peer, peerName);
            if (a is null && b is null)
            {
                continue;
            }

            string ratio = a is null || b is null ? "-" : (lowerIsBetter ? b.Value / a.Value : a.Value / b.Value).ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{oursName,-40} {Format(a),12} {Format(b),12} {ratio,9}  {peerName}"));
        }

        JsonNode? alloc = ours?["hotel_mlp"]?["alloc_bytes_per_step"];
        if (alloc is not null)
        {
            Console.WriteLine($"{"hotel_mlp.alloc_bytes_per_step",-40} {alloc,12}");
        }
    }

    private static double? Median(JsonNode? root, string dotted)
    {
        string[] parts = dotted.Split('.');
        JsonNode? node = root?[parts[0]]?[parts[1]];
        return node is JsonObject stats ? (double?)stats["median"] : null;
    }

    private static string Format(double? value) => value is null ? "-" : value.Value.ToString("F1", CultureInfo.InvariantCulture);
}
