using ModelGen.Kernels;

namespace ModelGen.Samples.FashionVqa;

/// <summary>One of the trained networks: its names, how to create it, and the probe that reads its image-side attention.</summary>
/// <param name="Name">Its name in result.json and its output folder.</param>
/// <param name="Title">Its row label in the table.</param>
/// <param name="Create">Creates it untrained (batch capacity, seed, device).</param>
/// <param name="CreateProbe">Creates its attention probe (batch capacity, seed, device); null for the question-only model.</param>
public sealed record VqaModel(string Name, string Title, Func<int, int, Device, CompiledModel> Create, Func<int, int, Device, CompiledModel>? CreateProbe)
{
    /// <summary>Whether it reads the picture (both inputs) or only the question.</summary>
    public bool SeesImage => CreateProbe is not null;

    /// <summary>The question-only baseline.</summary>
    public static VqaModel QuestionOnly { get; } = new("question_only", "question only: SA(Y), no image",
        (batch, seed, device) => new QuestionOnlyNet(batchCapacity: batch, seed: seed, device: device), null);

    /// <summary>The MCAN encoder-decoder and its ablations, in the table's order: MCAN's direction first, then the founding document's.</summary>
    public static IReadOnlyList<VqaModel> Mcan { get; } =
    [
        new("sa_sga", "MCAN SA(Y)-SGA(X,Y): regions query the question",
            (batch, seed, device) => new McanSaSga(batchCapacity: batch, seed: seed, device: device),
            (batch, seed, device) => new McanSaSgaAttention(batchCapacity: batch, seed: seed, device: device)),
        new("id_ga", "ablation ID(Y)-GA(X,Y)",
            (batch, seed, device) => new McanIdGa(batchCapacity: batch, seed: seed, device: device),
            (batch, seed, device) => new McanIdGaAttention(batchCapacity: batch, seed: seed, device: device)),
        new("sa_ga", "ablation SA(Y)-GA(X,Y)",
            (batch, seed, device) => new McanSaGa(batchCapacity: batch, seed: seed, device: device),
            (batch, seed, device) => new McanSaGaAttention(batchCapacity: batch, seed: seed, device: device)),
        new("sa_sga_question_queries", "SA(X)-SGA(Y,X): the question queries the regions",
            (batch, seed, device) => new McanQuestionQueries(batchCapacity: batch, seed: seed, device: device),
            (batch, seed, device) => new McanQuestionQueriesAttention(batchCapacity: batch, seed: seed, device: device)),
    ];
}
