using System.Text;
using Harness.Domain.Errors;

namespace Harness.Ec2.Protocol;

/// <summary>
/// MaxResults / NextToken. Items are ordered by id and the token is the last id returned, so pages stay
/// stable while resources come and go: nothing that existed throughout is skipped or repeated.
/// </summary>
internal static class Paging
{
    /// <summary>EC2 refuses MaxResults beside explicit ids before it looks the ids up.</summary>
    public static void CheckNotWithIds(QueryParameters parameters, bool hasIds, string idsParameter)
    {
        if (hasIds && parameters.Get("MaxResults") is not null)
        {
            throw Ec2Errors.InvalidParameterCombination($"The parameter {idsParameter} cannot be used with the parameter maxResults");
        }
    }

    public static (List<T> Page, string? NextToken) Page<T>(
        QueryParameters parameters, IEnumerable<T> items, Func<T, string> key, string idsParameter, bool hasIds, int min = 5, int max = 1000)
    {
        var maxResults = parameters.GetInt("MaxResults");
        var token = parameters.Get("NextToken");
        if (maxResults is not null && hasIds)
        {
            throw Ec2Errors.InvalidParameterCombination($"The parameter {idsParameter} cannot be used with the parameter maxResults");
        }

        if (maxResults < min)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ( {maxResults} ) for parameter maxResults is invalid. Expecting a value greater than {min}.");
        }

        if (maxResults > max)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ( {maxResults} ) for parameter maxResults is invalid. Expecting a value less than {max}.");
        }

        var after = token is null ? null : Decode(token);
        var ordered = items.OrderBy(key, StringComparer.Ordinal).Where(i => after is null || string.CompareOrdinal(key(i), after) > 0);
        if (maxResults is not { } size)
        {
            return (ordered.ToList(), null);
        }

        var page = ordered.Take(size + 1).ToList();
        if (page.Count <= size)
        {
            return (page, null);
        }

        page.RemoveAt(size);
        return (page, Convert.ToBase64String(Encoding.UTF8.GetBytes("v1:" + key(page[^1]))));
    }

    private static string Decode(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("v1:", StringComparison.Ordinal))
            {
                return text[3..];
            }
        }
        catch (FormatException)
        {
        }

        throw new Ec2Exception("InvalidNextToken", $"The token '{token}' is invalid");
    }
}
