namespace TwatCache.PowerShell.Keys
{
    /// <summary>One -DependsOn file: its path as shown (relative to the location when inside it) and content hash, null when missing.</summary>
    internal sealed class DependsOnFile
    {
        public DependsOnFile(string path, byte[]? contentHash)
        {
            Path = path;
            ContentHash = contentHash;
        }

        public string Path { get; }

        public byte[]? ContentHash { get; }
    }
}
