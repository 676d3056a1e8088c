using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;

namespace TwatCache.PowerShell.Execution
{
    /// <summary>
    /// Whether a block takes the pipeline as a whole. A plain block (no named begin/process/end, no
    /// <c>$input</c>, no pipeline-bound parameter) runs once per input item with <c>$_</c> set, like
    /// ForEach-Object, and each item is its own entry. A block that declares begin/process/end, reads
    /// <c>$input</c> or has a ValueFromPipeline(ByPropertyName) parameter runs as <c>$items | &amp; { ... }</c>:
    /// once per Invoke-Cached call over all items, and the whole input list is one entry.
    /// </summary>
    public static class PipelineShape
    {
        private static readonly ConditionalWeakTable<Ast, Shape> Cache = new ConditionalWeakTable<Ast, Shape>();

        /// <summary>True when <paramref name="block"/> takes the whole input (see the class summary).</summary>
        public static bool TakesWholeInput(ScriptBlock block) => ShapeOf(block).WholeInput;

        /// <summary>
        /// True when the block mentions <c>$_</c> or <c>$PSItem</c> anywhere: run without pipeline input it
        /// sees the caller's <c>$_</c> (as <c>&amp; { }</c> does), so that value must be part of its key.
        /// Nested blocks count too (<c>&amp; { $_ }</c> reads the outer one): an extra key part only costs a miss.
        /// </summary>
        public static bool MentionsDollarUnder(ScriptBlock block) => ShapeOf(block).MentionsDollarUnder;

        private static Shape ShapeOf(ScriptBlock block) => Cache.GetValue(block.Ast, a => new Shape(Analyse(a), FindDollarUnder(a)));

        private static bool FindDollarUnder(Ast ast)
            => ast.FindAll(a => a is VariableExpressionAst v && (string.Equals(v.VariablePath.UserPath, "_", StringComparison.Ordinal)
                                                                || string.Equals(v.VariablePath.UserPath, "PSItem", StringComparison.OrdinalIgnoreCase)), searchNestedScriptBlocks: true).Any();

        private sealed class Shape
        {
            public Shape(bool wholeInput, bool mentionsDollarUnder)
            {
                WholeInput = wholeInput;
                MentionsDollarUnder = mentionsDollarUnder;
            }

            public bool WholeInput { get; }
            public bool MentionsDollarUnder { get; }
        }

        private static bool Analyse(Ast ast)
        {
            if (!(ast is ScriptBlockAst root))
            {
                // A function definition's body; treat like its script block.
                root = (ast as FunctionDefinitionAst)?.Body ?? throw new ArgumentException("Not a script block.", nameof(ast));
            }
            if (HasNamedBlocks(root)) return true;
            if (root.ParamBlock != null && root.ParamBlock.Parameters.Any(TakesPipeline)) return true;
            return ReadsInput(root);
        }

        private static bool HasNamedBlocks(ScriptBlockAst root)
        {
            foreach (var child in new Ast?[] { root.BeginBlock, root.ProcessBlock, root.EndBlock, root.DynamicParamBlock })
            {
                if (child is NamedBlockAst named && !named.Unnamed) return true;
            }
            return false;
        }

        private static bool TakesPipeline(ParameterAst p)
        {
            foreach (var attribute in p.Attributes.OfType<AttributeAst>())
            {
                var name = attribute.TypeName.Name;
                int dot = name.LastIndexOf('.');
                if (dot >= 0) name = name.Substring(dot + 1);
                if (!string.Equals(name, "Parameter", StringComparison.OrdinalIgnoreCase) && !string.Equals(name, "ParameterAttribute", StringComparison.OrdinalIgnoreCase)) continue;
                foreach (var arg in attribute.NamedArguments)
                {
                    if (!arg.ArgumentName.StartsWith("ValueFromPipeline", StringComparison.OrdinalIgnoreCase)) continue;
                    // [Parameter(ValueFromPipeline)] alone means true; an explicit $false does not count.
                    if (arg.ExpressionOmitted) return true;
                    if (!(arg.Argument is VariableExpressionAst v && string.Equals(v.VariablePath.UserPath, "false", StringComparison.OrdinalIgnoreCase))) return true;
                }
            }
            return false;
        }

        // $input of this block itself, not of a nested script block (which has its own $input).
        private static bool ReadsInput(ScriptBlockAst root)
        {
            return root.FindAll(a => a is VariableExpressionAst v && string.Equals(v.VariablePath.UserPath, "input", StringComparison.OrdinalIgnoreCase)
                                     && NearestScriptBlock(a) == root, searchNestedScriptBlocks: true).Any();
        }

        private static Ast? NearestScriptBlock(Ast a)
        {
            for (var p = a.Parent; p != null; p = p.Parent)
                if (p is ScriptBlockAst) return p;
            return null;
        }
    }
}
