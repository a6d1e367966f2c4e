namespace Harness.ControlPlane.Metadata;

/// <summary>Something with a place in a log's order.</summary>
internal interface ISequenced
{
    long Sequence { get; }
}

/// <summary>
/// The last <c>capacity</c> entries in sequence order, in a ring: appending is O(1), and a poll "after sequence n"
/// finds its start by binary search rather than a scan. Not thread-safe: its owner's lock guards it.
/// </summary>
internal sealed class TimelineLog<T>(int capacity)
    where T : ISequenced
{
    private readonly T[] ring = new T[Math.Max(1, capacity)];
    private int start;

    public int Count { get; private set; }

    /// <summary>How many entries fell out of the ring.</summary>
    public long Dropped { get; private set; }

    public void Add(T change)
    {
        if (Count == ring.Length)
        {
            ring[start] = change;
            start = (start + 1) % ring.Length;
            Dropped++;
            return;
        }

        ring[(start + Count) % ring.Length] = change;
        Count++;
    }

    /// <summary>Entries with a sequence above <paramref name="after"/>, oldest first.</summary>
    public IEnumerable<T> After(long after)
    {
        var low = 0;
        var high = Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (At(middle).Sequence <= after)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        for (var i = low; i < Count; i++)
        {
            yield return At(i);
        }
    }

    public void Clear()
    {
        Array.Clear(ring);
        start = 0;
        Count = 0;
        Dropped = 0;
    }

    private T At(int index) => ring[(start + index) % ring.Length];
}
