namespace Harness.Load;

/// <summary>A benchmark command's option that is missing or does not read; the message is the sentence to print.</summary>
internal sealed class BenchOptionException(string message) : Exception(message);
