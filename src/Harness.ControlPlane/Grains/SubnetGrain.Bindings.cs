using Harness.ControlPlane.ReadModel;

namespace Harness.ControlPlane.Grains;

/// <summary>Elastic IP bindings: kept on the addresses they belong to, indexed by allocation id for look-ups.</summary>
internal sealed partial class SubnetGrain
{
    private bool RemoveBinding(string allocationId)
    {
        if (!bindingIndex.TryGetValue(allocationId, out var bound) || !interfaces.TryGetValue(bound.NetworkInterfaceId, out var addresses))
        {
            return false;
        }

        SetInterface(bound.NetworkInterfaceId, addresses with { Bindings = addresses.Bindings.Remove(bound.PrivateIp) });
        bindingIndex = bindingIndex.Remove(allocationId);
        return true;
    }

    /// <summary>Re-indexes the bindings of the interfaces a turn touched; bindings are few, interfaces may be many.</summary>
    private void Reindex(params string[] ids)
    {
        foreach (var (allocationId, bound) in bindingIndex)
        {
            if (ids.Contains(bound.NetworkInterfaceId))
            {
                bindingIndex = bindingIndex.Remove(allocationId);
            }
        }

        foreach (var id in ids)
        {
            if (interfaces.TryGetValue(id, out var addresses))
            {
                foreach (var (address, binding) in addresses.Bindings)
                {
                    bindingIndex = bindingIndex.SetItem(binding.AllocationId, new BoundAddress(id, address, binding));
                }
            }
        }
    }
}
