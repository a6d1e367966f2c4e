using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;
using Harness.Ec2.Protocol;

namespace Harness.Ec2.Actions;

/// <summary>RunInstances' <c>MetadataOptions.*</c> and ModifyInstanceMetadataOptions' parameters, over current values.</summary>
internal static class MetadataOptionsParsing
{
    public static MetadataOptionsView Parse(QueryParameters p, string prefix, MetadataOptionsView defaults)
    {
        var tokens = p.Get(prefix + "HttpTokens");
        var hopLimit = p.GetInt(prefix + "HttpPutResponseHopLimit");
        var endpoint = p.Get(prefix + "HttpEndpoint");
        var ipv6 = p.Get(prefix + "HttpProtocolIpv6");
        var tags = p.Get(prefix + "InstanceMetadataTags");
        Check(tokens, "HttpTokens", "optional", "required");
        Check(endpoint, "HttpEndpoint", "enabled", "disabled");
        Check(ipv6, "HttpProtocolIpv6", "enabled", "disabled");
        Check(tags, "InstanceMetadataTags", "enabled", "disabled");
        if (hopLimit is < 1 or > 64)
        {
            throw Ec2Errors.InvalidParameterValue("The HttpPutResponseHopLimit must be between 1 and 64.");
        }

        return new MetadataOptionsView(
            tokens ?? defaults.HttpTokens, hopLimit ?? defaults.HttpPutResponseHopLimit, endpoint ?? defaults.HttpEndpoint,
            ipv6 ?? defaults.HttpProtocolIpv6, tags ?? defaults.InstanceMetadataTags);

        static void Check(string? value, string name, params string[] allowed)
        {
            if (value is not null && !allowed.Contains(value))
            {
                throw Ec2Errors.InvalidParameterValue($"Value ({value}) for parameter {name} is invalid. Allowed values are: {string.Join(", ", allowed)}.");
            }
        }
    }
}
