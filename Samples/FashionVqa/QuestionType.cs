namespace ModelGen.Samples.FashionVqa;

/// <summary>The question templates; every picture gets one question of each type.</summary>
public enum QuestionType
{
    /// <summary>"what is in the top left": a class word.</summary>
    What,

    /// <summary>"is there a bag": yes or no, half of each.</summary>
    IsThere,

    /// <summary>"how many shoes are there" (sandals, sneakers, ankle boots) or "how many tops are there" (T-shirts, pullovers, coats, shirts): 0 to 4.</summary>
    HowMany,

    /// <summary>"is the top left the same kind as the bottom right": yes or no.</summary>
    SameKind,

    /// <summary>"where is the dress", asked only of a class that is there exactly once: a position.</summary>
    Where,
}
