namespace ModelGen;

/// <summary>Thrown when a training step's loss is NaN or infinite; training stops before that step's update.</summary>
public sealed class NonFiniteLossException : ArithmeticException
{
    /// <summary>Creates the exception for a step.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="epoch">The 0-based epoch.</param>
    /// <param name="epochs">The number of epochs of the run.</param>
    /// <param name="step">The 0-based step in the epoch.</param>
    /// <param name="steps">The steps per epoch.</param>
    /// <param name="loss">The loss read back.</param>
    public NonFiniteLossException(string model, int epoch, int epochs, int step, int steps, float loss)
        : base($"{model}: the loss is {loss} at epoch {epoch + 1}/{epochs}, step {step + 1}/{steps}; training stopped before this step's update. Lower the learning rate, clip gradients or check the data.")
    {
        Epoch = epoch;
        Step = step;
        Loss = loss;
    }

    /// <summary>The 0-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>The 0-based step in the epoch.</summary>
    public int Step { get; }

    /// <summary>The loss read back (NaN or infinite).</summary>
    public float Loss { get; }
}
