namespace ModelGen;

/// <summary>
/// A layer member of a graph model: a partial property with a layer attribute (<c>[Dense(64)] public partial Layer
/// Hidden { get; }</c>), called in the <c>[Forward]</c> body with its input tensors. A member called twice shares its
/// weights. Like <see cref="Tensor"/>, it exists for the body's compile-time reading and never runs.
/// </summary>
/// <param name="inputs">The layer's inputs: one for most layers; attention takes queries, then keys and values.</param>
/// <returns>The layer's output.</returns>
public delegate Tensor Layer(params Tensor[] inputs);
