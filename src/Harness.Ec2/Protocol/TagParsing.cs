using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;

namespace Harness.Ec2.Protocol;

/// <summary>Tags from <c>Tag.N.Key/Value</c> and <c>TagSpecification.N</c>, with EC2's key and value rules.</summary>
internal static class TagParsing
{
    public static ImmutableArray<Tag> Tags(QueryParameters parameters, string listName = "Tag")
    {
        // A key given twice keeps its last value, in the place of that last mention; found in one pass.
        var tags = new List<Tag>();
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var tag in parameters.GetStructs(listName))
        {
            var key = tag.Get("Key") ?? throw Ec2Errors.MissingParameter("Tag.Key");
            var value = tag.Get("Value") ?? "";
            Validate(key, value);
            last[key] = tags.Count;
            tags.Add(new Tag(key, value));
        }

        return [.. tags.Where((t, i) => last[t.Key] == i)];
    }

    /// <summary>Tags of the TagSpecifications whose ResourceType is <paramref name="resourceType"/>; other types are refused.</summary>
    // alsoAccepted: other types the action takes (RunInstances tags its interfaces and volumes too).
    public static ImmutableArray<Tag> Specifications(QueryParameters parameters, string resourceType, params string[] alsoAccepted)
    {
        var tags = ImmutableArray.CreateBuilder<Tag>();
        foreach (var spec in parameters.GetStructs("TagSpecification"))
        {
            var type = spec.Get("ResourceType") ?? throw Ec2Errors.MissingParameter("TagSpecification.ResourceType");
            if (type != resourceType && !alsoAccepted.Contains(type))
            {
                throw Ec2Errors.InvalidParameterValue($"'{type}' is not a valid taggable resource type for this operation.");
            }

            if (type == resourceType)
            {
                tags.AddRange(Tags(spec));
            }
        }

        if (tags.Count > 50)
        {
            throw Ec2Errors.TagLimitExceeded();
        }

        return tags.ToImmutable();
    }

    public static ImmutableArray<TagDeletion> Deletions(QueryParameters parameters) =>
        [.. parameters.GetStructs("Tag").Select(t => new TagDeletion(t.Get("Key") ?? throw Ec2Errors.MissingParameter("Tag.Key"), t.Get("Value")))];

    private static void Validate(string key, string value)
    {
        if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            throw Ec2Errors.InvalidParameterValue($"Value ( {key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use");
        }

        if (key.Length is 0 or > 127)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ( {key} ) for parameter key is invalid. Length exceeds maximum of 127.");
        }

        if (value.Length > 256)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ( {value} ) for parameter value is invalid. Length exceeds maximum of 256.");
        }
    }
}
