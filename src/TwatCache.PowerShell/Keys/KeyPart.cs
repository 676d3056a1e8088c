namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// One named part of an Invoke-Cached key (the block text, an argument list, the pipeline item, a
    /// variable, the location, a called command, a -DependsOn file) with a hash of its key bytes and,
    /// for short non-secret scalars only, its value as text. Used to explain misses.
    /// </summary>
    public sealed class KeyPart
    {
        /// <summary>Creates a part.</summary>
        public KeyPart(string name, string hash, string? value)
        {
            Name = name;
            Hash = hash;
            Value = value;
        }

        /// <summary>What the part is: <c>block text</c>, <c>$org</c>, <c>function Get-Inventory</c>, <c>file src/a.ts</c>...</summary>
        public string Name { get; }

        /// <summary>A hash of the part's key bytes (keyed like the entry's key, so it reveals nothing about the value).</summary>
        public string Hash { get; }

        /// <summary>The value as text when it is a short scalar that is not a secret, else null.</summary>
        public string? Value { get; }
    }
}
