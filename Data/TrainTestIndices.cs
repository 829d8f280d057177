namespace ModelGen.Data;

/// <summary>The row indices of a train/test split, each part in shuffled order.</summary>
/// <param name="Train">The training rows.</param>
/// <param name="Test">The test (validation) rows.</param>
public sealed record TrainTestIndices(int[] Train, int[] Test);
