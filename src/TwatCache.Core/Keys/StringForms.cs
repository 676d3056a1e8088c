namespace TwatCache.Keys
{
    /// <summary>Checks on strings that decide their canonical form.</summary>
    internal static class StringForms
    {
        /// <summary>True when the string has a surrogate that is not half of a valid pair (UTF-8 cannot carry it exactly).</summary>
        public static bool HasLoneSurrogate(string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c < '\uD800' || c > '\uDFFF') continue;
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
                return true;
            }
            return false;
        }
    }
}
