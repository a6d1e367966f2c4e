namespace Harness.Domain.Clouds;

/// <summary>
/// The harness's region names. An EC2 region is its own name (<c>us-east-1</c>); an Alibaba Cloud region carries the
/// cloud in front (<c>alibaba:cn-hangzhou</c>), because both clouds have an <c>ap-southeast-1</c> and the two must
/// never share grains or a read model.
/// </summary>
public static class CloudRegions
{
    private const string AlibabaPrefix = "alibaba:";

    public static string Qualify(Cloud cloud, string regionId) => cloud == Cloud.Alibaba ? AlibabaPrefix + regionId : regionId;

    /// <summary>The cloud and the cloud's own region id of a harness region name.</summary>
    public static (Cloud Cloud, string RegionId) Parse(string name) =>
        name.StartsWith(AlibabaPrefix, StringComparison.Ordinal) ? (Cloud.Alibaba, name[AlibabaPrefix.Length..]) : (Cloud.Aws, name);
}
