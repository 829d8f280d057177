namespace ModelGen.Samples.FashionVqa;

/// <summary>
/// Composes pictures from a pool of items and asks the templated questions about them, each answer read from the
/// items' labels. Every draw comes from the <see cref="Random"/> passed in, so a seed gives the same pictures and
/// questions.
/// </summary>
public static class QuestionGenerator
{
    /// <summary>The share of pictures composed with a forced pair (two items of one class), so that "same kind" can be yes often enough.</summary>
    public const double PairShare = 0.5;

    /// <summary>Of the pictures that have a same-class pair, the share whose "same kind" question asks about such a pair.</summary>
    public const double SamePairShare = 2.0 / 3;

    private static readonly (int First, int Second)[] PositionPairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)];

    /// <summary>
    /// Composes <paramref name="count"/> pictures of four items drawn at random from <paramref name="pool"/> (item
    /// indices). In a share <see cref="PairShare"/> of them one item is replaced by another of the same class as a
    /// second one (from the pool too), so that some pictures hold a pair. No item appears twice in one picture.
    /// </summary>
    public static Picture[] Compose(FashionItems items, IReadOnlyList<int> pool, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(random);
        if (pool.Count < 8)
        {
            throw new ArgumentException($"A pool of {pool.Count} items is too small to compose pictures of four; give at least 8.", nameof(pool));
        }

        List<int>[] byClass = [.. Enumerable.Range(0, FashionItems.ClassNames.Count).Select(_ => new List<int>())];
        foreach (int item in pool)
        {
            byClass[items.Labels[item]].Add(item);
        }

        var pictures = new Picture[count];
        for (int p = 0; p < count; p++)
        {
            var chosen = new int[4];
            for (int position = 0; position < 4; position++)
            {
                int item;
                do
                {
                    item = pool[random.Next(pool.Count)];
                }
                while (Array.IndexOf(chosen, item, 0, position) >= 0);
                chosen[position] = item;
            }

            if (random.NextDouble() < PairShare)
            {
                var (source, target) = PositionPairs[random.Next(PositionPairs.Length)];
                if (random.Next(2) == 0)
                {
                    (source, target) = (target, source);
                }

                List<int> sameClass = byClass[items.Labels[chosen[source]]];
                int replacement = sameClass[random.Next(sameClass.Count)];
                if (Array.IndexOf(chosen, replacement) < 0)
                {
                    chosen[target] = replacement;
                }
            }

            pictures[p] = new Picture(chosen, [.. chosen.Select(i => (int)items.Labels[i])]);
        }

        return pictures;
    }

    /// <summary>
    /// Asks one question of each type about <paramref name="picture"/> (index <paramref name="index"/> in its part),
    /// in the order of <see cref="QuestionType"/>; "where" is left out when no class is there exactly once.
    /// </summary>
    public static IEnumerable<Question> Ask(Picture picture, int index, Random random)
    {
        ArgumentNullException.ThrowIfNull(picture);
        ArgumentNullException.ThrowIfNull(random);
        int[] labels = picture.Labels;

        int asked = random.Next(4);
        yield return new Question(index, QuestionType.What, $"what is in the {Vocabulary.PositionPhrases[asked]}", Vocabulary.ClassAnswer(labels[asked]));

        int[] present = [.. labels.Distinct().Order()];
        int[] absent = [.. Enumerable.Range(0, Vocabulary.ClassWords.Count).Except(present)];
        bool yes = random.Next(2) == 0;
        int thing = yes ? present[random.Next(present.Length)] : absent[random.Next(absent.Length)];
        yield return new Question(index, QuestionType.IsThere, $"is there a {Vocabulary.ClassWords[thing]}", Vocabulary.YesNoAnswer(yes));

        var (groupWord, groupClasses) = Vocabulary.Groups[random.Next(Vocabulary.Groups.Count)];
        int count = labels.Count(l => Array.IndexOf(groupClasses, l) >= 0);
        yield return new Question(index, QuestionType.HowMany, $"how many {groupWord} are there", Vocabulary.CountAnswer(count));

        (int First, int Second)[] same = [.. PositionPairs.Where(p => labels[p.First] == labels[p.Second])];
        (int First, int Second)[] different = [.. PositionPairs.Where(p => labels[p.First] != labels[p.Second])];
        bool askSame = same.Length > 0 && (different.Length == 0 || random.NextDouble() < SamePairShare);
        var (a, b) = askSame ? same[random.Next(same.Length)] : different[random.Next(different.Length)];
        if (random.Next(2) == 0)
        {
            (a, b) = (b, a);
        }

        yield return new Question(index, QuestionType.SameKind,
            $"is the {Vocabulary.PositionPhrases[a]} the same kind as the {Vocabulary.PositionPhrases[b]}", Vocabulary.YesNoAnswer(labels[a] == labels[b]));

        int[] once = [.. present.Where(c => picture.Count(c) == 1)];
        if (once.Length > 0)
        {
            int sought = once[random.Next(once.Length)];
            yield return new Question(index, QuestionType.Where, $"where is the {Vocabulary.ClassWords[sought]}", Vocabulary.PositionAnswer(Array.IndexOf(labels, sought)));
        }
    }
}
