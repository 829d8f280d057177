using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers;

/// <summary>
/// The rules every kind over channels-first feature maps (C, H, W) shares: argument checks, the map input, and a
/// window that must fit its (padded) input. Used by the convolution and pooling kinds.
/// </summary>
internal static class MapRules
{
    /// <summary>Reports MG1009 unless <paramref name="value"/> is at least 1; returns whether it is.</summary>
    public static bool Positive(string name, string kind, string argument, int value, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (value >= 1)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerArgumentNotPositiveError, location, name, kind, argument, value));
        return false;
    }

    /// <summary>Reports MG2004 unless the input is (C, H, W); returns whether it is.</summary>
    public static bool IsMap(LayerSpec spec, Shape input, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (input.Rank == 3)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsMapsError, location, spec.Name, spec.Kind, input.WithBatch));
        return false;
    }

    /// <summary>
    /// Reports MG2005 unless a window of <paramref name="windowHeight"/> x <paramref name="windowWidth"/> fits the input
    /// padded to <paramref name="paddedHeight"/> x <paramref name="paddedWidth"/>; <paramref name="hint"/> ends the fix.
    /// </summary>
    public static bool WindowFits(LayerSpec spec, Shape input, int windowHeight, int windowWidth, int paddedHeight, int paddedWidth,
        string hint, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (windowHeight <= paddedHeight && windowWidth <= paddedWidth)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WindowLargerThanInputError, location, spec.Name, spec.Kind,
            $"{windowHeight}x{windowWidth}", input.WithBatch, $"{paddedHeight}x{paddedWidth}",
            $"{System.Math.Min(windowHeight, paddedHeight)}x{System.Math.Min(windowWidth, paddedWidth)}", hint));
        return false;
    }

    /// <summary>(C, H, W) -> "C, H, W" as one comment shows a map.</summary>
    public static (int Channels, int Height, int Width) Dimensions(Shape map) => (map.Dimensions[0], map.Dimensions[1], map.Dimensions[2]);
}
