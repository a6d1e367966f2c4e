using Harness.Load.Workloads;

namespace Harness.Load.Ec2Bench;

/// <summary>A set-up call the server refused; carries the exact exchange for the report.</summary>
internal sealed class BenchFailure(string action, string parameters, ApiReply reply)
    : Exception($"{action} failed: HTTP {reply.Status}\nrequest: Action={action}&Version=2016-11-15&{parameters}\nresponse: {Truncate(reply.Body)}")
{
    public string Request { get; } = $"Action={action}&Version=2016-11-15&{parameters}";

    public ApiReply Reply { get; } = reply;

    private static string Truncate(string s) => s.Length <= 2000 ? s : s[..2000] + "...";
}
