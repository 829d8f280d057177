using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>The statements and expressions of a [Forward] body.</summary>
internal sealed partial class GraphParser
{
    /// <summary>Runs the scope's body; returns the output node, or -1 after reporting.</summary>
    private int RunBody(Scope scope)
    {
        var forward = scope.Forward;
        if (forward.ExpressionBody is { } arrow)
        {
            return Tensor(scope, arrow.Expression);
        }

        var statements = forward.Body!.Statements;
        if (statements.Count == 0 || statements[statements.Count - 1] is not ReturnStatementSyntax { Expression: { } returned })
        {
            Report(DiagnosticDescriptors.GraphForwardError, LocationInfo.From(forward.Identifier), scope.Type.Name, "has a [Forward] body that does not end in 'return output;'; return the model's output last");
            return -1;
        }

        for (int i = 0; i < statements.Count - 1; i++)
        {
            if (!Execute(scope, statements[i]))
            {
                return -1;
            }
        }

        return Tensor(scope, returned);
    }

    private bool Execute(Scope scope, StatementSyntax statement)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        switch (statement)
        {
            case BlockSyntax block:
                return block.Statements.All(inner => Execute(scope, inner));
            case LocalDeclarationStatementSyntax local when !local.IsConst && local.UsingKeyword.IsKind(SyntaxKind.None):
                foreach (var variable in local.Declaration.Variables)
                {
                    if (variable.Initializer is null || scope.Model.GetDeclaredSymbol(variable, _cancellationToken) is not { } symbol)
                    {
                        return Refuse(statement, scope, "a local without a value");
                    }

                    if (Evaluate(scope, variable.Initializer.Value) is not { } value)
                    {
                        return false;
                    }

                    scope.Symbols[symbol] = value;
                }

                return true;
            case LocalDeclarationStatementSyntax { IsConst: true }:
                return true; // A constant: read through the semantic model where used.
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment }:
                return Assign(scope, assignment);
            case ForStatementSyntax loop:
                return For(scope, loop);
            case ForEachStatementSyntax loop:
                return ForEach(scope, loop);
            case EmptyStatementSyntax:
                return true;
            case ReturnStatementSyntax:
                return Refuse(statement, scope, "a return before the end");
            case IfStatementSyntax:
                return Refuse(statement, scope, "an if statement (a branch on data has no fixed graph; build the model for one case)");
            default:
                return Refuse(statement, scope, "this statement (" + statement.Kind() + ")");
        }
    }

    private bool Refuse(SyntaxNode node, Scope scope, string what)
    {
        Report(DiagnosticDescriptors.GraphStatementError, LocationInfo.From(node), scope.Type.Name, what);
        return false;
    }

    private bool Assign(Scope scope, AssignmentExpressionSyntax assignment)
    {
        if (scope.Model.GetSymbolInfo(assignment.Left, _cancellationToken).Symbol is not ILocalSymbol local || !scope.Symbols.ContainsKey(local))
        {
            return Refuse(assignment, scope, "an assignment to anything but a local tensor");
        }

        Value? value = assignment.Kind() switch
        {
            SyntaxKind.SimpleAssignmentExpression => Evaluate(scope, assignment.Right),
            SyntaxKind.AddAssignmentExpression => Binary(scope, assignment, SyntaxKind.PlusToken, assignment.Left, assignment.Right),
            SyntaxKind.SubtractAssignmentExpression => Binary(scope, assignment, SyntaxKind.MinusToken, assignment.Left, assignment.Right),
            SyntaxKind.MultiplyAssignmentExpression => Binary(scope, assignment, SyntaxKind.AsteriskToken, assignment.Left, assignment.Right),
            SyntaxKind.DivideAssignmentExpression => Binary(scope, assignment, SyntaxKind.SlashToken, assignment.Left, assignment.Right),
            _ => null,
        };
        if (value is null)
        {
            return !_failed && Refuse(assignment, scope, "this assignment");
        }

        scope.Symbols[local] = value;
        return true;
    }

    /// <summary>for (int i = a; i &lt; b; i++) with constant bounds (a member's Length counts): unrolled.</summary>
    private bool For(Scope scope, ForStatementSyntax loop)
    {
        if (loop.Declaration is not { Variables.Count: 1 } declaration
            || declaration.Variables[0].Initializer is not { } start
            || scope.Model.GetDeclaredSymbol(declaration.Variables[0], _cancellationToken) is not ILocalSymbol counter
            || loop.Condition is not BinaryExpressionSyntax condition
            || !condition.IsKind(SyntaxKind.LessThanExpression) && !condition.IsKind(SyntaxKind.LessThanOrEqualExpression)
            || scope.Model.GetSymbolInfo(condition.Left, _cancellationToken).Symbol is not ILocalSymbol compared
            || !SymbolEqualityComparer.Default.Equals(compared, counter)
            || loop.Incrementors.Count != 1
            || !IsIncrement(scope, loop.Incrementors[0], counter))
        {
            return Refuse(loop, scope, "this for loop (write 'for (int i = 0; i < N; i++)' with a constant N or a repeated member's Length)");
        }

        if (Number(scope, start.Value) is not { } first || Number(scope, condition.Right) is not { } bound)
        {
            return false;
        }

        int end = (int)bound + (condition.IsKind(SyntaxKind.LessThanOrEqualExpression) ? 1 : 0);
        for (int i = (int)first; i < end; i++)
        {
            if (++_unrolled > MaxUnrolled)
            {
                return Refuse(loop, scope, $"more than {MaxUnrolled} unrolled iterations");
            }

            scope.Symbols[counter] = Value.Constant(i);
            if (!Execute(scope, loop.Statement))
            {
                return false;
            }
        }

        return true;
    }

    private bool IsIncrement(Scope scope, ExpressionSyntax incrementor, ILocalSymbol counter)
    {
        ExpressionSyntax? operand = incrementor switch
        {
            PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression } post => post.Operand,
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression } pre => pre.Operand,
            _ => null,
        };
        return operand is not null && SymbolEqualityComparer.Default.Equals(scope.Model.GetSymbolInfo(operand, _cancellationToken).Symbol, counter);
    }

    /// <summary>foreach (var block in Blocks) over a repeated member: unrolled, one layer per iteration.</summary>
    private bool ForEach(Scope scope, ForEachStatementSyntax loop)
    {
        if (Evaluate(scope, loop.Expression) is not { Member: { Repeat: > 0 } member, Index: -1 }
            || scope.Model.GetDeclaredSymbol(loop, _cancellationToken) is not ILocalSymbol variable)
        {
            return !_failed && Refuse(loop, scope, "a foreach over anything but a [Repeat] member");
        }

        for (int i = 0; i < member.Repeat; i++)
        {
            scope.Symbols[variable] = new Value { Member = member, Index = i };
            if (!Execute(scope, loop.Statement))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An expression that must be a tensor: its node, or -1 after reporting.</summary>
    private int Tensor(Scope scope, ExpressionSyntax expression)
    {
        var value = Evaluate(scope, expression);
        if (value is null)
        {
            return -1;
        }

        if (value.Node < 0)
        {
            Expression(expression, scope, "it is not a tensor");
            return -1;
        }

        return value.Node;
    }

    private Value? Expression(SyntaxNode node, Scope scope, string why)
    {
        Report(DiagnosticDescriptors.GraphExpressionError, LocationInfo.From(node), Text(node), scope.Type.Name, why);
        return null;
    }

    private Value? Evaluate(Scope scope, ExpressionSyntax expression)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (_failed)
        {
            return null;
        }

        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Evaluate(scope, parenthesized.Expression);
            case CastExpressionSyntax or LiteralExpressionSyntax:
                return Number(scope, expression) is { } constant ? Value.Constant(constant) : null;
            case IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }:
                var symbol = scope.Model.GetSymbolInfo(expression, _cancellationToken).Symbol;
                if (symbol is not null && scope.Symbols.TryGetValue(symbol, out var known))
                {
                    return known;
                }

                return Number(scope, expression, quiet: true) is { } number
                    ? Value.Constant(number)
                    : Expression(expression, scope, symbol is null ? "it is not known" : $"'{symbol.Name}' is neither an [Input] member, a layer member, a local tensor nor a constant");
            case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length" } access
                when Evaluate(scope, access.Expression) is { Member: { Repeat: > 0 } repeated, Index: -1 }:
                return Value.Constant(repeated.Repeat);
            case BinaryExpressionSyntax binary:
                return Binary(scope, binary, binary.OperatorToken.Kind(), binary.Left, binary.Right);
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } negation:
                var operand = Evaluate(scope, negation.Operand);
                if (operand is null)
                {
                    return null;
                }

                return operand.Number is { } negated ? Value.Constant(-negated)
                    : operand.Node >= 0 ? Value.Of(Add(GraphOp.Scale, [operand.Node], _nodes[operand.Node].Shape, -1, [], -1f, Text(negation)))
                    : Expression(negation, scope, "only tensors and constants can be negated");
            case ElementAccessExpressionSyntax element:
                return Element(scope, element);
            case InvocationExpressionSyntax invocation:
                return Invoke(scope, invocation);
            default:
                return Number(scope, expression, quiet: true) is { } value
                    ? Value.Constant(value)
                    : Expression(expression, scope, "this kind of expression (" + expression.Kind() + ") is not part of what a [Forward] body may use");
        }
    }

    /// <summary>A compile-time number: a constant, a loop counter, arithmetic of those, a cast, or MathF.Sqrt of one.</summary>
    private double? Number(Scope scope, ExpressionSyntax expression, bool quiet = false)
    {
        var constant = scope.Model.GetConstantValue(expression, _cancellationToken);
        if (constant.HasValue && constant.Value is { } boxed && boxed is not string and not bool)
        {
            return System.Convert.ToDouble(boxed, System.Globalization.CultureInfo.InvariantCulture);
        }

        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Number(scope, parenthesized.Expression, quiet);
            case CastExpressionSyntax cast:
                return Number(scope, cast.Expression, quiet);
            case IdentifierNameSyntax when scope.Model.GetSymbolInfo(expression, _cancellationToken).Symbol is ILocalSymbol local
                && scope.Symbols.TryGetValue(local, out var value) && value.Number is { } counter:
                return counter;
            case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length" } access
                when scope.Model.GetSymbolInfo(access.Expression, _cancellationToken).Symbol is { } member
                && scope.Symbols.TryGetValue(member, out var repeated) && repeated.Member is { Repeat: > 0 } m && repeated.Index < 0:
                return m.Repeat;
            case BinaryExpressionSyntax binary when Number(scope, binary.Left, quiet: true) is { } left && Number(scope, binary.Right, quiet: true) is { } right:
                return binary.OperatorToken.Kind() switch
                {
                    SyntaxKind.PlusToken => left + right,
                    SyntaxKind.MinusToken => left - right,
                    SyntaxKind.AsteriskToken => left * right,
                    SyntaxKind.SlashToken when right != 0 => IsInteger(scope, binary) ? System.Math.Truncate(left / right) : left / right,
                    _ => NotNumber(expression, scope, quiet),
                };
            case InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } call
                when scope.Model.GetSymbolInfo(call, _cancellationToken).Symbol is IMethodSymbol { Name: "Sqrt" } sqrt
                && sqrt.ContainingType.ToDisplayString() is "System.MathF" or "System.Math"
                && Number(scope, call.ArgumentList.Arguments[0].Expression, quiet) is { } radicand:
                return System.Math.Sqrt(radicand);
            default:
                return NotNumber(expression, scope, quiet);
        }
    }

    private bool IsInteger(Scope scope, ExpressionSyntax expression) =>
        scope.Model.GetTypeInfo(expression, _cancellationToken).Type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

    private double? NotNumber(ExpressionSyntax expression, Scope scope, bool quiet)
    {
        if (!quiet)
        {
            Expression(expression, scope, "a compile-time constant is needed here (a literal, a const, a loop counter, or MathF.Sqrt of one)");
        }

        return null;
    }

    private Value? Binary(Scope scope, SyntaxNode node, SyntaxKind token, ExpressionSyntax leftSyntax, ExpressionSyntax rightSyntax)
    {
        if (Number(scope, leftSyntax, quiet: true) is { } l && Number(scope, rightSyntax, quiet: true) is { } r)
        {
            return token switch
            {
                SyntaxKind.PlusToken => Value.Constant(l + r),
                SyntaxKind.MinusToken => Value.Constant(l - r),
                SyntaxKind.AsteriskToken => Value.Constant(l * r),
                SyntaxKind.SlashToken when r != 0 => Value.Constant(l / r),
                _ => Expression(node, scope, "this operator on constants"),
            };
        }

        var left = Evaluate(scope, leftSyntax);
        var right = left is null ? null : Evaluate(scope, rightSyntax);
        if (left is null || right is null)
        {
            return null;
        }

        string text = Text(node);
        if (left.Node >= 0 && right.Node >= 0)
        {
            var a = _nodes[left.Node].Shape;
            var b = _nodes[right.Node].Shape;
            var op = token switch
            {
                SyntaxKind.PlusToken => GraphOp.Add,
                SyntaxKind.MinusToken => GraphOp.Subtract,
                SyntaxKind.AsteriskToken => GraphOp.Multiply,
                _ => (GraphOp?)null,
            };
            if (op is null)
            {
                return Expression(node, scope, "tensors can be added, subtracted and multiplied element-wise; divide only by a constant");
            }

            if (a != b)
            {
                return Shapes(node, $"{OpName(op.Value)} needs two tensors of the same shape but gets {a.WithBatch} and {b.WithBatch}; make them match (a Dense, a Reshape or a Transpose) first");
            }

            return Value.Of(Add(op.Value, [left.Node, right.Node], a, -1, [], 0f, text));
        }

        if (left.Node >= 0 && right.Number is { } factor && token is SyntaxKind.AsteriskToken or SyntaxKind.SlashToken)
        {
            if (token == SyntaxKind.SlashToken && factor == 0)
            {
                return Expression(node, scope, "division by zero");
            }

            float scale = (float)(token == SyntaxKind.AsteriskToken ? factor : 1.0 / factor);
            return Value.Of(Add(GraphOp.Scale, [left.Node], _nodes[left.Node].Shape, -1, [], scale, text));
        }

        if (right.Node >= 0 && left.Number is { } leftFactor && token == SyntaxKind.AsteriskToken)
        {
            return Value.Of(Add(GraphOp.Scale, [right.Node], _nodes[right.Node].Shape, -1, [], (float)leftFactor, text));
        }

        return Expression(node, scope, "a tensor can be scaled by a constant (x * c, c * x, x / c); adding a constant to a tensor is not supported");
    }

    private static string OpName(GraphOp op) => op switch
    {
        GraphOp.Add => "'+'",
        GraphOp.Subtract => "'-'",
        _ => "element-wise '*'",
    };

    private Value? Shapes(SyntaxNode node, string why)
    {
        Report(DiagnosticDescriptors.GraphShapeError, LocationInfo.From(node), Text(node), _className, why);
        return null;
    }

    private Value? Element(Scope scope, ElementAccessExpressionSyntax element)
    {
        var target = Evaluate(scope, element.Expression);
        if (target is null)
        {
            return null;
        }

        if (element.ArgumentList.Arguments.Count != 1 || Number(scope, element.ArgumentList.Arguments[0].Expression) is not { } number)
        {
            return _failed ? null : Expression(element, scope, "an index must be one compile-time constant");
        }

        int index = (int)number;
        if (target.Parts is { } parts)
        {
            return index >= 0 && index < parts.Length ? Value.Of(parts[index]) : Expression(element, scope, $"index {index} is outside the split's {parts.Length} parts");
        }

        if (target.Member is { Repeat: > 0 } member && target.Index < 0)
        {
            return index >= 0 && index < member.Repeat
                ? new Value { Member = member, Index = index }
                : Expression(element, scope, $"index {index} is outside [Repeat({member.Repeat})] member '{member.Property.Name}'");
        }

        return Expression(element, scope, "only a Split's parts and a [Repeat] member can be indexed");
    }
}
