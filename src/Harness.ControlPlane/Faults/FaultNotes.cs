namespace Harness.ControlPlane.Faults;

/// <summary>
/// What touched one request, kept among its items (an HTTP request's <c>Items</c>) for the client's record:
/// <c>brownout: answered 503; slow: +183ms</c>.
/// </summary>
public static class FaultNotes
{
    private const string Key = "harness.fault";

    public static void Add(IDictionary<object, object?> items, ActiveFault fault, string detail)
    {
        var note = $"{fault.Name}: {detail}";
        items[Key] = items.TryGetValue(Key, out var earlier) && earlier is string text ? text + "; " + note : note;
    }

    /// <summary>The notes on a request, or null when no fault touched it.</summary>
    public static string? Of(IDictionary<object, object?> items) => items.TryGetValue(Key, out var notes) ? notes as string : null;
}
