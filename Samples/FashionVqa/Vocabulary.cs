namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// The words of the questions (ids from 1; 0 pads) and the answers (one softmax over all of them), fixed by the
/// templates, so there is nothing to fit and no word is unknown.
/// </summary>
public static class Vocabulary
{
    /// <summary>Words per question after padding: the longest template, "is the top left the same kind as the bottom right".</summary>
    public const int QuestionLength = 11;

    /// <summary>Answers: 10 class words, yes and no, 0 to 4, four positions.</summary>
    public const int AnswerCount = 21;

    /// <summary>Question word ids: 0 (padding) and the 29 words.</summary>
    public const int WordIds = 30;

    /// <summary>The padding id.</summary>
    public const int Padding = 0;

    /// <summary>One word per class, by label (T-shirt/top as "tshirt", ankle boot as "boot").</summary>
    public static IReadOnlyList<string> ClassWords { get; } =
        ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"];

    /// <summary>The four positions of the 2x2 grid, row-major, as the questions spell them.</summary>
    public static IReadOnlyList<string> PositionPhrases { get; } = ["top left", "top right", "bottom left", "bottom right"];

    /// <summary>The counted groups: their plural word and their classes.</summary>
    public static IReadOnlyList<(string Word, int[] Classes)> Groups { get; } =
    [
        ("shoes", [5, 7, 9]),
        ("tops", [0, 2, 4, 6]),
    ];

    /// <summary>Question words in id order, from id 1.</summary>
    public static IReadOnlyList<string> Words { get; } =
    [
        "what", "is", "in", "the", "top", "bottom", "left", "right", "there", "a", "how", "many", "are",
        "same", "kind", "as", "where", "shoes", "tops", .. ClassWords,
    ];

    /// <summary>All answers: the class words, yes and no, 0 to 4, then the positions (top-left, ...); the softmax's classes in this order.</summary>
    public static IReadOnlyList<string> Answers { get; } =
        [.. ClassWords, "yes", "no", "0", "1", "2", "3", "4", "top-left", "top-right", "bottom-left", "bottom-right"];

    /// <summary>The answer index of a class.</summary>
    public static int ClassAnswer(int label) => label;

    /// <summary>The answer index of yes or no.</summary>
    public static int YesNoAnswer(bool yes) => yes ? 10 : 11;

    /// <summary>The answer index of a count, 0 to 4.</summary>
    public static int CountAnswer(int count) => 12 + count;

    /// <summary>The answer index of a position, 0 to 3 row-major.</summary>
    public static int PositionAnswer(int position) => 17 + position;

    private static readonly Dictionary<string, int> Ids = Words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i + 1, StringComparer.Ordinal);

    /// <summary>The question's word ids, padded at the end with 0 to <see cref="QuestionLength"/>.</summary>
    /// <exception cref="ArgumentException">A word is not in <see cref="Words"/>, or the question is longer than <see cref="QuestionLength"/>.</exception>
    public static int[] Encode(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        string[] words = question.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > QuestionLength)
        {
            throw new ArgumentException($"'{question}' has {words.Length} words; questions have at most {QuestionLength}.", nameof(question));
        }

        var ids = new int[QuestionLength];
        for (int i = 0; i < words.Length; i++)
        {
            ids[i] = Ids.TryGetValue(words[i], out int id) ? id : throw new ArgumentException($"'{words[i]}' in '{question}' is not a question word.", nameof(question));
        }

        return ids;
    }
}
