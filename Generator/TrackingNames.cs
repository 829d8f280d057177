namespace ModelGen.Generator;

/// <summary>Names of the pipeline stages, for incrementality tests.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Validate = nameof(Validate);
    public const string Model = nameof(Model);
    public const string Emit = nameof(Emit);
    public const string MissingModel = nameof(MissingModel);
}
