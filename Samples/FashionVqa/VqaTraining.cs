using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelGen.Kernels;

namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// Runs the sample: composes the pictures and questions (<see cref="VqaData"/>), counts the image-blind majority
/// answer per question type, trains the question-only baseline and the four MCAN models as a Keras user would
/// (Adam, sparse categorical cross-entropy, batch <see cref="BatchSize"/>, early stopping on val_loss with the best
/// weights restored), scores each per question type on the test questions, draws the best MCAN model's attention
/// over the regions for a few test pictures, and writes results.md, result.json and each network's weights,
/// history and plots.
/// </summary>
public static class VqaTraining
{
    /// <summary>The most epochs to train each network.</summary>
    public const int DefaultEpochs = 60;

    /// <summary>Training pictures by default (five questions each, "where" when a class is there once).</summary>
    public const int DefaultTrainPictures = 4000;

    /// <summary>Validation pictures by default.</summary>
    public const int DefaultValidationPictures = 400;

    /// <summary>Test pictures by default.</summary>
    public const int DefaultTestPictures = 1000;

    /// <summary>Adam's step size.</summary>
    public const float DefaultLearningRate = 5e-4f;

    /// <summary>Questions per training step.</summary>
    public const int BatchSize = 64;

    /// <summary>Epochs without a lower val_loss before training stops.</summary>
    public const int Patience = 5;

    /// <summary>Test pictures drawn with the best MCAN model's attention.</summary>
    public const int AttentionPictureCount = 6;

    /// <summary>The weight file's name in each network's output folder.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>The majority answer's name in result.json.</summary>
    public const string MajorityName = "majority";

    /// <summary>The folder (under the output folder) of the attention pictures.</summary>
    public const string AttentionFolder = "attention";

    // The question type of each attention picture, one picture each.
    private static readonly QuestionType[] AttentionTypes =
        [QuestionType.Where, QuestionType.What, QuestionType.IsThere, QuestionType.HowMany, QuestionType.SameKind, QuestionType.Where];

