namespace ModelGen.Generator.Model;

/// <summary>The summary's FLOP count of an activation: one per element, three for a softmax (exponential, sum, divide), none for the identity.</summary>
internal static class ActivationFlops
{
    public static long PerSample(ActivationFunction function, long elements) => function switch
    {
        ActivationFunction.Linear => 0,
        ActivationFunction.Softmax => 3 * elements,
        _ => elements,
    };
}
