using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using System.Text;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// What a script block contributes to its key, computed once per syntax tree: a fingerprint of its
    /// text, a label (its first line), its free variables (the variables it reads from outside), the
    /// commands it calls by name, and the qualified variables it both reads and changes.
    /// </summary>
    public sealed class BlockAnalysis
    {
        // Keyed by the syntax tree, not the ScriptBlock: a block literal evaluated in a loop yields a new
        // ScriptBlock each time, but they all share one Ast, and the analysis depends on the Ast alone.
        private static readonly ConditionalWeakTable<Ast, BlockAnalysis> Cache = new ConditionalWeakTable<Ast, BlockAnalysis>();

        // Variables PowerShell sets itself, or that describe the engine rather than data.
        private static readonly HashSet<string> Automatic = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "_", "PSItem", "args", "input", "this", "true", "false", "null", "PSCmdlet", "MyInvocation",
            "PSBoundParameters", "ExecutionContext", "Host", "foreach", "switch", "Matches", "Error", "StackTrace",
            "Event", "EventArgs", "EventSubscriber", "Sender", "PSDebugContext", "LASTEXITCODE", "?", "^", "$",
            "NestedPromptLevel", "PSSenderInfo", "ErrorActionPreference", "WarningPreference", "VerbosePreference",
            "DebugPreference", "InformationPreference", "ProgressPreference", "ConfirmPreference", "WhatIfPreference",
            "PSDefaultParameterValues", "FormatEnumerationLimit", "MaximumHistoryCount", "PSStyle",
        };

        private BlockAnalysis(Ast ast)
        {
            var text = ast.Extent.Text;
            // A function's parameters written as "function f($x = 1) { }" sit outside its body: fingerprint the whole definition.
            var defined = ast.Parent is FunctionDefinitionAst fd ? fd.Extent.Text : text;
            Fingerprint = KeyHasher.Fingerprint(Encoding.UTF8.GetBytes(defined));
            Label = FirstLine(text);
            FreeVariables = FindFreeVariables(ast);
            CommandNames = FindCommandNames(ast);
            SelfModifiedVariables = FindSelfModified(ast, FreeVariables);
        }

        /// <summary>The analysis of <paramref name="block"/>, computed once per syntax tree.</summary>
        public static BlockAnalysis Of(ScriptBlock block) => Cache.GetValue(block.Ast, a => new BlockAnalysis(a));

        /// <summary>XxHash128 of the block's text.</summary>
        public byte[] Fingerprint { get; }

        // The family of the block's keys in the namespace last asked for (a call per item of a loop asks again).
        private volatile Tuple<string, string>? _family;

        /// <summary>The family of this block's keys in <paramref name="context"/>'s namespace (<see cref="CacheContext"/>'s FamilyOf), kept for the last one asked.</summary>
        internal string FamilyIn(CacheContext context)
        {
            var known = _family;
            if (known != null && string.Equals(known.Item1, context.Name, StringComparison.Ordinal)) return known.Item2;
            var family = context.FamilyOf(Fingerprint);
            _family = Tuple.Create(context.Name, family);
            return family;
        }

        /// <summary>First non-empty line of the block, for listings.</summary>
        public string Label { get; }

        /// <summary>Variables read from outside the block, as written (scope or drive qualifier kept, <c>using:</c> dropped).</summary>
        public IReadOnlyList<string> FreeVariables { get; }

        /// <summary>Names of the commands the block calls by a literal name, nested blocks included, minus functions it defines itself.</summary>
        public IReadOnlyList<string> CommandNames { get; }

        /// <summary>
        /// Scope- or drive-qualified variables ($script:n, $global:n, $env:N) that the block both reads and
        /// changes: the read puts the value in the key, the change makes the next key different, so such a
        /// block never hits.
        /// </summary>
        public IReadOnlyList<string> SelfModifiedVariables { get; }

        /// <summary>Set once the warning about <see cref="SelfModifiedVariables"/> was written for this block.</summary>
        internal bool SelfModifiedWarned { get; set; }

        private static IReadOnlyList<string> FindCommandNames(Ast root)
        {
            var defined = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var f in root.FindAll(a => a is FunctionDefinitionAst, true).Cast<FunctionDefinitionAst>())
                defined.Add(f.Name);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var names = new List<string>();
            foreach (var c in root.FindAll(a => a is CommandAst, true).Cast<CommandAst>().OrderBy(c => c.Extent.StartOffset))
            {
                var name = c.GetCommandName();
                if (string.IsNullOrEmpty(name) || defined.Contains(name) || !seen.Add(name)) continue;
                names.Add(name);
            }
            return names;
        }

        private static IReadOnlyList<string> FindSelfModified(Ast root, IReadOnlyList<string> free)
        {
            var qualifiedFree = new HashSet<string>(free.Where(n => n.IndexOf(':') > 0), StringComparer.OrdinalIgnoreCase);
            if (qualifiedFree.Count == 0) return Array.Empty<string>();
            var changed = new List<string>();
            foreach (var v in root.FindAll(a => a is VariableExpressionAst, true).Cast<VariableExpressionAst>())
            {
                var name = NameOf(v);
                if (!qualifiedFree.Contains(name) || changed.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
                var target = v.Parent is ConvertExpressionAst conv && conv.Child == v ? conv : (Ast)v;
                bool assigned = target.Parent is AssignmentStatementAst assign && assign.Left == target;
                bool stepped = target.Parent is UnaryExpressionAst u && u.Child == target &&
                    (u.TokenKind == TokenKind.PlusPlus || u.TokenKind == TokenKind.MinusMinus ||
                     u.TokenKind == TokenKind.PostfixPlusPlus || u.TokenKind == TokenKind.PostfixMinusMinus);
                if (assigned || stepped) changed.Add(name);
            }
            return changed;
        }

        /// <summary>
        /// A variable is local when its first appearance in the text is a plain assignment target whose
        /// right side does not read it, a foreach variable, or a parameter. Every other read variable is
        /// free. When unsure the variable counts as free: an extra key part costs a miss, never a wrong hit.
        /// </summary>
        private static IReadOnlyList<string> FindFreeVariables(Ast root)
        {
            var locals = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in root.FindAll(a => a is ParameterAst, true).Cast<ParameterAst>())
                locals.Add(NameOf(p.Name));

            var firstSeen = new Dictionary<string, VariableExpressionAst>(StringComparer.OrdinalIgnoreCase);
            var order = new List<string>();
            foreach (var v in root.FindAll(a => a is VariableExpressionAst, true).Cast<VariableExpressionAst>().OrderBy(v => v.Extent.StartOffset))
            {
                var name = NameOf(v);
                if (name.Length == 0 || Automatic.Contains(name) || locals.Contains(name)) continue;
                if (!firstSeen.ContainsKey(name))
                {
                    firstSeen[name] = v;
                    order.Add(name);
                }
            }
            var free = new List<string>();
            foreach (var name in order)
            {
                if (!IsLocalDefinition(firstSeen[name], name)) free.Add(name);
            }
            return free;
        }

        private static bool IsLocalDefinition(VariableExpressionAst v, string name)
        {
            if (v.Parent is ForEachStatementAst fe && fe.Variable == v) return true;
            var target = v.Parent is ConvertExpressionAst conv && conv.Child == v ? conv : (Ast)v;
            if (target.Parent is AssignmentStatementAst assign && assign.Left == target && assign.Operator == TokenKind.Equals)
            {
                bool readsItself = assign.Right.FindAll(a => a is VariableExpressionAst rv && string.Equals(NameOf(rv), name, StringComparison.OrdinalIgnoreCase), true).Any();
                return !readsItself;
            }
            return false;
        }

        private static string NameOf(VariableExpressionAst v) => NameOf(v.VariablePath);

        private static string NameOf(VariablePath path)
        {
            var text = path.UserPath;
            return text.StartsWith("using:", StringComparison.OrdinalIgnoreCase) ? text.Substring(6) : text;
        }

        private static string FirstLine(string text)
        {
            var body = text.Trim();
            if (body.StartsWith("{", StringComparison.Ordinal)) body = body.Substring(1);
            foreach (var line in body.Split('\n'))
            {
                var t = line.Trim().TrimEnd('}').Trim();
                if (t.Length > 0) return t.Length <= 120 ? t : t.Substring(0, 117) + "...";
            }
            return "{ }";
        }
    }
}