    /// <summary>A question type's column heading in the table.</summary>
    public static string TypeName(QuestionType type) => type switch
    {
        QuestionType.What => "what",
        QuestionType.IsThere => "is there",
        QuestionType.HowMany => "how many",
        QuestionType.SameKind => "same kind",
        QuestionType.Where => "where",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>A question type's key in result.json.</summary>
    public static string TypeKey(QuestionType type) => TypeName(type).Replace(' ', '_');

    /// <summary>Runs everything <paramref name="settings"/> asks for and writes the outputs; returns each model's figures, in the table's order.</summary>
    /// <exception cref="InvalidDataException">The data folder or a file in it is missing or malformed.</exception>
    public static IReadOnlyList<TrainResult> Run(TrainSettings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        var total = Stopwatch.StartNew();
        FashionItems items = FashionItems.Load(settings.DataFolder);
        VqaData data = VqaData.Create(items, settings.Seed, settings.TrainPictures, settings.ValidationPictures, settings.TestPictures);
        output.WriteLine($"Fashion-MNIST: {items.Count:N0} items from {settings.DataFolder}, split with seed {settings.Seed}; pictures of 2x2 items, 16 regions of 14x14 pixels.");
        output.Write(data.Describe());
        Directory.CreateDirectory(settings.OutputFolder);

        var device = Device.Cpu(settings.Threads);
        var results = new List<TrainResult> { Majority(data) };
        output.WriteLine();
        output.WriteLine($"{MajorityName}: the most frequent training answer of each question type, overall test accuracy {results[0].Overall:0.0000}.");

        bool Wanted(VqaModel model) => settings.Models is null || settings.Models.Contains(model.Name);
        if (Wanted(VqaModel.QuestionOnly))
        {
            results.Add(Train(VqaModel.QuestionOnly, data.Train.ToQuestionDataset(), data.Validation.ToQuestionDataset(), data.Test.ToQuestionDataset(),
                data, settings, device, output));
        }

        Dataset train = data.Train.ToDataset();
        Dataset validation = data.Validation.ToDataset();
        Dataset test = data.Test.ToDataset();
        foreach (VqaModel model in VqaModel.Mcan.Where(Wanted))
        {
            results.Add(Train(model, train, validation, test, data, settings, device, output));
        }

        TrainResult? best = results.Where(r => VqaModel.Mcan.Any(m => m.Name == r.Model)).MaxBy(r => r.Overall);
        string[] pictures = best is null ? [] : DrawAttention(VqaModel.Mcan.First(m => m.Name == best.Model), data.Test, settings, device, output);

        double? oneThread = null;
        if (settings.OneThreadEpoch)
        {
            oneThread = TimeOneThreadEpoch(VqaModel.Mcan[0], train, settings, output);
        }

        string table = Table(results);
        AtomicWrite.Bytes(Path.Combine(settings.OutputFolder, "results.md"), Encoding.UTF8.GetBytes(table));
        AtomicWrite.Bytes(Path.Combine(settings.OutputFolder, "result.json"), ToJson(results, best?.Model, oneThread, pictures, data, settings));
        output.WriteLine();
        output.Write(table);
        output.WriteLine($"Wrote results.md, result.json and {AttentionFolder}/ to {settings.OutputFolder} ({total.Elapsed.TotalSeconds:F0} s in all).");
        return results;
    }

    /// <summary>The table printed at the end and written to results.md: one row per model, accuracy per question type and overall.</summary>
    public static string Table(IEnumerable<TrainResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        QuestionType[] types = Enum.GetValues<QuestionType>();
        var table = new StringBuilder();
        table.Append("| model | ").Append(string.Join(" | ", types.Select(TypeName))).Append(" | overall | epochs (best) | s/epoch |\n");
        table.Append("|---|").Append(string.Concat(types.Select(_ => "---|"))).Append("---|---|---|\n");
        foreach (TrainResult result in results)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {result.Title} | ");
            table.Append(string.Join(" | ", result.Accuracy.Select(a => a.ToString("0.0000", CultureInfo.InvariantCulture))));
            string epochs = result.EpochsRun == 0 ? "-" : $"{result.EpochsRun} ({result.BestEpoch})";
            string seconds = result.EpochsRun == 0 ? "-" : result.SecondsPerEpoch.ToString("F1", CultureInfo.InvariantCulture);
            table.Append(CultureInfo.InvariantCulture, $" | {result.Overall:0.0000} | {epochs} | {seconds} |\n");
        }

        return table.ToString();
    }

    /// <summary>The image-blind majority answer: per question type, the most frequent answer among the training questions of that type.</summary>
    public static TrainResult Majority(VqaData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var answers = new int[data.Test.Questions.Length];
        int[] byType = [.. Enum.GetValues<QuestionType>().Select(type => data.Train.Questions.Where(q => q.Type == type)
            .GroupBy(q => q.Answer).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).DefaultIfEmpty(0).First())];
        for (int q = 0; q < answers.Length; q++)
        {
            answers[q] = byType[(int)data.Test.Questions[q].Type];
        }

