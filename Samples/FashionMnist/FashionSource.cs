namespace ModelGen.Samples.FashionMnist;

/// <summary>The images read for one run and where they came from.</summary>
/// <param name="Train">The training images (the validation part is held out of these later).</param>
/// <param name="Test">The images tested on once training is done.</param>
/// <param name="Description">One line saying which data this is, printed first.</param>
public sealed record FashionSource(FashionImages Train, FashionImages Test, string Description);
