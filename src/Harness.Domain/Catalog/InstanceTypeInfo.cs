namespace Harness.Domain.Catalog;

/// <summary>One instance type's shape and networking limits (EC2 "IP addresses per network interface per instance type").</summary>
public sealed record InstanceTypeInfo(string Name, int VCpus, int MemoryMiB, int MaxNetworkInterfaces, int Ipv4AddressesPerInterface, int Ipv6AddressesPerInterface, int MaximumNetworkCards, string Hypervisor, bool CurrentGeneration, string Architecture, string NetworkPerformance);