        var (accuracy, overall) = Score(data.Test, answers);
        return new TrainResult(MajorityName, "majority answer per type (image-blind)", accuracy, overall, 0, 0, 0, double.NaN);
    }

    /// <summary>Accuracy per question type and overall of <paramref name="answers"/> (answer indices, one per question of <paramref name="part"/>).</summary>
    public static (double[] PerType, double Overall) Score(VqaPart part, IReadOnlyList<int> answers)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(answers);
        int types = Enum.GetValues<QuestionType>().Length;
        var right = new int[types];
        var asked = new int[types];
        for (int q = 0; q < part.Questions.Length; q++)
        {
            int type = (int)part.Questions[q].Type;
            asked[type]++;
            right[type] += answers[q] == part.Questions[q].Answer ? 1 : 0;
        }

        return ([.. Enumerable.Range(0, types).Select(t => asked[t] == 0 ? 0 : (double)right[t] / asked[t])],
            part.Questions.Length == 0 ? 0 : (double)right.Sum() / part.Questions.Length);
    }

    /// <summary>The index of the largest probability in each row of <see cref="Vocabulary.AnswerCount"/>.</summary>
    public static int[] ArgMax(float[] probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        var answers = new int[probabilities.Length / Vocabulary.AnswerCount];
        for (int row = 0; row < answers.Length; row++)
        {
            ReadOnlySpan<float> p = probabilities.AsSpan(row * Vocabulary.AnswerCount, Vocabulary.AnswerCount);
            int best = 0;
            for (int a = 1; a < p.Length; a++)
            {
                best = p[a] > p[best] ? a : best;
            }

            answers[row] = best;
        }

        return answers;
    }

    private static TrainResult Train(VqaModel spec, Dataset train, Dataset validation, Dataset test, VqaData data, TrainSettings settings, Device device,
        TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{spec.Name}: {spec.Title}");
        using CompiledModel model = spec.Create(BatchSize, settings.Seed, device);
        output.WriteLine(model.Summary);
        var stopper = new EarlyStopping(monitor: "val_loss", patience: Patience, restoreBestWeights: true);
        var clock = Stopwatch.StartNew();
        History history = model.Fit(train, validation, BatchSize, settings.Epochs, new Adam(settings.LearningRate), [stopper]);
        double seconds = clock.Elapsed.TotalSeconds;

        double testLoss = model.Evaluate(test, BatchSize)["loss"];
        var (accuracy, overall) = Score(data.Test, ArgMax(model.Predict(test)));
        var result = new TrainResult(spec.Name, spec.Title, accuracy, overall, history.Epochs, stopper.BestEpoch + 1, seconds / history.Epochs, testLoss);
        output.WriteLine($"{spec.Name}: {history.Epochs} epochs in {seconds:F1} s ({result.SecondsPerEpoch:F1} s per epoch) on {device.Name}; best epoch {result.BestEpoch}; "
            + $"test accuracy {overall:0.0000}, test loss {testLoss:0.0000}.");

        string folder = Path.Combine(settings.OutputFolder, spec.Name);
        Directory.CreateDirectory(folder);
        model.Save(Path.Combine(folder, WeightsFile));
        history.Save(Path.Combine(folder, "history.csv"));
        HistoryPlots.Save(history, folder, spec.Name);
        output.WriteLine($"Wrote {WeightsFile}, history.csv, loss.png and accuracy.png to {folder}.");
        return result;
    }

    // Reloads the model's kept weights and draws one question of each picked test picture with its attention over the
    // regions, read from the model itself (PredictTensor of the image-side reduction's softmax).
    private static string[] DrawAttention(VqaModel spec, VqaPart test, TrainSettings settings, Device device, TextWriter output)
    {
        using CompiledModel model = spec.Create(BatchSize, settings.Seed, device);
        model.Load(Path.Combine(settings.OutputFolder, spec.Name, WeightsFile));

        var questions = new List<int>();
        for (int picture = 0; picture < Math.Min(AttentionPictureCount, test.Pictures.Length); picture++)
        {
            QuestionType wanted = AttentionTypes[picture];
            int index = Array.FindIndex(test.Questions, q => q.Picture == picture && q.Type == wanted);
            questions.Add(index >= 0 ? index : Array.FindIndex(test.Questions, q => q.Picture == picture));
        }

        var chosen = new VqaPart(test.Name, test.Items, test.Pool, test.Pictures, [.. questions.Select(q => test.Questions[q])]);
        int[] answers = ArgMax(model.Predict(chosen.ToDataset()));
        float[] weights = model.PredictTensor(VqaModel.ImageAttention, chosen.ToDataset());
        string folder = Path.Combine(settings.OutputFolder, AttentionFolder);
        Directory.CreateDirectory(folder);
        var names = new string[questions.Count];
        for (int i = 0; i < questions.Count; i++)
        {
            Question question = test.Questions[questions[i]];
            names[i] = $"{AttentionFolder}/{i + 1}-{TypeKey(question.Type).Replace('_', '-')}.png";
            AttentionPictures.Save(Path.Combine(settings.OutputFolder, names[i]), test.Pictures[question.Picture], test.Items, question,
                Vocabulary.Answers[answers[i]], weights.AsSpan(i * Picture.Regions, Picture.Regions), spec.Name);
            output.WriteLine($"{names[i]}: \"{question.Text}\" -> {Vocabulary.Answers[answers[i]]} (truth {question.AnswerWord}); attention "
                + string.Join(" ", weights.AsSpan(i * Picture.Regions, Picture.Regions).ToArray().Select(w => w.ToString("0.00", CultureInfo.InvariantCulture))));
        }

        return names;
    }

    // One epoch of a fresh copy of the model on one thread, no validation: the seconds per epoch on one core.
    private static double TimeOneThreadEpoch(VqaModel spec, Dataset train, TrainSettings settings, TextWriter output)
    {
        using CompiledModel model = spec.Create(BatchSize, settings.Seed, Device.Cpu(1));
        var clock = Stopwatch.StartNew();
        model.Fit(train, null, BatchSize, 1, new Adam(settings.LearningRate), verbose: 0);
        double seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"{spec.Name}: one epoch of {train.Count:N0} questions on one thread in {seconds:F1} s.");
        return seconds;
    }

    private static byte[] ToJson(IReadOnlyList<TrainResult> results, string? best, double? oneThread, string[] pictures, VqaData data, TrainSettings settings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seed", settings.Seed);
            writer.WriteNumber("threads", settings.Threads == 0 ? Environment.ProcessorCount : settings.Threads);
            VqaPart[] parts = [data.Train, data.Validation, data.Test];
            writer.WriteStartObject("items");
            Array.ForEach(parts, p => writer.WriteNumber(p.Name, p.Pool.Length));
            writer.WriteEndObject();
            writer.WriteStartObject("pictures");
            Array.ForEach(parts, p => writer.WriteNumber(p.Name, p.Pictures.Length));
            writer.WriteEndObject();
            writer.WriteStartObject("questions");
            Array.ForEach(parts, p => writer.WriteNumber(p.Name, p.Questions.Length));
            writer.WriteEndObject();
            writer.WriteStartObject("test_questions_per_type");
            foreach (QuestionType type in Enum.GetValues<QuestionType>())
            {
                writer.WriteNumber(TypeKey(type), data.Test.CountOf(type));
            }

            writer.WriteEndObject();
            writer.WriteNumber("answers", Vocabulary.AnswerCount);
            writer.WriteNumber("batch_size", BatchSize);
            writer.WriteNumber("learning_rate", settings.LearningRate);
            writer.WriteStartObject("models");
            foreach (TrainResult result in results)
            {
                writer.WriteStartObject(result.Model);
                writer.WriteString("title", result.Title);
                writer.WriteStartObject("accuracy");
                foreach (QuestionType type in Enum.GetValues<QuestionType>())
                {
                    writer.WriteNumber(TypeKey(type), result.Accuracy[(int)type]);
                }

                writer.WriteEndObject();
                writer.WriteNumber("overall", result.Overall);
                if (double.IsNaN(result.TestLoss))
                {
                    writer.WriteNull("test_loss");
                }
                else
                {
                    writer.WriteNumber("test_loss", result.TestLoss);
                }

                writer.WriteNumber("epochs_run", result.EpochsRun);
                writer.WriteNumber("best_epoch", result.BestEpoch);
                writer.WriteNumber("seconds_per_epoch", result.SecondsPerEpoch);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteString("best_mcan", best);
            if (oneThread is double seconds)
            {
                writer.WriteNumber("one_thread_seconds_per_epoch", seconds);
            }
            else
            {
                writer.WriteNull("one_thread_seconds_per_epoch");
            }

            writer.WriteStartArray("attention_pictures");
            Array.ForEach(pictures, writer.WriteStringValue);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
