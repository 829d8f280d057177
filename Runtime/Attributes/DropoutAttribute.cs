namespace ModelGen;

/// <summary>Inverted dropout: in training, zeroes each element with probability <see cref="Rate"/> and scales the rest by 1 / (1 - rate).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Declares the dropout layer; <paramref name="rate"/> must lie in [0, 1).</summary>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>The probability of dropping an element.</summary>
    public double Rate { get; }

    /// <summary>The layer's name in summaries; by default <c>dropout</c> and its index.</summary>
    public string? Name { get; set; }
}
