using Harness.Scenarios.Model;

namespace Harness.Scenarios.Parsing;

/// <summary>Something wrong in a scenario file, where it is, and what was expected there.</summary>
public sealed record ScenarioError(string File, SourceMark Mark, string Message)
{
    public override string ToString() => $"{File}:{Mark.Line}:{Mark.Column}: {Message}";
}

/// <summary>A scenario file could not be used; every problem found is listed.</summary>
public sealed class ScenarioInvalidException(IReadOnlyList<ScenarioError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ScenarioError> Errors { get; } = errors;
}
