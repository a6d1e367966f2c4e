namespace Harness.Runtime;

/// <summary>
/// Base class of grain implementations. The runtime runs one turn at a time per activation: a call's whole
/// asynchronous method, awaits included, finishes before the next call starts, so grain state needs no locks.
/// </summary>
public abstract class Grain
{
    private GrainActivation? activation;

    protected IGrainFactory GrainFactory => Activation.Runtime;

    protected TimeProvider TimeProvider => Activation.Runtime.TimeProvider;

    private GrainActivation Activation => activation ?? throw new InvalidOperationException("The grain is not activated.");

    public string GetPrimaryKeyString() => Activation.Key;

    /// <summary>Called once, as the activation's first turn, before any call is delivered.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Registers a timer whose callback runs as a turn of this activation (never concurrently with a call),
    /// driven by the runtime's <see cref="System.TimeProvider"/> so fake time can advance it in tests.
    /// </summary>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        Activation.RegisterTimer(callback, dueTime, period);

    /// <summary>
    /// Drops this activation once its current turn ends, as Orleans's <c>DeactivateOnIdle</c> does: calls already
    /// queued still run on it, and the next call to its key activates a fresh grain. For a grain whose resource is gone,
    /// so that its activation does not outlive it.
    /// </summary>
    protected void DeactivateOnIdle()
    {
        Activation.Runtime.Forget(Activation);
        Activation.Deactivate();
    }

    internal void Attach(GrainActivation owner) => activation = owner;
}
