namespace Harness.Load.Scheduler;

/// <summary>What delivering costs under the propagation lock, measured on a fake clock (no timer, no other thread).</summary>
internal sealed record DeliveryCost(
    int Changes, double EnqueueSeconds, double EnqueueBytesPerChange, double DeliverMilliseconds, int Firings, double MicrosPerChange,
    double BytesPerChange, GcDelta Gc, List<string> EnqueueAllocations, List<string> DeliveryAllocations);
