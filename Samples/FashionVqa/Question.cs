namespace ModelGen.Samples.FashionVqa;

/// <summary>One question about one picture and its answer.</summary>
/// <param name="Picture">The picture's index in its part.</param>
/// <param name="Type">The template.</param>
/// <param name="Text">The words, lower case, separated by spaces.</param>
/// <param name="Answer">The answer's index in <see cref="Vocabulary.Answers"/>.</param>
public sealed record Question(int Picture, QuestionType Type, string Text, int Answer)
{
    /// <summary>The answer's word.</summary>
    public string AnswerWord => Vocabulary.Answers[Answer];
}
