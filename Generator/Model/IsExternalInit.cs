namespace System.Runtime.CompilerServices;

// netstandard2.0 lacks the marker type that init-only setters and records compile against.
internal static class IsExternalInit
{
}
