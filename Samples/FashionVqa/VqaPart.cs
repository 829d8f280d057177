namespace ModelGen.Samples.FashionVqa;

/// <summary>One part (training, validation or test): its pictures, their questions, and both as network inputs.</summary>
public sealed class VqaPart
{
    internal VqaPart(string name, FashionItems items, int[] pool, Picture[] pictures, Question[] questions)
    {
        Name = name;
        Items = items;
        Pool = pool;
        Pictures = pictures;
        Questions = questions;
    }

    /// <summary>All items; the pictures use those of <see cref="Pool"/>.</summary>
    public FashionItems Items { get; }

    /// <summary>"train", "validation" or "test".</summary>
    public string Name { get; }

    /// <summary>The items (indices in the 10,000) its pictures are composed from.</summary>
    public int[] Pool { get; }

    /// <summary>The pictures.</summary>
    public Picture[] Pictures { get; }

    /// <summary>The questions, picture by picture.</summary>
    public Question[] Questions { get; }

    /// <summary>The questions' word ids, (n, 11) as floats, padded at the end with 0.</summary>
    public float[] QuestionIds()
    {
        var ids = new float[Questions.Length * Vocabulary.QuestionLength];
        for (int q = 0; q < Questions.Length; q++)
        {
            int[] row = Vocabulary.Encode(Questions[q].Text);
            for (int i = 0; i < row.Length; i++)
            {
                ids[q * Vocabulary.QuestionLength + i] = row[i];
            }
        }

        return ids;
    }

    /// <summary>Each question's picture as its 16 regions, (n, 16, 196).</summary>
    public float[] QuestionRegions()
    {
        const int width = Picture.Regions * Picture.RegionWidth;
        var pictureRegions = new float[Pictures.Length][];
        var regions = new float[Questions.Length * width];
        for (int q = 0; q < Questions.Length; q++)
        {
            int p = Questions[q].Picture;
            if (pictureRegions[p] is null)
            {
                pictureRegions[p] = new float[width];
                Pictures[p].WriteRegions(Items, pictureRegions[p]);
            }

            pictureRegions[p].CopyTo(regions.AsSpan(q * width));
        }

        return regions;
    }

    /// <summary>The answers' indices as floats (sparse categorical targets).</summary>
    public float[] Answers() => [.. Questions.Select(q => (float)q.Answer)];

    /// <summary>The questions and their pictures' regions, in that order (a question-and-image model's inputs), with the answers.</summary>
    public Dataset ToDataset() => new([QuestionIds(), QuestionRegions()], [Vocabulary.QuestionLength, Picture.Regions * Picture.RegionWidth], Answers(), 1);

    /// <summary>The questions alone with the answers (the question-only model's input).</summary>
    public Dataset ToQuestionDataset() => new(QuestionIds(), Vocabulary.QuestionLength, Answers(), 1);

    /// <summary>Questions of each type.</summary>
    public int CountOf(QuestionType type) => Questions.Count(q => q.Type == type);
}
