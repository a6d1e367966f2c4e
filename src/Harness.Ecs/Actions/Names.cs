using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Clouds;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>
/// Alibaba resources have a name and a description beside their tags; the grains keep them as tags under keys a user
/// cannot write (Alibaba reserves the <c>acs:</c> prefix), and these are never shown as tags.
/// </summary>
internal static class Names
{
    public const string NameKey = AlibabaNames.NameKey;

    public const string DescriptionKey = AlibabaNames.DescriptionKey;

    public const string HostNameKey = AlibabaNames.HostNameKey;

    /// <summary>The name and description as tags, with the request's <c>Tag.N.Key</c>/<c>Tag.N.Value</c>.</summary>
    public static ImmutableArray<Tag> Tags(string? name, string? description, RpcParameters? parameters = null)
    {
        var tags = ImmutableArray.CreateBuilder<Tag>();
        if (name is not null)
        {
            tags.Add(new Tag(NameKey, name));
        }

        if (description is not null)
        {
            tags.Add(new Tag(DescriptionKey, description));
        }

        for (var i = 1; parameters?.Get($"Tag.{i}.Key") is { } key; i++)
        {
            if (key.StartsWith("acs:", StringComparison.Ordinal) || key.StartsWith("aliyun", StringComparison.Ordinal))
            {
                throw new AlibabaException("InvalidTagKey.Malformed", $"The tag key \"{key}\" must not start with \"aliyun\" or \"acs:\".");
            }

            tags.Add(new Tag(key, parameters.Get($"Tag.{i}.Value") ?? ""));
        }

        return tags.ToImmutable();
    }

    public static string Of(ImmutableArray<Tag> tags) => tags.FirstOrDefault(t => t.Key == NameKey)?.Value ?? "";

    public static string DescriptionOf(ImmutableArray<Tag> tags) => tags.FirstOrDefault(t => t.Key == DescriptionKey)?.Value ?? "";

    /// <summary><c>{"Tag":[{key: …, value: …}]}</c>, without the harness's own; the VPC API names them Key/Value, ECS TagKey/TagValue.</summary>
    public static JsonObject RenderTags(ImmutableArray<Tag> tags, string keyName, string valueName) => Paging.Wrap(
        "Tag",
        tags.Where(t => !t.Key.StartsWith("acs:", StringComparison.Ordinal))
            .Select(t => (JsonNode)new JsonObject { [keyName] = t.Key, [valueName] = t.Value }));
}
