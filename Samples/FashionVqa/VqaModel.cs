using ModelGen.Kernels;

namespace ModelGen.Samples.FashionVqa;

/// <summary>One of the trained networks: its names and how to create it.</summary>
/// <param name="Name">Its name in result.json and its output folder.</param>
/// <param name="Title">Its row label in the table.</param>
/// <param name="Create">Creates it untrained (batch capacity, seed, device).</param>
/// <param name="SeesImage">Whether it reads the picture (both inputs) or only the question.</param>
public sealed record VqaModel(string Name, string Title, Func<int, int, Device, CompiledModel> Create, bool SeesImage)
{
    /// <summary>
    /// The intermediate tensor that holds an MCAN model's attention over the 16 regions: the softmax of its image-side
    /// attentional reduction, (16, 1) per question, read with <see cref="CompiledModel.PredictTensor(string, Dataset)"/>.
    /// </summary>
    public const string ImageAttention = "image_reduce.softmax";

    /// <summary>The question-only baseline.</summary>
    public static VqaModel QuestionOnly { get; } = new("question_only", "question only: SA(Y), no image",
        (batch, seed, device) => new QuestionOnlyNet(batchCapacity: batch, seed: seed, device: device), SeesImage: false);

    /// <summary>The MCAN encoder-decoder and its ablations, in the table's order: MCAN's direction first, then the founding document's.</summary>
    public static IReadOnlyList<VqaModel> Mcan { get; } =
    [
        new("sa_sga", "MCAN SA(Y)-SGA(X,Y): regions query the question",
            (batch, seed, device) => new McanSaSga(batchCapacity: batch, seed: seed, device: device), SeesImage: true),
        new("id_ga", "ablation ID(Y)-GA(X,Y)",
            (batch, seed, device) => new McanIdGa(batchCapacity: batch, seed: seed, device: device), SeesImage: true),
        new("sa_ga", "ablation SA(Y)-GA(X,Y)",
            (batch, seed, device) => new McanSaGa(batchCapacity: batch, seed: seed, device: device), SeesImage: true),
        new("sa_sga_question_queries", "SA(X)-SGA(Y,X): the question queries the regions",
            (batch, seed, device) => new McanQuestionQueries(batchCapacity: batch, seed: seed, device: device), SeesImage: true),
    ];
}
