using System.Buffers;
using Harness.Domain.Errors;

namespace Harness.Ec2.Protocol;

/// <summary>
/// Every list member a request names, found in one pass over its parameter names: <c>Filter.2.Value.10</c> is member
/// 2 of <c>Filter</c> and member 10 of <c>Filter.2.Value</c>. Any run of decimal digits after a dot is an index, so no
/// list member can be passed over (a dropped id would widen a Describe or a DeleteTags); docs/query-protocol.md gives
/// the rule and the evidence for it.
/// </summary>
internal sealed class ListIndex
{
    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    // List path (as spelled in the request) -> members by index value (leading zeros stripped).
    private readonly Dictionary<string, Dictionary<string, Member>> lists = new(StringComparer.Ordinal);

    public ListIndex(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            Add(name);
        }
    }

    /// <summary>One element of a list: how its index was spelled, and whether it holds a value, fields, or both.</summary>
    public sealed class Member(string spelling)
    {
        public string Spelling { get; } = spelling;

        public bool HasValue { get; set; }

        public bool HasFields { get; set; }
    }

    public int Count(string list) => lists.TryGetValue(list, out var members) ? members.Count : 0;

    /// <summary>The members of <paramref name="list"/> in numeric order of their indexes, however large.</summary>
    public List<Member> Members(string list)
    {
        if (!lists.TryGetValue(list, out var members))
        {
            return [];
        }

        var ordered = members.ToList();
        ordered.Sort((a, b) => a.Key.Length != b.Key.Length ? a.Key.Length.CompareTo(b.Key.Length) : string.CompareOrdinal(a.Key, b.Key));
        return ordered.ConvertAll(kv => kv.Value);
    }

    private void Add(string name)
    {
        // The first segment is a parameter's name, never an index.
        var start = name.IndexOf('.') + 1;
        if (start == 0)
        {
            return;
        }

        while (true)
        {
            var end = name.IndexOf('.', start);
            var last = end < 0;
            end = last ? name.Length : end;
            var segment = name.AsSpan(start, end - start);
            if (!segment.IsEmpty && !segment.ContainsAnyExcept(Digits))
            {
                Register(name[..(start - 1)], new string(segment), last);
            }

            if (last)
            {
                return;
            }

            start = end + 1;
        }
    }

    private void Register(string list, string spelling, bool isValue)
    {
        if (!lists.TryGetValue(list, out var members))
        {
            lists[list] = members = new Dictionary<string, Member>(StringComparer.Ordinal);
        }

        var trimmed = spelling.TrimStart('0');
        var index = trimmed.Length == 0 ? "0" : trimmed;
        if (!members.TryGetValue(index, out var member))
        {
            members[index] = member = new Member(spelling);
        }
        else if (member.Spelling != spelling)
        {
            // Which of the two the client meant is unknowable; taking either would silently change the request.
            throw Ec2Errors.InvalidParameterValue(
                $"The parameters {list}.{member.Spelling} and {list}.{spelling} name the same element of {list}.");
        }

        if (isValue)
        {
            member.HasValue = true;
        }
        else
        {
            member.HasFields = true;
        }
    }
}
