namespace Harness.Load.Reports;

/// <summary>A table as text cells, written by the console, Markdown and HTML reports each in its own way.</summary>
/// <param name="TextColumns">How many leading columns hold text (left-aligned); the rest hold numbers.</param>
internal sealed record TextTable(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, int TextColumns = 1);
