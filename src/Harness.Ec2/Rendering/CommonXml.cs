using Harness.ControlPlane.ReadModel;
using Harness.Ec2.Protocol;

namespace Harness.Ec2.Rendering;

internal static class CommonXml
{
    public static XmlResponse Tags(this XmlResponse xml, IEnumerable<Tag> tags, string name = "tagSet") =>
        xml.Set(name, tags, static (x, t) => x.Element("key", t.Key).Element("value", t.Value));

    public static XmlResponse Groups(this XmlResponse xml, Ec2Context context, IEnumerable<string> groupIds, string name = "groupSet") =>
        xml.Set(name, groupIds, (x, id) => x
            .Element("groupId", id)
            .Element("groupName", context.Region.SecurityGroups.TryGetValue(id, out var g) ? g.GroupName : null));

    public static XmlResponse NextToken(this XmlResponse xml, string? token) => xml.Element("nextToken", token);
}
