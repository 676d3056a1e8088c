using System;
using System.IO;
using System.Text;

namespace TwatCache.PowerShell.Serialization
{
    /// <summary>
    /// Joins CliXml documents as <c>PSSerializer.Serialize</c> writes them (one root <c>Objs</c> element)
    /// into one document holding all their objects, so one deserializer reads many stored items.
    /// </summary>
    internal static class CliXmlDocuments
    {
        /// <summary>The root element's start tag, exactly as PowerShell writes it.</summary>
        public const string Open = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">";

        /// <summary>The root element's end tag.</summary>
        public const string Close = "</Objs>";

        /// <summary>Appends what lies inside <paramref name="document"/>'s root; throws when it is not shaped as PowerShell writes it.</summary>
        public static void AppendBody(StringBuilder combined, string document)
        {
            int end = document.Length;
            while (end > 0 && char.IsWhiteSpace(document[end - 1])) end--;
            if (!document.StartsWith(Open, StringComparison.Ordinal) || end - Close.Length < Open.Length
                || string.CompareOrdinal(document, end - Close.Length, Close, 0, Close.Length) != 0)
                throw new InvalidDataException("A stored item is not a CliXml document as PowerShell writes it.");
            combined.Append(document, Open.Length, end - Close.Length - Open.Length);
        }
    }
}
