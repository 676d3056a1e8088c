using System.Text.RegularExpressions;

namespace TwatCache
{
    /// <summary>Validates context names: they become file names, so no separators, no '..', no control characters.</summary>
    public static class ContextName
    {
        private static readonly Regex Allowed = new Regex(@"^[A-Za-z0-9_.\-]{1,64}$", RegexOptions.CultureInvariant);

        /// <summary>True when <paramref name="name"/> is a valid context name.</summary>
        public static bool IsValid(string? name) => name != null && Allowed.IsMatch(name) && !name.Contains("..") && name != ".";

        /// <summary>Throws <see cref="CacheConfigurationException"/> when the name is not valid.</summary>
        public static string Validate(string? name)
        {
            if (IsValid(name)) return name!;
            throw new CacheConfigurationException($"'{name}' is not a valid context name. Use 1 to 64 letters, digits, '-', '_' or '.', without '..'.");
        }
    }
}
