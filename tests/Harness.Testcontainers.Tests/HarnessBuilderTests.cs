using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Harness.Client;

namespace Harness.Testcontainers.Tests;

/// <summary>
/// <see cref="HarnessBuilder"/> against the image: what the builder is told reaches the harness in the container, the
/// control API is closed without the container's token, both ports are published on 127.0.0.1 only, and an instance's
/// metadata answers through the published metadata port with its id as the path.
/// </summary>
public sealed class HarnessBuilderTests : IAsyncLifetime
{
    private readonly HarnessContainer harness = new HarnessBuilder().WithPropagation("fixed(2s)").WithSeed(7).Build();

    public Task InitializeAsync() => harness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task TheBuildersSettings_ReachTheHarness_AndItsControlApiWantsTheToken()
    {
        using var control = harness.CreateClient();
        using var anonymous = new HarnessClient(harness.Ec2Endpoint);

        var propagation = await control.GetPropagationAsync();
        var refused = await Assert.ThrowsAsync<HarnessApiException>(() => anonymous.GetPropagationAsync());

        Assert.Equal("fixed(2s)", propagation.Imds);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.True(await anonymous.IsHealthyAsync(), "/_harness/health stays open for health checks");
    }

    [Fact]
    public async Task BothPortsArePublishedOnLoopbackOnly()
    {
        var bindings = await Docker.InspectPortBindingsAsync(harness.Id);

        Assert.Equal(["4580/tcp", "4581/tcp"], bindings.Keys.Order());
        Assert.All(bindings.Values.SelectMany(b => b), binding => Assert.Equal("127.0.0.1", binding));
    }

    [Fact]
    public async Task AnInstancesMetadata_AnswersThroughThePublishedPort_ItsIdThePath()
    {
        using var ec2 = new AmazonEC2Client(
            new BasicAWSCredentials("AKIDEXAMPLE", "harness-secret"),
            new AmazonEC2Config { ServiceURL = harness.Ec2Endpoint.ToString(), AuthenticationRegion = "us-east-1" });
        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16" })).Vpc.VpcId;
        var subnet = (await ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.0.1.0/24" })).Subnet.SubnetId;
        var instance = (await ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-12345678", InstanceType = InstanceType.T3Micro, MinCount = 1, MaxCount = 1, SubnetId = subnet,
        })).Reservation.Instances[0];
        using var control = harness.CreateClient();
        await control.WaitUntilConvergedAsync(instance.InstanceId, TimeSpan.FromSeconds(30));

        using var http = new HttpClient { BaseAddress = harness.GetMetadataEndpoint(instance.InstanceId) };
        using var put = new HttpRequestMessage(HttpMethod.Put, "latest/api/token") { Headers = { { "X-aws-ec2-metadata-token-ttl-seconds", "60" } } };
        var token = await (await http.SendAsync(put)).EnsureSuccessStatusCode().Content.ReadAsStringAsync();
        using var get = new HttpRequestMessage(HttpMethod.Get, "latest/meta-data/local-ipv4") { Headers = { { "X-aws-ec2-metadata-token", token } } };
        var ip = await (await http.SendAsync(get)).EnsureSuccessStatusCode().Content.ReadAsStringAsync();

        Assert.Equal(instance.PrivateIpAddress, ip);

        // WithSeed(7) reached it: a harness seeded 7 names its first VPC this (serve --seed 7 on this machine did too).
        Assert.Equal("vpc-e41c6f24ba2102367", vpc);
    }
}
