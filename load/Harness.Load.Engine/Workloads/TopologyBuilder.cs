using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Harness.Domain.Catalog;
using Harness.Domain.Clouds;

namespace Harness.Load.Workloads;

/// <summary>
/// The shape of the fleet a run sets up: <paramref name="Instances"/> instances holding <paramref name="Interfaces"/>
/// interfaces between them (one each, the rest attached round-robin), and <paramref name="AddressesPerInterface"/>
/// secondary addresses assigned to each interface at set-up, which are the addresses the churn then moves about.
/// </summary>
public sealed record TopologyOptions(
    int Instances,
    int Interfaces,
    int AddressesPerInterface,
    string InstanceType = "m5.xlarge",
    int Parallel = 8)
{
    /// <summary>How long set-up waits for the fleet's metadata to show the set-up itself; zero skips the wait.</summary>
    public TimeSpan SettleMetadata { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Flush the harness's pending metadata changes once the fleet is built, as scenarios do at set-up, rather than wait
    /// for the set-up's own changes to arrive. The flush is harness-wide (the control API cannot scope it to some
    /// instances), so only a run that owns its harness (the embedded one) should ask for it.
    /// </summary>
    public bool FlushPending { get; init; }

    /// <summary>Told each VPC the set-up creates, as it is created: whoever owns the run can take the fleet down again.</summary>
    public Action<string>? VpcCreated { get; init; }

    /// <summary>Which cloud's API builds the fleet; it decides which instance types there are.</summary>
    public Cloud Cloud { get; init; } = Cloud.Aws;

    /// <summary>The Alibaba region the fleet is built in (an Alibaba scenario's own; harness-load's is cn-hangzhou).</summary>
    public string AlibabaRegion { get; init; } = EcsApi.DefaultRegion;

    /// <summary>The instance type a run uses unless told otherwise: four interfaces of 15 addresses on either cloud.</summary>
    public static string DefaultInstanceType(Cloud cloud) => cloud == Cloud.Alibaba ? "ecs.g7.xlarge" : "m5.xlarge";

    /// <summary>A /18 has 16,379 usable addresses; leave room so a subnet never runs out mid-run.</summary>
    public const int AddressesPerSubnet = 16_000;

    /// <summary>The problem with these options, or null when they can be set up.</summary>
    public string? Problem()
    {
        if (Instances < 1)
        {
            return "--instances must be at least 1";
        }

        if (Interfaces < Instances)
        {
            return $"--interfaces ({Interfaces}) must be at least --instances ({Instances}): every instance has its primary interface";
        }

        var catalog = Cloud == Cloud.Alibaba ? AlibabaInstanceTypes.All : InstanceTypeCatalog.All;
        if (!catalog.TryGetValue(InstanceType, out var type))
        {
            return Cloud == Cloud.Alibaba
                ? $"unknown Alibaba instance type '{InstanceType}'; the harness knows {string.Join(", ", catalog.Keys)}"
                : $"unknown instance type '{InstanceType}'";
        }

        var perInstance = InterfacesPerInstanceMax;
        if (perInstance > type.MaxNetworkInterfaces)
        {
            return $"{Interfaces} interfaces on {Instances} instances puts {perInstance} on one, but {InstanceType} takes {type.MaxNetworkInterfaces}";
        }

        if (AddressesPerInterface < 0 || AddressesPerInterface > type.Ipv4AddressesPerInterface - 1)
        {
            return $"--addresses-per-interface must be 0 to {type.Ipv4AddressesPerInterface - 1} on {InstanceType} (its interfaces hold {type.Ipv4AddressesPerInterface} addresses, the primary included)";
        }

        return AddressesPerInstance > TopologyOptions.AddressesPerSubnet ? "too many addresses on one instance" : null;
    }

    public int InterfacesPerInstanceMax => (Interfaces + Instances - 1) / Instances;

    internal int AddressesPerInstance => InterfacesPerInstanceMax * (1 + AddressesPerInterface) * 2;
}

/// <summary>
/// Builds a <see cref="Topology"/> through the cloud's API alone (EC2's works on moto too): VPCs of /18 subnets,
/// instances launched in batches, extra interfaces created and attached, floating addresses assigned by count. On a
/// harness it then reads each instance's metadata endpoint from the control API. Alibaba's fleet is
/// <see cref="EcsFleetBuilder"/>'s, which also waits for its asynchronous states.
/// </summary>
public static class TopologyBuilder
{
    internal const int Batch = 100;

    public static async Task<Topology> BuildAsync(ICloudApi cloud, TopologyOptions options, Action<string> log, CancellationToken cancellation)
    {
        if (options.Problem() is { } problem)
        {
            throw new LoadSetupException(problem);
        }

        if (options.Cloud != cloud.Cloud)
        {
            throw new ArgumentException($"the options are for {options.Cloud}, the API is {cloud.Name}", nameof(options));
        }

        var (instances, addresses) = cloud switch
        {
            Ec2Api ec2 => await BuildEc2FleetAsync(ec2, options, log, cancellation).ConfigureAwait(false),
            EcsApi ecs => await EcsFleetBuilder.BuildAsync(ecs, options, log, cancellation).ConfigureAwait(false),
            _ => throw new ArgumentException($"no fleet builder for {cloud.Name}", nameof(cloud)),
        };

        var hasMetadata = await FindMetadataEndpointsAsync(cloud, instances, cancellation).ConfigureAwait(false);
        if (hasMetadata && options.FlushPending)
        {
            await FlushAsync(cloud, log, cancellation).ConfigureAwait(false);
        }

        if (hasMetadata && options.SettleMetadata > TimeSpan.Zero)
        {
            await WaitInSyncAsync(cloud, instances, options.SettleMetadata, log, cancellation).ConfigureAwait(false);
        }

        return new Topology(instances, addresses, hasMetadata);
    }

    /// <summary>How many instances share a subnet, and how many subnets the fleet takes.</summary>
    internal static (int PerSubnet, int Subnets) SubnetShare(TopologyOptions options)
    {
        var perSubnet = Math.Max(1, TopologyOptions.AddressesPerSubnet / options.AddressesPerInstance);
        return (perSubnet, (options.Instances + perSubnet - 1) / perSubnet);
    }

    /// <summary>The launches: up to <see cref="Batch"/> instances each, every one in a single subnet, numbered from <c>First</c>.</summary>
    internal static List<(string Subnet, int First, int Count)> LaunchBatches(IReadOnlyList<string> subnets, int perSubnet, int instances) =>
        Enumerable.Range(0, subnets.Count)
            .SelectMany(s =>
            {
                var first = s * perSubnet;
                var count = Math.Min(perSubnet, instances - first);
                return Enumerable.Range(0, (count + Batch - 1) / Batch).Select(b => (Subnet: subnets[s], First: first + (b * Batch), Count: Math.Min(Batch, count - (b * Batch))));
            })
            .ToList();

    /// <summary>The extra interfaces, round-robin over the instances: which instance each goes to, at which device index.</summary>
    internal static List<(SimInstance Instance, int Device)> Extras(SimInstance[] instances, TopologyOptions options) =>
        Enumerable.Range(0, options.Interfaces - options.Instances)
            .Select(e => (Instance: instances[e % options.Instances], Device: 1 + (e / options.Instances)))
            .ToList();

    private static async Task<(SimInstance[] Instances, List<FloatingAddress> Addresses)> BuildEc2FleetAsync(
        Ec2Api ec2, TopologyOptions options, Action<string> log, CancellationToken cancellation)
    {
        var (perSubnet, subnetCount) = SubnetShare(options);
        var subnets = new List<string>();
        string? vpc = null;
        for (var s = 0; s < subnetCount; s++)
        {
            var (v, quarter) = (s / 4, s % 4);
            if (quarter == 0)
            {
                var reply = await ec2.RequireAsync("CreateVpc", $"CidrBlock=10.{v}.0.0%2F16", cancellation).ConfigureAwait(false);
                vpc = Ec2Api.Value(Ec2Api.All(reply, "vpc").First(), "vpcId");
                options.VpcCreated?.Invoke(vpc!);
            }

            var subnet = await ec2.RequireAsync("CreateSubnet", $"VpcId={vpc}&CidrBlock=10.{v}.{quarter * 64}.0%2F18", cancellation).ConfigureAwait(false);
            subnets.Add(Ec2Api.Value(Ec2Api.All(subnet, "subnet").First(), "subnetId"));
        }

        log($"set-up: {subnets.Count} subnet(s) in {(subnets.Count + 3) / 4} VPC(s)");
        var instances = new SimInstance[options.Instances];
        var batches = LaunchBatches(subnets, perSubnet, options.Instances);
        var launched = 0;
        await Parallel.ForEachAsync(batches, Options(options, cancellation), async (batch, token) =>
        {
            var reply = await ec2.RequireAsync(
                "RunInstances",
                $"ImageId=ami-0abcdef1234567890&InstanceType={options.InstanceType}&MinCount={batch.Count}&MaxCount={batch.Count}&SubnetId={batch.Subnet}",
                token).ConfigureAwait(false);
            var items = Ec2Api.All(reply, "instancesSet").First().Elements().ToList();
            for (var i = 0; i < items.Count; i++)
            {
                var instance = new SimInstance(Ec2Api.Value(items[i], "instanceId"), batch.First + i);
                var primary = Ec2Api.All(items[i], "networkInterfaceSet").First().Elements().First();
                instance.Interfaces.Add(new SimInterface(Ec2Api.Value(primary, "networkInterfaceId"), Ec2Api.Value(primary, "macAddress"), batch.Subnet, instance));
                instances[batch.First + i] = instance;
            }

            Report(log, "instances", Interlocked.Add(ref launched, items.Count), items.Count, options.Instances);
        }).ConfigureAwait(false);

        // Extra interfaces, round-robin, each in its instance's subnet at the next device index.
        var extras = Extras(instances, options);
        var attached = 0;
        var added = new SimInterface[extras.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, extras.Count), Options(options, cancellation), async (e, token) =>
        {
            var (instance, device) = extras[e];
            var subnetId = instance.Interfaces[0].SubnetId;
            var created = await ec2.RequireAsync("CreateNetworkInterface", $"SubnetId={subnetId}", token).ConfigureAwait(false);
            var eni = Ec2Api.All(created, "networkInterface").First();
            var id = Ec2Api.Value(eni, "networkInterfaceId");
            await ec2.RequireAsync("AttachNetworkInterface", $"NetworkInterfaceId={id}&InstanceId={instance.Id}&DeviceIndex={device}", token).ConfigureAwait(false);
            added[e] = new SimInterface(id, Ec2Api.Value(eni, "macAddress"), subnetId, instance);
            Report(log, "extra interfaces", Interlocked.Increment(ref attached), 1, extras.Count);
        }).ConfigureAwait(false);
        foreach (var eni in added.OrderBy(e => e.Instance.Index))
        {
            eni.Instance.Interfaces.Add(eni);
        }

        var all = instances.SelectMany(i => i.Interfaces).ToList();
        var addresses = new List<FloatingAddress>[all.Count];
        var assigned = 0;
        if (options.AddressesPerInterface > 0)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, all.Count), Options(options, cancellation), async (n, token) =>
            {
                var eni = all[n];
                var reply = await ec2.RequireAsync(
                    "AssignPrivateIpAddresses", $"NetworkInterfaceId={eni.Id}&SecondaryPrivateIpAddressCount={options.AddressesPerInterface}", token).ConfigureAwait(false);
                addresses[n] = Ec2Api.All(reply, "privateIpAddress").Select(a => new FloatingAddress(a.Value, eni.SubnetId, eni)).ToList();
                if (addresses[n].Count != options.AddressesPerInterface)
                {
                    // moto answers without the assigned set: read the interface back instead.
                    addresses[n] = await ReadSecondariesAsync(ec2, eni, token).ConfigureAwait(false);
                }

                Report(log, "addresses", Interlocked.Add(ref assigned, addresses[n].Count), addresses[n].Count, all.Count * options.AddressesPerInterface);
            }).ConfigureAwait(false);
        }

        return (instances, addresses.Where(a => a is not null).SelectMany(a => a).ToList());
    }

    private static async Task<List<FloatingAddress>> ReadSecondariesAsync(Ec2Api ec2, SimInterface eni, CancellationToken token)
    {
        var reply = await ec2.RequireAsync("DescribeNetworkInterfaces", $"NetworkInterfaceId.1={eni.Id}", token).ConfigureAwait(false);
        return Ec2Api.All(reply, "privateIpAddressesSet").First().Elements()
            .Where(item => Ec2Api.ValueOrNull(item, "primary") != "true")
            .Select(item => new FloatingAddress(Ec2Api.Value(item, "privateIpAddress"), eni.SubnetId, eni))
            .ToList();
    }

    /// <summary>Reads every instance's own metadata endpoint from the control API; false when the target has none (moto).</summary>
    private static async Task<bool> FindMetadataEndpointsAsync(ICloudApi cloud, SimInstance[] instances, CancellationToken cancellation)
    {
        InstanceList? list;
        try
        {
            using var response = await cloud.Control.GetAsync(new Uri(cloud.ControlEndpoint, "/_harness/instances"), cancellation).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            list = await response.Content.ReadFromJsonAsync<InstanceList>(cancellation).ConfigureAwait(false);
        }
        catch (Exception error) when (error is System.Text.Json.JsonException or NotSupportedException)
        {
            return false;
        }

        var byId = (list?.Instances ?? []).ToDictionary(i => i.InstanceId, i => i.ImdsEndpoint, StringComparer.Ordinal);
        foreach (var instance in instances)
        {
            instance.Imds = byId.TryGetValue(instance.Id, out var endpoint) ? new Uri(endpoint) : null;
        }

        return instances.All(i => i.Imds is not null);
    }

    /// <summary>Set-up is not what a run measures: applies every pending metadata change now (<c>POST /_harness/propagation/flush</c>).</summary>
    private static async Task FlushAsync(ICloudApi cloud, Action<string> log, CancellationToken cancellation)
    {
        using var response = await cloud.Control.PostAsync(new Uri(cloud.ControlEndpoint, "/_harness/propagation/flush"), Ec2Api.NoBody(), cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new LoadSetupException($"could not flush the fleet's pending metadata (POST /_harness/propagation/flush answered {(int)response.StatusCode})");
        }

        var flushed = await response.Content.ReadFromJsonAsync<FlushReply>(cancellation).ConfigureAwait(false);
        log(string.Create(CultureInfo.InvariantCulture, $"set-up: flushed {flushed?.Applied ?? 0:N0} pending metadata changes"));
    }

    /// <summary>
    /// Waits until every instance's metadata shows what set-up did, so that the run's first changes are not measured
    /// against set-up changes still on their way. Gives up after <paramref name="limit"/> (a <c>never</c> model) and says so.
    /// </summary>
    private static async Task WaitInSyncAsync(ICloudApi cloud, SimInstance[] instances, TimeSpan limit, Action<string> log, CancellationToken cancellation)
    {
        var ours = instances.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var said = false;
        while (true)
        {
            var list = await cloud.Control.GetFromJsonAsync<InstanceList>(new Uri(cloud.ControlEndpoint, "/_harness/instances"), cancellation).ConfigureAwait(false);
            var behind = (list?.Instances ?? []).Count(i => ours.Contains(i.InstanceId) && !i.InSync);
            if (behind == 0)
            {
                if (said)
                {
                    log($"set-up: metadata caught up in {clock.Elapsed.TotalSeconds:0.0} s");
                }

                return;
            }

            if (clock.Elapsed > limit)
            {
                log($"set-up: {behind:N0} instances' metadata still behind after {limit.TotalSeconds:0} s; starting anyway");
                return;
            }

            if (!said)
            {
                log($"set-up: waiting for {behind:N0} instances' metadata to show the set-up");
                said = true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation).ConfigureAwait(false);
        }
    }

    internal static ParallelOptions Options(TopologyOptions options, CancellationToken cancellation) =>
        new() { MaxDegreeOfParallelism = options.Parallel, CancellationToken = cancellation };

    /// <summary>A line at every tenth of the way: <paramref name="done"/> just grew by <paramref name="added"/>.</summary>
    internal static void Report(Action<string> log, string what, int done, int added, int total)
    {
        var step = Math.Max(1, total / 10);
        if (done / step != (done - added) / step)
        {
            log(string.Create(CultureInfo.InvariantCulture, $"set-up: {done:N0}/{total:N0} {what}"));
        }
    }

    private sealed record FlushReply([property: JsonPropertyName("applied")] int Applied);

    private sealed record InstanceList([property: JsonPropertyName("instances")] IReadOnlyList<InstanceEntry> Instances);

    private sealed record InstanceEntry(
        [property: JsonPropertyName("instanceId")] string InstanceId,
        [property: JsonPropertyName("imdsEndpoint")] string ImdsEndpoint,
        [property: JsonPropertyName("inSync")] bool InSync);
}
