using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;

namespace Harness.ControlPlane.Grains;

/// <summary>EC2's tag rules: keys unique per resource, a later value overwrites, at most 50 per resource.</summary>
internal static class TagSet
{
    public const int MaxPerResource = 50;

    public static ImmutableArray<Tag> Apply(ImmutableArray<Tag> current, TagUpdate update)
    {
        var tags = current.IsDefault ? [] : current.ToList();
        foreach (var tag in update.Set)
        {
            var index = tags.FindIndex(t => t.Key == tag.Key);
            if (index >= 0)
            {
                tags[index] = tag;
            }
            else
            {
                tags.Add(tag);
            }
        }

        tags.RemoveAll(t => update.Delete.Any(d => d.Key == t.Key && (d.Value is null || d.Value == t.Value)));
        if (tags.Count > MaxPerResource)
        {
            throw Ec2Errors.TagLimitExceeded();
        }

        return [.. tags];
    }
}
