namespace ModelGen.Data.Tests;

public class TrainTestSplitTests
{
    private static int[] CountPerClass(int[] rows, double[] labels, int classes)
    {
        var counts = new int[classes];
        foreach (var row in rows) counts[(int)labels[row]]++;
        return counts;
    }

    private static void AssertPartition(TrainTestIndices split, int rows)
    {
        Assert.Equal(Enumerable.Range(0, rows), split.Train.Concat(split.Test).Order());
    }

    [Fact]
    public void Stratified_AllocatesByLargestRemainder()
    {
        // Classes of 5, 3, 2 rows; 10 rows at 0.75 -> 7 train, 3 test.
        // Train shares 3.5, 2.1, 1.4 -> floors 3, 2, 1 (6) + 1 to the largest remainder (class 0) -> 4, 2, 1.
        // Test: the remaining 1, 1, 1.
        double[] labels = [0, 1, 2, 0, 1, 0, 2, 0, 1, 0];

        var split = TrainTestSplit.Split(labels, trainSize: 0.75, seed: 3);

        Assert.Equal([4, 2, 1], CountPerClass(split.Train, labels, 3));
        Assert.Equal([1, 1, 1], CountPerClass(split.Test, labels, 3));
        AssertPartition(split, labels.Length);
    }

    [Fact]
    public void Stratified_TiedRemainders_GoToOneOfTheTiedClasses()
    {
        // Classes of 3, 3, 2 rows; 8 rows at 0.5 -> 4 train: shares 1.5, 1.5, 1 -> 1, 1, 1 + 1 to class 0 or 1.
        double[] labels = [0, 0, 0, 1, 1, 1, 2, 2];

        for (var seed = 0; seed < 8; seed++)
        {
            var split = TrainTestSplit.Split(labels, 0.5, seed);
            var train = CountPerClass(split.Train, labels, 3);
            Assert.True(train.SequenceEqual([2, 1, 1]) || train.SequenceEqual([1, 2, 1]), $"seed {seed}: {string.Join(",", train)}");
            AssertPartition(split, labels.Length);
        }
    }

    [Fact]
    public void Split_IsDeterministicForASeed_AndDiffersAcrossSeeds()
    {
        var labels = Enumerable.Range(0, 200).Select(i => (double)(i % 3 == 0 ? 1 : 0)).ToArray();

        var first = TrainTestSplit.Split(labels, 0.75, seed: 11);
        var again = TrainTestSplit.Split(labels, 0.75, seed: 11);
        var other = TrainTestSplit.Split(labels, 0.75, seed: 12);

        Assert.Equal(first.Train, again.Train);
        Assert.Equal(first.Test, again.Test);
        Assert.NotEqual(first.Train, other.Train);
    }

    [Fact]
    public void Unstratified_TakesFloorOfTrainSize()
    {
        var split = TrainTestSplit.Split(rows: 10, trainSize: 0.75, seed: 0);

        Assert.Equal(7, split.Train.Length);
        Assert.Equal(3, split.Test.Length);
        AssertPartition(split, 10);
    }

    [Fact]
    public void TextLabels_StratifyLikeNumbers()
    {
        var labels = Tables.Texts("y", "no", "yes", "no", "no", "yes", "no");

        var split = TrainTestSplit.Split(labels, 0.5, seed: 1);

        // 4 "no", 2 "yes"; 3 train: shares 2 and 1.
        Assert.Equal(2, split.Train.Count(r => labels.Texts[r] == "no"));
        Assert.Equal(1, split.Train.Count(r => labels.Texts[r] == "yes"));
    }

    [Fact]
    public void Refuses_SingletonClass_BadTrainSize_AndMissingLabels()
    {
        Assert.Contains("Class '2' has 1 row", Assert.Throws<ArgumentException>(() => TrainTestSplit.Split(new double[] { 0, 0, 1, 1, 2 }, 0.5, 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Split(10, 1.0, 0));
        Assert.Contains("row 1", Assert.Throws<ArgumentException>(() => TrainTestSplit.Split(Tables.Numbers("y", 0, double.NaN), 0.5, 0)).Message);
    }
}
