namespace ModelGen.Data;

/// <summary>Steps applied in order, each fitted on the previous step's output (scikit-learn's make_pipeline).</summary>
public sealed class Pipeline
{
    private readonly Transformer[] steps;

    /// <summary>A pipeline of <paramref name="steps"/>; no steps passes the columns through.</summary>
    public Pipeline(params IEnumerable<Transformer> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        this.steps = [.. steps];
        if (this.steps.Any(s => s is null)) throw new ArgumentException("A pipeline step is null.", nameof(steps));
        if (this.steps.Distinct().Count() != this.steps.Length)
            throw new ArgumentException("The same step instance appears twice; each step holds its own fitted state.", nameof(steps));
    }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<Transformer> Steps => steps;

    /// <summary>Fits every step in turn on <paramref name="table"/> as transformed by the steps before it.</summary>
    /// <returns>This pipeline.</returns>
    public Pipeline Fit(Table table)
    {
        FitTransform(table);
        return this;
    }

    /// <summary>Fits every step and returns the last step's output for <paramref name="table"/>.</summary>
    public Table FitTransform(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var step in steps) table = step.FitTransform(table);
        return table;
    }

    /// <summary>Applies every fitted step in turn.</summary>
    public Table Transform(Table table) => Transform(table, null);

    internal Table Transform(Table table, RowErrorSink? errors)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var step in steps) table = step.Transform(table, errors);
        return table;
    }
}
