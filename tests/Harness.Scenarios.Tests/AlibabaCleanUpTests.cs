using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;
using Harness.Runtime;
using Harness.Scenarios.Running;

namespace Harness.Scenarios.Tests;

/// <summary>
/// The Alibaba clean-up's waits against a small fake of the ECS API whose states pass on the virtual clock: what the
/// embedded harness does not reach on its own (an instance still Starting, an ENI InUse on an instance that stays, an
/// ENI that never settles, more groups than a page holds).
/// </summary>
public sealed class AlibabaCleanUpTests
{
    private readonly VirtualTimeProvider time = new(TimeProvider.System.GetUtcNow());

    [Fact]
    public async Task RunAsync_waits_out_each_state_detaches_a_held_eni_pages_through_and_reports_what_never_settled()
    {
        var fake = new FakeEcs(time);
        using var http = new HttpClient(fake);
        var cleanUp = new AlibabaCleanUp(new EcsClient(http, new Uri("http://127.0.0.1:1/"), "cn-hangzhou"), new VirtualScenarioClock(time), TimeSpan.FromSeconds(30));

        await cleanUp.RunAsync(["vpc-a"]);

        Assert.Equal("1 instance, 1 interface, 60 security group, 1 vSwitch, 1 VPC", string.Join(", ", cleanUp.Removed.Select(r => $"{r.Value} {r.Key}")));
        Assert.Equal(["eni-stuck (still Attaching when the 30 s ran out)"], cleanUp.Problems);
        Assert.Empty(fake.Refused);

        // Each kind waited for the one before it: the held ENI was detached, then deleted once Available, and the groups
        // went only once no ENI but the stuck one was left (a real ECS would refuse its group: here the fake lets it go).
        var changes = fake.Calls.Where(c => !c.StartsWith("Describe", StringComparison.Ordinal)).ToList();
        Assert.Equal(["DeleteInstance i-starting", "DetachNetworkInterface eni-held", "DeleteNetworkInterface eni-held"], changes.Take(3));
        Assert.Equal(60, changes.Count(c => c.StartsWith("DeleteSecurityGroup", StringComparison.Ordinal)));
        Assert.Equal(["DeleteVSwitch vsw-1", "DeleteVpc vpc-a"], changes.TakeLast(2));
        Assert.True(time.GetUtcNow() - time.Start >= TimeSpan.FromSeconds(30), $"the clock moved {time.GetUtcNow() - time.Start}");
    }

    /// <summary>
    /// One VPC: i-starting (Starting for 1.5 s), eni-held (a secondary ENI InUse on i-other, which is not in the VPC's
    /// listing), eni-stuck (Attaching for ever), 60 groups and a vSwitch. Detaching and Deleting last a second each.
    /// </summary>
    private sealed class FakeEcs(VirtualTimeProvider time) : HttpMessageHandler
    {
        private readonly DateTimeOffset started = time.GetUtcNow() + TimeSpan.FromSeconds(1.5);
        private readonly HashSet<string> groups = [.. Enumerable.Range(0, 60).Select(i => $"sg-{i:00}")];
        private bool instanceGone;
        private string eniState = "InUse";
        private DateTimeOffset eniSettles;

        public List<string> Calls { get; } = [];

        public List<string> Refused { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var q = HttpUtility.ParseQueryString(request.RequestUri!.Query);
            var action = q["Action"]!;
            var now = time.GetUtcNow();
            if (eniSettles <= now)
            {
                eniState = eniState switch { "Detaching" => "Available", "Deleting" => "Gone", _ => eniState };
            }

            Calls.Add($"{action} {q["NetworkInterfaceId"] ?? q["InstanceId"] ?? q["SecurityGroupId"] ?? q["VSwitchId"] ?? q["VpcId"]}");
            switch (action)
            {
                case "DescribeInstances":
                    return Page(q, "Instances", "Instance", instanceGone ? [] : [new JsonObject { ["InstanceId"] = "i-starting", ["Status"] = now < started ? "Starting" : "Running" }]);
                case "DeleteInstance" when now < started:
                    return Refuse("IncorrectInstanceStatus");
                case "DeleteInstance":
                    instanceGone = true;
                    return Ok();
                case "DescribeNetworkInterfaces":
                    List<JsonObject> enis = [new() { ["NetworkInterfaceId"] = "eni-stuck", ["Status"] = "Attaching", ["Type"] = "Secondary", ["InstanceId"] = "" }];
                    if (eniState != "Gone")
                    {
                        enis.Add(new() { ["NetworkInterfaceId"] = "eni-held", ["Status"] = eniState, ["Type"] = "Secondary", ["InstanceId"] = eniState == "InUse" ? "i-other" : "" });
                    }

                    return Page(q, "NetworkInterfaceSets", "NetworkInterfaceSet", enis);
                case "DetachNetworkInterface" when eniState == "InUse" && q["InstanceId"] == "i-other":
                    (eniState, eniSettles) = ("Detaching", now + TimeSpan.FromSeconds(1));
                    return Ok();
                case "DeleteNetworkInterface" when eniState == "Available":
                    (eniState, eniSettles) = ("Deleting", now + TimeSpan.FromSeconds(1));
                    return Ok();
                case "DetachNetworkInterface" or "DeleteNetworkInterface":
                    return Refuse("InvalidOperation.InvalidEniState");
                case "DescribeSecurityGroups":
                    return Page(q, "SecurityGroups", "SecurityGroup", [.. groups.Order(StringComparer.Ordinal).Select(g => new JsonObject { ["SecurityGroupId"] = g })]);
                case "DeleteSecurityGroup":
                    groups.Remove(q["SecurityGroupId"]!);
                    return Ok();
                case "DescribeVSwitches":
                    return Page(q, "VSwitches", "VSwitch", [new JsonObject { ["VSwitchId"] = "vsw-1" }]);
                default:
                    return Ok();
            }
        }

        private static Task<HttpResponseMessage> Page(System.Collections.Specialized.NameValueCollection q, string set, string item, List<JsonObject> all)
        {
            var (number, size) = (int.Parse(q["PageNumber"] ?? "1", System.Globalization.CultureInfo.InvariantCulture), int.Parse(q["PageSize"] ?? "10", System.Globalization.CultureInfo.InvariantCulture));
            var page = all.Skip((number - 1) * size).Take(size).Select(o => (JsonNode?)o);
            return Reply(HttpStatusCode.OK, new JsonObject { ["TotalCount"] = all.Count, [set] = new JsonObject { [item] = new JsonArray([.. page]) } });
        }

        private Task<HttpResponseMessage> Refuse(string code)
        {
            Refused.Add(Calls[^1]);
            return Reply(HttpStatusCode.Forbidden, new JsonObject { ["Code"] = code, ["Message"] = "not now" });
        }

        private static Task<HttpResponseMessage> Ok() => Reply(HttpStatusCode.OK, new JsonObject { ["RequestId"] = "r" });

        private static Task<HttpResponseMessage> Reply(HttpStatusCode status, JsonObject body) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") });
    }
}
