using System.Globalization;
using System.Text;

namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// The sample's pictures and questions: the 10,000 bundled test items shuffled with the seed and split into items
/// for test pictures (<see cref="TestItemShare"/>) and items for training pictures (the rest, of which
/// <see cref="ValidationItemShare"/> of all compose the validation pictures), so that no item is in a training and a
/// test picture (nor in a training and a validation one). Each part's pictures are random 4-tuples of its items
/// (<see cref="QuestionGenerator.Compose"/>), each asked one question of every type.
/// </summary>
public sealed class VqaData
{
    /// <summary>The share of items that only test pictures use (2,000 of 10,000).</summary>
    public const double TestItemShare = 0.2;

    /// <summary>The share of items that only validation pictures use (1,000 of 10,000; the other 7,000 compose training pictures).</summary>
    public const double ValidationItemShare = 0.1;

    private VqaData(FashionItems items, int seed, VqaPart train, VqaPart validation, VqaPart test)
    {
        Items = items;
        Seed = seed;
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>All items.</summary>
    public FashionItems Items { get; }

    /// <summary>The seed of the split, the pictures and the questions.</summary>
    public int Seed { get; }

    /// <summary>Training pictures and questions.</summary>
    public VqaPart Train { get; }

    /// <summary>Validation pictures and questions (val_loss, early stopping), from items of their own.</summary>
    public VqaPart Validation { get; }

    /// <summary>Test pictures and questions, from items no other part uses.</summary>
    public VqaPart Test { get; }

    /// <summary>Splits <paramref name="items"/> with <paramref name="seed"/> and composes each part's pictures and questions.</summary>
    public static VqaData Create(FashionItems items, int seed, int trainPictures, int validationPictures, int testPictures)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainPictures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(validationPictures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(testPictures, 1);
        var random = new Random(seed);
        int[] order = [.. Enumerable.Range(0, items.Count)];
        random.Shuffle(order);
        int testItems = (int)Math.Round(items.Count * TestItemShare);
        int validationItems = (int)Math.Round(items.Count * ValidationItemShare);
        VqaPart test = Part("test", items, order[..testItems], testPictures, random);
        VqaPart validation = Part("validation", items, order[testItems..(testItems + validationItems)], validationPictures, random);
        VqaPart train = Part("train", items, order[(testItems + validationItems)..], trainPictures, random);
        return new VqaData(items, seed, train, validation, test);
    }

    /// <summary>One line per part: items, pictures, questions, and the questions per type.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (VqaPart part in new[] { Train, Validation, Test })
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{part.Name}: {part.Pool.Length:N0} items, {part.Pictures.Length:N0} pictures, {part.Questions.Length:N0} questions (");
            text.Append(string.Join(", ", Enum.GetValues<QuestionType>().Select(t => $"{VqaTraining.TypeName(t)} {part.CountOf(t):N0}")));
            text.Append(")\n");
        }

        return text.ToString();
    }

    private static VqaPart Part(string name, FashionItems items, int[] pool, int pictures, Random random)
    {
        Picture[] composed = QuestionGenerator.Compose(items, pool, pictures, random);
        Question[] questions = [.. composed.SelectMany((picture, index) => QuestionGenerator.Ask(picture, index, random))];
        return new VqaPart(name, items, pool, composed, questions);
    }
}
