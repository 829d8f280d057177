using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelGen.Benchmarks;

// The standard workloads of DESIGN.md section 6, reported as the peer script (shared/peers/torch_workloads.py)
// reports them, so the two JSON files line up key by key under "<label>/t<threads>".
var threadsOption = new Option<int>("--threads") { Description = "Worker threads of the CPU back end.", DefaultValueFactory = _ => 1 };
var workloadsOption = new Option<string>("--workloads") { Description = "Comma-separated: gemm,hotel_mlp,cnn,lstm,gru,rnn_tanh,transformer_enc,mcan,floor.", DefaultValueFactory = _ => "gemm,hotel_mlp,cnn" };
var jsonOption = new Option<string?>("--json") { Description = "Merge the results into this JSON file under <label>/t<threads>." };
var labelOption = new Option<string>("--label") { Description = "The key prefix in the JSON file.", DefaultValueFactory = _ => "modelgen" };
var budgetOption = new Option<double>("--budget") { Description = "Seconds of timed repetitions per measurement (soft).", DefaultValueFactory = _ => 6.0 };
var epochsOption = new Option<int>("--mlp-epochs") { Description = "Most timed hotel epochs.", DefaultValueFactory = _ => 8 };
var profileOption = new Option<int>("--profile-hotel") { Description = "Time every kernel call of one hotel training step over this many repetitions (no benchmark runs).", DefaultValueFactory = _ => 0 };
var profileCnnOption = new Option<int>("--profile-cnn") { Description = "Time every kernel call of one CNN training step (and one inference batch) over this many repetitions (no benchmark runs).", DefaultValueFactory = _ => 0 };
var profileRnnOption = new Option<string>("--profile-rnn") { Description = "Time every kernel call of 20 training steps of the lstm, gru or rnn_tanh workload, summed by call (no benchmark runs); several, comma-separated, run one after the other in one process.", DefaultValueFactory = _ => "" };
var profileTransformerOption = new Option<int>("--profile-transformer") { Description = "Time every kernel call of this many training steps of the transformer_enc workload, summed by call (no benchmark runs).", DefaultValueFactory = _ => 0 };
var roundsOption = new Option<int>("--rounds") { Description = "With --compare-peer: how many alternating rounds compare.sh ran.", DefaultValueFactory = _ => 1 };
var peerOption = new Option<string?>("--compare-peer") { Description = "Print the comparison of --json's results with this peer JSON file (no benchmark runs)." };

var root = new RootCommand("ModelGen standard workloads (DESIGN.md section 6)")
{
    threadsOption, workloadsOption, jsonOption, labelOption, budgetOption, epochsOption, peerOption, profileOption, profileCnnOption, profileRnnOption, profileTransformerOption, roundsOption,
};

root.SetAction(parse =>
{
    int threads = parse.GetValue(threadsOption);
    string? json = parse.GetValue(jsonOption);
    string? peer = parse.GetValue(peerOption);
    if (parse.GetValue(profileOption) is int reps and > 0)
    {
        HotelProfile.Run(threads, reps);
        HotelProfile.RunLatency(threads, reps * 20);
        return 0;
    }

    if (parse.GetValue(profileRnnOption) is { Length: > 0 } rnnKind)
    {
        foreach (string one in rnnKind.Split(','))
        {
            RecurrentProfile.Run(one, threads, 20);
        }

        return 0;
    }

    if (parse.GetValue(profileTransformerOption) is int transformerSteps and > 0)
    {
        TransformerWorkload.Profile(threads, transformerSteps);
        return 0;
    }

    if (parse.GetValue(profileCnnOption) is int cnnSteps and > 0)
    {
        CnnProfile.Run(threads, cnnSteps);
        return 0;
    }

    if (peer is not null)
    {
        if (json is null)
        {
            Console.Error.WriteLine("--compare-peer needs --json (our results).");
            return 2;
        }

        Comparison.Print(json, parse.GetValue(labelOption)!, peer, "peer", threads, parse.GetValue(roundsOption));
        return 0;
    }

    var workloads = parse.GetValue(workloadsOption)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    double budget = parse.GetValue(budgetOption);
    var results = new JsonObject();
    var started = DateTime.Now;
    foreach (string workload in workloads)
    {
        switch (workload)
        {
            case "gemm":
                results["gemm_gflops"] = Report.ToJson(GemmWorkload.Run(threads, budget).ToDictionary(p => p.Key, p => (object)p.Value));
                break;
            case "hotel_mlp":
                results["hotel_mlp"] = Report.ToJson(HotelWorkload.Run(threads, budget, parse.GetValue(epochsOption)));
                break;
            case "cnn":
                results["cnn"] = Report.ToJson(CnnWorkload.Run(threads, budget));
                break;
            case "lstm" or "gru" or "rnn_tanh":
                results[workload] = Report.ToJson(RecurrentWorkload.Run(workload, threads, budget));
                break;
            case "transformer_enc":
                results["transformer_enc"] = Report.ToJson(TransformerWorkload.Run(threads, budget));
                break;
            case "mcan":
                results["mcan"] = Report.ToJson(McanWorkload.Run(threads, budget));
                break;
            case "floor":
                results["floor"] = Report.ToJson(FloorWorkload.Run(threads));
                break;
            default:
                Console.Error.WriteLine($"Unknown workload '{workload}'; known: gemm, hotel_mlp, cnn, lstm, gru, rnn_tanh, transformer_enc, mcan, floor.");
                return 2;
        }
    }

    results["meta"] = new JsonObject
    {
        ["dotnet"] = Environment.Version.ToString(),
        ["threads"] = threads,
        ["host"] = Environment.MachineName,
        ["time"] = started.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        ["wall_s"] = Math.Round((DateTime.Now - started).TotalSeconds, 1),
        ["sections_run"] = new JsonArray([.. workloads.Select(w => (JsonNode?)JsonValue.Create(w))]),
    };

    string key = parse.GetValue(labelOption) + "/t" + threads;
    Report.PrintTable(key, results);
    if (json is not null)
    {
        Report.Merge(json, key, results);
    }

    return 0;
});

return root.Parse(args).Invoke();
