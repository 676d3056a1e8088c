namespace TwatCache.Keys
{
    /// <summary>
    /// The one-byte tags of the canonical key form. Each exact type has its own tag, so values of different
    /// types never share bytes ([int]1 is not [long]1, [char]'a' is not 'a').
    /// </summary>
    internal static class KeyTags
    {
        public const byte Null = (byte)'N';
        public const byte True = (byte)'T';
        public const byte False = (byte)'F';
        public const byte String = (byte)'S';          // kept from format 1: C# string keys hash these bytes
        public const byte Utf16String = (byte)'W';
        public const byte Char = (byte)'C';
        public const byte SByte = (byte)'1';
        public const byte Byte = (byte)'2';
        public const byte Int16 = (byte)'3';
        public const byte UInt16 = (byte)'4';
        public const byte Int32 = (byte)'5';
        public const byte UInt32 = (byte)'6';
        public const byte Int64 = (byte)'I';
        public const byte UInt64 = (byte)'7';
        public const byte Single = (byte)'f';
        public const byte Double = (byte)'D';
        public const byte Decimal = (byte)'M';
        public const byte BigInteger = (byte)'Z';
        public const byte DateTime = (byte)'t';
        public const byte DateTimeOffset = (byte)'o';
        public const byte TimeSpan = (byte)'P';
        public const byte Guid = (byte)'G';
        public const byte Enum = (byte)'E';
        public const byte Bytes = (byte)'B';
        public const byte Uri = (byte)'R';
        public const byte Version = (byte)'V';
        public const byte IPAddress = (byte)'A';
        public const byte Type = (byte)'Y';
        public const byte Regex = (byte)'X';
        public const byte IntPtrRefused = (byte)'!';
        public const byte List = (byte)'L';
        public const byte SortedMap = (byte)'H';
        public const byte Array = (byte)'[';
        public const byte Sequence = (byte)'Q';         // an ordered collection: type, extra state, items in order
        public const byte Dictionary = (byte)'{';       // a dictionary in enumeration order
        public const byte Fields = (byte)'#';           // an unknown object by all its instance fields
        public const byte BackReference = (byte)'^';    // an object already written in this key: its index
        public const byte Special = (byte)'%';          // a shape of a subclass (PowerShell values)
    }
}
