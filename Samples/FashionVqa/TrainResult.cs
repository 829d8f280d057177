namespace ModelGen.Samples.FashionVqa;

/// <summary>One model's figures on the test questions: a row of the table and an entry of result.json.</summary>
/// <param name="Model">The model's name in result.json and its output folder ("majority", "sa_sga", ...).</param>
/// <param name="Title">The model's row label in the table.</param>
/// <param name="Accuracy">Test accuracy per question type, indexed by <see cref="QuestionType"/>.</param>
/// <param name="Overall">Test accuracy over all test questions.</param>
/// <param name="EpochsRun">Epochs trained (0 for the majority answer, which is counted, not trained).</param>
/// <param name="BestEpoch">The epoch whose weights were kept, 1-based (0 for the majority answer).</param>
/// <param name="SecondsPerEpoch">Fit's seconds divided by the epochs run, validation included (0 for the majority answer).</param>
/// <param name="TestLoss">Sparse categorical cross-entropy on the test questions (NaN for the majority answer).</param>
public sealed record TrainResult(string Model, string Title, double[] Accuracy, double Overall, int EpochsRun, int BestEpoch, double SecondsPerEpoch,
    double TestLoss);
