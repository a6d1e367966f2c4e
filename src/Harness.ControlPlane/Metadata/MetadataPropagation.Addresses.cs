namespace Harness.ControlPlane.Metadata;

/// <summary>
/// The pool of loopback addresses: instances' own endpoints and clients' aliases. An address comes back when its
/// holder is gone for good, so a harness that churns instances for days never runs out of 127.0.0.0/8.
/// </summary>
public sealed partial class MetadataPropagation
{
    /// <summary>Instances the scheduler keeps books on: those launched and not yet forgotten.</summary>
    public int InstanceCount
    {
        get
        {
            lock (gate)
            {
                return tracks.Count;
            }
        }
    }

    /// <summary>Addresses given back and not yet taken again.</summary>
    public int FreeAddressCount
    {
        get
        {
            lock (gate)
            {
                return freeAddresses.Count;
            }
        }
    }

    /// <summary>
    /// A client reaches the instance of <paramref name="slot"/> through an alias: its address must not go to another
    /// instance while the client is registered. False when the instance is already forgotten.
    /// </summary>
    public bool Pin(MetadataSlot slot)
    {
        lock (gate)
        {
            if (slot.Forgotten || slot.Generation != Generation)
            {
                return false;
            }

            slot.Pins++;
            return true;
        }
    }

    /// <summary>The client is gone: if it was the last to reach a forgotten instance, the instance's address is free.</summary>
    public void Unpin(MetadataSlot slot)
    {
        lock (gate)
        {
            if (slot.Generation != Generation || slot.Pins == 0)
            {
                return;
            }

            if (--slot.Pins == 0 && slot.Forgotten)
            {
                freeAddresses.Enqueue(slot.Address);
            }
        }
    }

    /// <summary>Gives back an alias taken with <see cref="ReserveAddress"/> in <paramref name="generation"/> (none after a reset).</summary>
    public void ReleaseAddress(uint address, long generation)
    {
        lock (gate)
        {
            if (generation == Generation)
            {
                freeAddresses.Enqueue(address);
            }
        }
    }

    /// <summary>An address given back, oldest first, or the next never used. Called under the lock.</summary>
    private uint TakeAddress() => freeAddresses.TryDequeue(out var address) ? address : AddressAt(nextAddressIndex++);
}
