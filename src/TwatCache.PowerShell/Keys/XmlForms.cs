using System.Collections.Generic;
using System.Xml;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// XML by what a block can read from it: a document by its exact type, markup, whitespace setting and
    /// base URI; any other node by its type, markup, its document and its position in it (a node's parent
    /// and siblings are reachable from it, so two equal nodes in different places are different inputs).
    /// </summary>
    internal static class XmlForms
    {
        public static void Write(PSKeyCanonicalizer canon, KeyWalk walk, XmlNode node, string path)
        {
            var w = walk.Writer;
            if (node is XmlDocument doc)
            {
                PSKeyCanonicalizer.Special(w, "xmldocument");
                w.WriteType(doc.GetType());
                w.WriteString(doc.OuterXml);
                w.WriteBool(doc.PreserveWhitespace);
                w.WriteString(doc.BaseURI ?? string.Empty);
                return;
            }
            PSKeyCanonicalizer.Special(w, "xmlnode");
            w.WriteType(node.GetType());
            w.WriteString(node.OuterXml);
            canon.Write(walk, node.OwnerDocument, path + ".OwnerDocument");
            var position = Position(node);
            w.BeginList(position.Count);
            foreach (var i in position) w.WriteRaw32(i);
        }

        // Indexes from the root down to the node (-1 marks "not attached"); attributes by index in their element.
        private static List<int> Position(XmlNode node)
        {
            var steps = new List<int>();
            var current = node;
            while (current != null && !(current is XmlDocument))
            {
                XmlNode? parent;
                int index;
                if (current is XmlAttribute attr)
                {
                    parent = attr.OwnerElement;
                    index = parent == null ? -1 : 1_000_000 + IndexOf(parent.Attributes!, attr);
                }
                else
                {
                    parent = current.ParentNode;
                    index = parent == null ? -1 : IndexOf(parent.ChildNodes, current);
                }
                steps.Add(index);
                current = parent;
            }
            steps.Reverse();
            return steps;
        }

        private static int IndexOf(XmlNamedNodeMap map, XmlNode node)
        {
            for (int i = 0; i < map.Count; i++) if (ReferenceEquals(map.Item(i), node)) return i;
            return -2;
        }

        private static int IndexOf(XmlNodeList list, XmlNode node)
        {
            for (int i = 0; i < list.Count; i++) if (ReferenceEquals(list[i], node)) return i;
            return -2;
        }
    }
}
