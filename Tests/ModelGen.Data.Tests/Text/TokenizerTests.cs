using ModelGen.Data.Text;

namespace ModelGen.Data.Tests.Text;

/// <summary>The tokenizer against Keras' Tokenizer(oov_token=...) worked by hand from its source.</summary>
public sealed class TokenizerTests
{
    // Counts: the 4, cat 2, sat 1, on 1, mat 1, dog 3, ate 1, a 2 (first seen in that order).
    internal static readonly string[] Training = ["The cat sat on the mat.", "The dog ate the cat!", "A dog? A DOG."];

    [Fact]
    public void TextToWordSequence_LowersReplacesFiltersBySpacesAndDropsEmptyPieces()
    {
        var words = Tokenizer.TextToWordSequence("Hello,World!  It's a-test\tof\nthings... (ok)");

        // A filter character separates words ("a-test" is two words); the apostrophe is not a filter.
        Assert.Equal(["hello", "world", "it's", "a", "test", "of", "things", "ok"], words);
    }

    [Fact]
    public void TextToWordSequence_KeepsCaseWhenNotLowering_AndSplitsOnlyOnTheSplitString()
    {
        Assert.Equal(["Ünïcode", "CAFÉ\r", "x"], Tokenizer.TextToWordSequence("Ünïcode CAFÉ\r x", lower: false));
        Assert.Equal(["ünïcode", "café"], Tokenizer.TextToWordSequence("Ünïcode CAFÉ"));
        Assert.Equal(["a b", "c"], Tokenizer.TextToWordSequence("A b|C", filters: "", split: "|"));
        Assert.Empty(Tokenizer.TextToWordSequence(" ?!. "));
    }

    [Fact]
    public void Fit_RanksByCount_TiesInFirstSeenOrder()
    {
        var tokenizer = new Tokenizer().Fit(Training);

        Assert.Equal(["the", "dog", "cat", "a", "sat", "on", "mat", "ate"], tokenizer.RankedWords);
        Assert.Equal(3, tokenizer.DocumentCount);
        Assert.Equal(4, tokenizer.Count("the"));
        Assert.Equal(3, tokenizer.Count("dog"));
        Assert.Equal(0, tokenizer.Count("bird"));
        Assert.Equal(10, tokenizer.VocabularySize);
        Assert.Equal(2, tokenizer.Id("the"));
        Assert.Equal(9, tokenizer.Id("ate"));
        Assert.Equal(Tokenizer.OutOfVocabularyId, tokenizer.Id("bird"));
        Assert.Equal("", tokenizer.Word(0));
        Assert.Equal("<OOV>", tokenizer.Word(1));
        Assert.Equal("cat", tokenizer.Word(4));
    }

    [Fact]
    public void TextToSequence_UnknownWordsReadAsOutOfVocabulary()
    {
        var tokenizer = new Tokenizer().Fit(Training);

        Assert.Equal([2, 1, 6, 7, 5, 4], tokenizer.TextToSequence("The bird sat on a cat"));
        Assert.Empty(tokenizer.TextToSequence("..."));
    }

    [Fact]
    public void NumWords_KeepsOnlyIdsBelowIt()
    {
        // Keras: a word whose index is >= num_words is out of vocabulary, so 6 keeps 4 words (ids 2 to 5).
        var tokenizer = new Tokenizer(numWords: 6).Fit(Training);

        Assert.Equal([2, 1, 1, 1, 5, 4], tokenizer.TextToSequence("The bird sat on a cat"));
        Assert.Equal(6, tokenizer.VocabularySize);
        Assert.Equal(["the", "dog", "cat", "a"], tokenizer.Vocabulary);
        Assert.Equal(8, tokenizer.RankedWords.Count);
        Assert.Equal(Tokenizer.OutOfVocabularyId, tokenizer.Id("sat"));
        Assert.All(tokenizer.TextsToSequences(Training).SelectMany(s => s), id => Assert.InRange(id, 1, 5));
    }

    [Fact]
    public void NumWords_LargerThanTheWordsSeen_KeepsEveryWord()
    {
        var tokenizer = new Tokenizer(numWords: 100).Fit(Training);

        Assert.Equal(100, tokenizer.VocabularySize);
        Assert.Equal(8, tokenizer.Vocabulary.Count);
        Assert.Equal(9, tokenizer.Id("ate"));
    }

    [Fact]
    public void Fit_AgainAddsToTheCounts()
    {
        var tokenizer = new Tokenizer().Fit(Training[..1]).Fit(Training[1..]);

        Assert.Equal(new Tokenizer().Fit(Training).RankedWords, tokenizer.RankedWords);
        Assert.Equal(3, tokenizer.DocumentCount);
    }

    [Fact]
    public void FittedOnTrainingTextsOnly_TestWordsAreOutOfVocabulary()
    {
        var tokenizer = new Tokenizer().Fit(["win cash now"]);

        Assert.Equal([1, 2, 1, 4], tokenizer.TextToSequence("FREE win; prize NOW"));
    }

    [Fact]
    public void TextsToPaddedSequences_PadsAndTruncatesAtTheStartByDefault()
    {
        var tokenizer = new Tokenizer().Fit(Training);

        var padded = tokenizer.TextsToPaddedSequences(["the dog", "the cat sat on the mat"], length: 4);

        Assert.Equal([0, 0, 2, 3, 6, 7, 2, 8], padded.Ids);
        Assert.Equal([0f, 0, 2, 3, 6, 7, 2, 8], padded.ToSingles());
        var post = tokenizer.TextsToPaddedSequences(["the dog", "the cat sat on the mat"], 4, SequenceSide.Post, SequenceSide.Post);
        Assert.Equal([2, 3, 0, 0, 2, 4, 6, 7], post.Ids);
    }

    [Fact]
    public void Constructor_RefusesTooFewWordsAndATokenThatCouldBeAWord()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Tokenizer(numWords: 1));
        var e = Assert.Throws<ArgumentException>(() => new Tokenizer(outOfVocabularyToken: "unk"));
        Assert.Contains("'unk' could be a word", e.Message, StringComparison.Ordinal);
        // Upper case cannot survive lower-casing, so "UNK" is never a word (as in Keras).
        Assert.Equal(Tokenizer.OutOfVocabularyId, new Tokenizer(outOfVocabularyToken: "UNK").Fit(["unk"]).Id("UNK"));
    }

    [Fact]
    public void UseBeforeFit_Throws()
    {
        var tokenizer = new Tokenizer();

        Assert.False(tokenizer.IsFitted);
        Assert.Throws<InvalidOperationException>(() => tokenizer.TextToSequence("a"));
        Assert.Throws<InvalidOperationException>(() => tokenizer.Save(new MemoryStream()));
    }
}
