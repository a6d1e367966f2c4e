using System.Globalization;
using System.Text.Json.Nodes;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>Alibaba's two paging styles: <c>PageNumber</c>/<c>PageSize</c>, and <c>MaxResults</c>/<c>NextToken</c> (ALIBABA.md §3).</summary>
internal static class Paging
{
    /// <summary>One page by number; writes <c>TotalCount</c>, <c>PageNumber</c> and <c>PageSize</c>.</summary>
    public static List<T> ByNumber<T>(EcsContext context, IReadOnlyList<T> all, int defaultSize, int maxSize)
    {
        var p = context.Parameters;
        var number = p.GetInt("PageNumber") ?? 1;
        var size = p.GetInt("PageSize") ?? defaultSize;
        if (number < 1)
        {
            throw AlibabaErrors.InvalidParameter("PageNumber");
        }

        if (size < 1 || size > maxSize)
        {
            throw AlibabaErrors.InvalidParameter("PageSize");
        }

        context.Body["TotalCount"] = all.Count;
        context.Body["PageNumber"] = number;
        context.Body["PageSize"] = size;
        return [.. all.Skip((int)Math.Min(int.MaxValue, (long)(number - 1) * size)).Take(size)];
    }

    /// <summary>
    /// One page by token when <c>MaxResults</c> or <c>NextToken</c> is given (10 to 500 a page, clamped; the token is the
    /// offset of the next item), otherwise by number. <paramref name="all"/> must be in a stable order.
    /// </summary>
    public static List<T> ByTokenOrNumber<T>(EcsContext context, IReadOnlyList<T> all, int defaultSize, int maxPageSize, int maxTokenPage = 500)
    {
        var p = context.Parameters;
        var maxResults = p.GetInt("MaxResults");
        var token = p.Get("NextToken");
        if (maxResults is null && token is null)
        {
            return ByNumber(context, all, defaultSize, maxPageSize);
        }

        var size = Math.Clamp(maxResults ?? 10, 10, maxTokenPage);
        var start = 0;
        if (token is not null && (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > all.Count))
        {
            throw new AlibabaException("InvalidParameter.NextToken", "The specified parameter \"NextToken\" is not valid.");
        }

        var page = all.Skip(start).Take(size).ToList();
        var next = start + page.Count;
        context.Body["NextToken"] = next < all.Count ? next.ToString(CultureInfo.InvariantCulture) : "";
        context.Body["TotalCount"] = all.Count;
        return page;
    }

    /// <summary><c>{"Name": [items]}</c>: how Alibaba wraps every list.</summary>
    public static JsonObject Wrap(string name, IEnumerable<JsonNode?> items) => new() { [name] = new JsonArray([.. items]) };
}
