using System.Globalization;
using System.Text.Json;
using ModelGen.Samples.FashionVqa;

namespace ModelGen.Samples.Tests;

/// <summary>
/// The Fashion VQA sample: one short epoch of every network and their outputs; the questions' answers read back from
/// the labels; the split keeping training and test items apart; the attention read from each MCAN model.
/// </summary>
public sealed class FashionVqaSampleTests
{
    private static readonly string[] Models = ["majority", "question_only", "sa_sga", "id_ga", "sa_ga", "sa_sga_question_queries"];

    private static readonly string[] TypeKeys = ["what", "is_there", "how_many", "same_kind", "where"];

    private static readonly Lazy<FashionItems> Items = new(() => FashionItems.Load(FashionItems.BundledFolder));

    [Fact]
    public void OneEpoch_OnFewPictures_TrainsEveryNetwork_AndWritesTheTableResultHistoriesAndAttentionPictures()
    {
        using var folder = new TempFolder();
        using var console = new StringWriter();

        IReadOnlyList<TrainResult> results = VqaTraining.Run(
            new TrainSettings(Seed: 0, Threads: 1, folder.Path, FashionItems.BundledFolder, Epochs: 1, TrainPictures: 120, ValidationPictures: 16,
                TestPictures: 24), console);

        Assert.Equal(Models, results.Select(r => r.Model));
        foreach (string model in Models.Skip(1))
        {
            Assert.True(new FileInfo(folder.File(Path.Combine(model, VqaTraining.WeightsFile))).Length > 0);
            OutputChecks.AssertHistory(folder.File(Path.Combine(model, "history.csv")), "epoch,loss,accuracy,val_loss,val_accuracy,seconds", 1);
            OutputChecks.AssertPng(folder.File(Path.Combine(model, "loss.png")));
            OutputChecks.AssertPng(folder.File(Path.Combine(model, "accuracy.png")));
        }

        Assert.False(Directory.Exists(folder.File("majority")));
        string[] table = File.ReadAllLines(folder.File("results.md"));
        Assert.Equal("| model | what | is there | how many | same kind | where | overall | epochs (best) | s/epoch |", table[0]);
        Assert.Equal(2 + Models.Length, table.Length);
        Assert.Contains(table[0], console.ToString(), StringComparison.Ordinal);

        using var result = JsonDocument.Parse(File.ReadAllBytes(folder.File("result.json")));
        JsonElement root = result.RootElement;
        Assert.Equal(
            ["seed", "threads", "items", "pictures", "questions", "test_questions_per_type", "answers", "batch_size", "learning_rate", "models", "best_mcan",
                "one_thread_seconds_per_epoch", "attention_pictures"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, root.GetProperty("seed").GetInt32());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.Equal([7000, 1000, 2000], root.GetProperty("items").EnumerateObject().Select(p => p.Value.GetInt32()));
        Assert.Equal([120, 16, 24], root.GetProperty("pictures").EnumerateObject().Select(p => p.Value.GetInt32()));
        int testQuestions = root.GetProperty("questions").GetProperty("test").GetInt32();
        Assert.InRange(testQuestions, 4 * 24, 5 * 24);
        Assert.Equal(testQuestions, root.GetProperty("test_questions_per_type").EnumerateObject().Sum(p => p.Value.GetInt32()));
        Assert.Equal(Vocabulary.AnswerCount, root.GetProperty("answers").GetInt32());

        JsonElement models = root.GetProperty("models");
        Assert.Equal(Models, models.EnumerateObject().Select(p => p.Name));
        for (int m = 0; m < Models.Length; m++)
        {
            JsonElement figures = models.GetProperty(Models[m]);
            Assert.Equal(["title", "accuracy", "overall", "test_loss", "epochs_run", "best_epoch", "seconds_per_epoch"], figures.EnumerateObject().Select(p => p.Name));
            double[] accuracy = [.. TypeKeys.Select(k => figures.GetProperty("accuracy").GetProperty(k).GetDouble())];
            Assert.All(accuracy, a => Assert.InRange(a, 0, 1));
            Assert.Equal(results[m].Accuracy, accuracy);

            // The overall accuracy is the per-type accuracies weighted by the questions of each type.
            double weighted = TypeKeys.Select((k, t) => accuracy[t] * root.GetProperty("test_questions_per_type").GetProperty(k).GetInt32()).Sum() / testQuestions;
            Assert.Equal(weighted, figures.GetProperty("overall").GetDouble(), 1e-9);
            bool trained = m > 0;
            Assert.Equal(trained ? 1 : 0, figures.GetProperty("epochs_run").GetInt32());
            Assert.Equal(trained ? JsonValueKind.Number : JsonValueKind.Null, figures.GetProperty("test_loss").ValueKind);
            Assert.Equal(trained, figures.GetProperty("seconds_per_epoch").GetDouble() > 0);
            Assert.Contains($"| {results[m].Title} | {accuracy[0].ToString("0.0000", CultureInfo.InvariantCulture)} |", table[2 + m], StringComparison.Ordinal);
        }

        Assert.Contains(root.GetProperty("best_mcan").GetString(), Models.Skip(2));
        Assert.True(root.GetProperty("one_thread_seconds_per_epoch").GetDouble() > 0);
        string[] pictures = [.. root.GetProperty("attention_pictures").EnumerateArray().Select(p => p.GetString()!)];
        Assert.Equal(VqaTraining.AttentionPictureCount, pictures.Length);
        Assert.All(pictures, p => OutputChecks.AssertPng(folder.File(p)));
    }

    [Fact]
    public void EveryAnswer_FollowsFromThePicturesLabels()
    {
        var random = new Random(7);
        int[] pool = [.. Enumerable.Range(0, 3000)];
        Picture[] pictures = QuestionGenerator.Compose(Items.Value, pool, 2000, random);
        Question[] questions = [.. pictures.SelectMany((p, i) => QuestionGenerator.Ask(p, i, random))];

        foreach (Question question in questions)
        {
            Picture picture = pictures[question.Picture];
            Assert.Equal(picture.Items.Select(i => (int)Items.Value.Labels[i]), picture.Labels);
            Assert.Equal(4, picture.Items.Distinct().Count());
            Assert.Equal(Answer(question.Text, picture.Labels), question.AnswerWord);
            Assert.Equal(Vocabulary.QuestionLength, Vocabulary.Encode(question.Text).Length);
        }

        // One question of each type per picture, "where" only when some class is there once.
        Assert.Equal(pictures.Length, questions.Count(q => q.Type == QuestionType.What));
        Assert.Equal(pictures.Count(p => p.Labels.Any(l => p.Count(l) == 1)), questions.Count(q => q.Type == QuestionType.Where));

        // "is there" is yes for half the questions; "same kind" often enough to be learnt from the picture.
        Assert.InRange(YesShare(questions, QuestionType.IsThere), 0.45, 0.55);
        Assert.InRange(YesShare(questions, QuestionType.SameKind), 0.35, 0.65);
    }

    [Fact]
    public void Create_KeepsTrainingValidationAndTestItemsApart_AndRepeatsWithTheSeed()
    {
        VqaData data = VqaData.Create(Items.Value, seed: 3, trainPictures: 300, validationPictures: 30, testPictures: 60);
        VqaData again = VqaData.Create(Items.Value, seed: 3, trainPictures: 300, validationPictures: 30, testPictures: 60);

        Assert.Equal([7000, 1000, 2000], new[] { data.Train.Pool.Length, data.Validation.Pool.Length, data.Test.Pool.Length });
        Assert.Equal(Enumerable.Range(0, 10000), data.Train.Pool.Concat(data.Validation.Pool).Concat(data.Test.Pool).Order());
        foreach (VqaPart part in new[] { data.Train, data.Validation, data.Test })
        {
            var pool = part.Pool.ToHashSet();
            Assert.All(part.Pictures, p => Assert.All(p.Items, i => Assert.Contains(i, pool)));
        }

        Assert.Empty(data.Train.Pictures.SelectMany(p => p.Items).Intersect(data.Test.Pictures.SelectMany(p => p.Items)));
        Assert.Equal(data.Test.Questions, again.Test.Questions);
        Assert.Equal(data.Train.Pictures.Select(p => p.Items[0]), again.Train.Pictures.Select(p => p.Items[0]));
    }

    [Fact]
    public void Regions_AreThe14x14PatchesRowMajor_AndQuestionsArePaddedAtTheEnd()
    {
        VqaData data = VqaData.Create(Items.Value, seed: 0, trainPictures: 2, validationPictures: 1, testPictures: 1);
        Picture picture = data.Test.Pictures[0];
        float[] pixels = picture.Pixels(Items.Value);
        var regions = new float[Picture.Regions * Picture.RegionWidth];
        picture.WriteRegions(Items.Value, regions);

        // Region 6 is patch row 1, column 2: pixels 14-27 down, 28-41 across, the top left corner of the top right item's lower half.
        Assert.Equal(pixels[14 * Picture.Size + 28], regions[6 * Picture.RegionWidth]);
        Assert.Equal(Items.Value.Item(picture.Items[1])[14 * 28] / 255f, regions[6 * Picture.RegionWidth]);
        Assert.Equal(Items.Value.Item(picture.Items[3])[27 * 28 + 27] / 255f, regions[^1]);
        Assert.Equal(data.Test.Questions.Length * Picture.Regions * Picture.RegionWidth, data.Test.QuestionRegions().Length);

        Assert.Equal([Word("where"), Word("is"), Word("the"), Word("dress"), 0, 0, 0, 0, 0, 0, 0], Vocabulary.Encode("where is the dress"));
        Assert.Equal(Vocabulary.WordIds, Vocabulary.Words.Count + 1);
        Assert.Equal(Vocabulary.AnswerCount, Vocabulary.Answers.Count);
        Assert.Equal(Vocabulary.QuestionLength, Vocabulary.Encode("is the top left the same kind as the bottom right").Count(id => id != 0));
        Assert.Throws<ArgumentException>(() => Vocabulary.Encode("where is the hat"));
    }

    [Fact]
    public void ImageAttention_IsASoftmaxOverTheRegions_OfEveryMcanModel()
    {
        VqaData data = VqaData.Create(Items.Value, seed: 0, trainPictures: 2, validationPictures: 1, testPictures: 3);
        foreach (VqaModel spec in VqaModel.Mcan)
        {
            using CompiledModel model = spec.Create(8, 1, ModelGen.Kernels.Device.Cpu(1));
            TensorInfo attention = model.Layout.Tensors.Single(t => t.Name == VqaModel.ImageAttention);
            Assert.Equal([Picture.Regions, 1], attention.Shape);

            float[] weights = model.PredictTensor(VqaModel.ImageAttention, data.Test.ToDataset());
            Assert.Equal(data.Test.Questions.Length * Picture.Regions, weights.Length);
            for (int q = 0; q < data.Test.Questions.Length; q++)
            {
                Assert.Equal(1, weights.AsSpan(q * Picture.Regions, Picture.Regions).ToArray().Sum(), 1e-5);
            }
        }
    }

    [Fact]
    public void Main_RefusesAFolderWithoutTheTestSet()
    {
        using var folder = new TempFolder();

        Assert.Equal(1, SampleRunner.Run(typeof(VqaTraining).Assembly, "--data", folder.Path, "--out", folder.File("out")));
        Assert.Throws<InvalidDataException>(() => FashionItems.Load(folder.File("missing")));
    }

    // Reads the question back and answers it from the labels alone.
    private static string Answer(string text, int[] labels)
    {
        string[] words = text.Split(' ');
        int Position(int at) => Vocabulary.PositionPhrases.ToList().IndexOf($"{words[at]} {words[at + 1]}");
        int Class(string word) => Vocabulary.ClassWords.ToList().IndexOf(word);
        string YesNo(bool yes) => yes ? "yes" : "no";
        return words switch
        {
            ["what", "is", "in", "the", _, _] => Vocabulary.ClassWords[labels[Position(4)]],
            ["is", "there", "a", var thing] => YesNo(labels.Contains(Class(thing))),
            ["how", "many", var group, "are", "there"] => labels.Count(l => Vocabulary.Groups.Single(g => g.Word == group).Classes.Contains(l)).ToString(CultureInfo.InvariantCulture),
            ["is", "the", _, _, "the", "same", "kind", "as", "the", _, _] => YesNo(labels[Position(2)] == labels[Position(9)]),
            ["where", "is", "the", var thing] when labels.Count(l => l == Class(thing)) == 1 =>
                new[] { "top-left", "top-right", "bottom-left", "bottom-right" }[Array.IndexOf(labels, Class(thing))],
            _ => throw new InvalidOperationException($"Unexpected question '{text}' about {string.Join(", ", labels)}."),
        };
    }

    private static double YesShare(Question[] questions, QuestionType type) =>
        (double)questions.Count(q => q.Type == type && q.AnswerWord == "yes") / questions.Count(q => q.Type == type);

    private static int Word(string word) => Vocabulary.Words.ToList().IndexOf(word) + 1;
}
