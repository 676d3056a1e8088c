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
        public static void AppendBody(StringBuilder combined, StoredText document, ref char[] buffer)
        {
            int length = document.DecodeInto(ref buffer);
            int end = length;
            while (end > 0 && char.IsWhiteSpace(buffer[end - 1])) end--;
            if (end - Close.Length < Open.Length || !Matches(buffer, 0, Open) || !Matches(buffer, end - Close.Length, Close))
                throw new InvalidDataException("A stored item is not a CliXml document as PowerShell writes it.");
            combined.Append(buffer, Open.Length, end - Close.Length - Open.Length);
        }

        private static bool Matches(char[] buffer, int at, string text)
        {
            for (int i = 0; i < text.Length; i++) if (buffer[at + i] != text[i]) return false;
            return true;
        }
    }
}
