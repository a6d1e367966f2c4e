using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;

namespace Harness.Ec2.Protocol;

/// <summary>
/// EC2's <c>Filter.N.Name</c> / <c>Filter.N.Value.M</c>: values of one filter are OR-ed, filters are AND-ed,
/// values may use <c>*</c> and <c>?</c>. <c>tag:key</c>, <c>tag-key</c> and <c>tag-value</c> work wherever tags do.
/// EC2's limits are enforced before any filter is looked at, so a 1 MiB body of filters costs one linear pass.
/// </summary>
internal sealed class Filters<T>
{
    /// <summary>EC2: "The maximum number of filter values specified on a single call is 200" (FilterLimitExceeded).</summary>
    public const int MaxValues = 200;

    /// <summary>EC2: "The maximum length for a filter value is 255 characters" (FilterLimitExceeded).</summary>
    public const int MaxValueLength = 255;

    private readonly List<Func<T, bool>> predicates = [];

    private Filters()
    {
    }

    public static Filters<T> Parse(
        QueryParameters parameters, IReadOnlyDictionary<string, Func<T, IEnumerable<string?>>> fields, Func<T, ImmutableArray<Tag>>? tags = null)
    {
        // More filters than values allowed is over the limit however few values each has.
        if (parameters.CountOf("Filter") > MaxValues)
        {
            throw TooManyValues();
        }

        var filters = new Filters<T>();
        var valueCount = 0;
        foreach (var filter in parameters.GetStructs("Filter"))
        {
            valueCount += filter.CountOf("Value");
            if (valueCount > MaxValues)
            {
                throw TooManyValues();
            }

            var name = filter.Require("Name");
            var patterns = filter.GetList("Value");
            if (patterns.Any(p => p.Length > MaxValueLength))
            {
                throw new Ec2Exception("FilterLimitExceeded", $"The maximum length for a filter value is {MaxValueLength} characters");
            }

            Func<T, IEnumerable<string?>> values;
            if (fields.TryGetValue(name, out var field))
            {
                values = field;
            }
            else if (tags is not null && name.StartsWith("tag:", StringComparison.Ordinal))
            {
                var key = name[4..];
                values = item => tags(item).Where(t => t.Key == key).Select(t => (string?)t.Value);
            }
            else if (tags is not null && name == "tag-key")
            {
                values = item => tags(item).Select(t => (string?)t.Key);
            }
            else if (tags is not null && name == "tag-value")
            {
                values = item => tags(item).Select(t => (string?)t.Value);
            }
            else
            {
                throw Ec2Errors.InvalidParameterValue($"The filter '{name}' is invalid");
            }

            filters.predicates.Add(item => values(item).Any(v => v is not null && patterns.Any(p => Glob(p, v))));
        }

        return filters;
    }

    private static Ec2Exception TooManyValues() =>
        new("FilterLimitExceeded", $"The maximum number of filter values specified on a single call is {MaxValues}");

    public bool Matches(T item)
    {
        foreach (var predicate in predicates)
        {
            if (!predicate(item))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Glob(string pattern, string value)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal) && !pattern.Contains('?', StringComparison.Ordinal))
        {
            return pattern == value;
        }

        // Iterative wildcard match with backtracking to the last '*'.
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == value[v]))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
