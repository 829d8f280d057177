using System.Collections.Generic;

namespace ModelGen.Generator.Units.GA;

/// <summary>
/// MCAN's GA(X, Y): <c>x = norm1(X + dropout1(mhatt(X, Y)))</c>, queries from X and keys and values from the guide Y,
/// then <c>norm2(x + dropout2(ffn(x)))</c>; X (T, E), Y (S, E) -> (T, E).
/// </summary>
internal sealed class GAUnit : CoAttentionUnit
{
    public static GAUnit Instance { get; } = new();

    public override string AttributeName => "ModelGen.GAAttribute";

    public override string Kind => "GA";

    public override int Arguments => 2;

    public override int Expand(IUnitBuilder builder, UnitSpec unit, IReadOnlyList<int> arguments)
    {
        var spec = (CoAttentionSpec)unit;
        if (!Check(builder, spec, arguments))
        {
            return -1;
        }

        int x = AttentionSublayer(builder, spec, "mhatt", "1", arguments[0], arguments[1]);
        return x < 0 ? -1 : FeedForwardSublayer(builder, spec, "2", x);
    }
}
