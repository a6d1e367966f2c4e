namespace Harness.Load.Imds;

/// <summary>A reply as the IMDS benchmark compares them: status, every header but Date (sorted), body.</summary>
internal sealed record ReplyCheck(string Url, int Status, string Headers, string Body);
