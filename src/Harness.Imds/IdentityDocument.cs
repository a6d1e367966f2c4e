using System.Text;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Net;

namespace Harness.Imds;

/// <summary><c>/latest/dynamic/instance-identity/document</c>: pretty-printed JSON with IMDS's " : " separators and key order.</summary>
internal static class IdentityDocument
{
    public static string Render(MetadataView view)
    {
        var id = view.Identity;
        var privateIp = view.Primary is { } eth0 ? Ipv4.Format(eth0.PrimaryIpv4) : null;
        var fields = new (string Name, string? Value)[]
        {
            ("accountId", id.AccountId),
            ("architecture", id.Architecture),
            ("availabilityZone", id.AvailabilityZone),
            ("billingProducts", null),
            ("devpayProductCodes", null),
            ("marketplaceProductCodes", null),
            ("imageId", id.ImageId),
            ("instanceId", id.InstanceId),
            ("instanceType", id.InstanceType),
            ("kernelId", null),
            ("pendingTime", id.LaunchTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)),
            ("privateIp", privateIp),
            ("ramdiskId", null),
            ("region", id.Region),
            ("version", "2017-09-30"),
        };
        var json = new StringBuilder("{\n");
        for (var i = 0; i < fields.Length; i++)
        {
            var (name, value) = fields[i];
            json.Append("  \"").Append(name).Append("\" : ").Append(value is null ? "null" : $"\"{value}\"");
            json.Append(i < fields.Length - 1 ? ",\n" : "\n");
        }

        return json.Append('}').ToString();
    }
}
