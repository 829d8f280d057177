using System.Collections.Generic;

namespace ModelGen.Generator.Units.SGA;

/// <summary>
/// MCAN's SGA(X, Y) as mca.py builds it: <c>x = norm1(X + dropout1(mhatt1(X)))</c>, <c>x = norm2(x + dropout2(mhatt2(x, Y)))</c>,
/// then <c>norm3(x + dropout3(ffn(x)))</c>; three norms and one feed-forward. X (T, E), Y (S, E) -> (T, E).
/// </summary>
internal sealed class SGAUnit : CoAttentionUnit
{
    public static SGAUnit Instance { get; } = new();

    public override string AttributeName => "ModelGen.SGAAttribute";

    public override string Kind => "SGA";

    public override int Arguments => 2;

    public override int Expand(IUnitBuilder builder, UnitSpec unit, IReadOnlyList<int> arguments)
    {
        var spec = (CoAttentionSpec)unit;
        if (!Check(builder, spec, arguments))
        {
            return -1;
        }

        int x = AttentionSublayer(builder, spec, "mhatt1", "1", arguments[0]);
        x = x < 0 ? -1 : AttentionSublayer(builder, spec, "mhatt2", "2", x, arguments[1]);
        return x < 0 ? -1 : FeedForwardSublayer(builder, spec, "3", x);
    }
}
