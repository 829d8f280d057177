namespace ModelGen;

/// <summary>Whether the monitored value should fall or rise (Keras' <c>mode</c>).</summary>
public enum EarlyStoppingMode
{
    /// <summary>Decided from the name: losses and errors fall, accuracies rise.</summary>
    Auto,

    /// <summary>Lower is better.</summary>
    Min,

    /// <summary>Higher is better.</summary>
    Max,
}
