using System.Collections.Generic;

namespace ModelGen.Generator.Units.SA;

/// <summary>
/// MCAN's SA(X): <c>x = norm1(X + dropout1(mhatt(X)))</c>, then <c>norm2(x + dropout2(ffn(x)))</c>; X (T, E) -> (T, E).
/// </summary>
internal sealed class SAUnit : CoAttentionUnit
{
    public static SAUnit Instance { get; } = new();

    public override string AttributeName => "ModelGen.SAAttribute";

    public override string Kind => "SA";

    public override int Arguments => 1;

    public override int Expand(IUnitBuilder builder, UnitSpec unit, IReadOnlyList<int> arguments)
    {
        var spec = (CoAttentionSpec)unit;
        if (!Check(builder, spec, arguments))
        {
            return -1;
        }

        int x = AttentionSublayer(builder, spec, "mhatt", "1", arguments[0]);
        return x < 0 ? -1 : FeedForwardSublayer(builder, spec, "2", x);
    }
}
