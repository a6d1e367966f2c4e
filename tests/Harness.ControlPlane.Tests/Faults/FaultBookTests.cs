using Harness.ControlPlane.Faults;
using Harness.Domain.Faults;
using Harness.Runtime;

namespace Harness.ControlPlane.Tests.Faults;

public sealed class FaultBookTests
{
    private readonly VirtualTimeProvider time = new();

    [Fact]
    public void Add_Unnamed_GetsSequentialIdsAndIdAsName()
    {
        using var book = new FaultBook(new HarnessOptions(), time);

        var first = book.Add(FaultSpec.Parse("imds-error"), null, "api", out var problem1)!;
        var second = book.Add(FaultSpec.Parse("ec2-error"), "", "api", out var problem2)!;

        Assert.Null(problem1);
        Assert.Null(problem2);
        Assert.Equal(("fault-1", "fault-1"), (first.Id, first.Name));
        Assert.Equal(("fault-2", "fault-2"), (second.Id, second.Name));
        Assert.Equal("api", first.Source);
        Assert.Equal(time.GetUtcNow(), first.AddedAt);
        Assert.Null(first.ExpiresAt);
    }

    [Fact]
    public void Add_MetadataAndEc2Faults_ListedInAllAndTheirSnapshots()
    {
        using var book = new FaultBook(new HarnessOptions(), time);

        var imds = book.Add(FaultSpec.Parse("imds-error"), "imds", "api", out _)!;
        var ec2 = book.Add(FaultSpec.Parse("ec2-error"), "ec2", "scenario", out _)!;
        var stale = book.Add(FaultSpec.Parse("imds-stale"), null, "api", out _)!;

        Assert.Equal([imds, ec2, stale], book.All);
        Assert.Equal([imds, stale], book.Metadata);
        Assert.Equal([ec2], book.Ec2);
    }

    [Fact]
    public void TryGet_ByIdOrName_FindsFault()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var fault = book.Add(FaultSpec.Parse("imds-error"), "slow-imds", "api", out _)!;

        Assert.True(book.TryGet("fault-1", out var byId));
        Assert.True(book.TryGet("slow-imds", out var byName));
        Assert.False(book.TryGet("fault-2", out var none));
        Assert.Same(fault, byId);
        Assert.Same(fault, byName);
        Assert.Null(none);
    }

    [Fact]
    public void Remove_ById_ClearsFaultAndRaisesEnded()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var fault = book.Add(FaultSpec.Parse("imds-error"), "errors", "api", out _)!;
        var ended = new List<ActiveFault>();
        book.Ended += ended.Add;

        Assert.True(book.Remove("fault-1"));

        Assert.Empty(book.All);
        Assert.Empty(book.Metadata);
        Assert.Equal([fault], ended);
        Assert.Equal(["added", "cleared"], book.Events(0, 100).Events.Select(e => e.Event));
    }

    [Fact]
    public void Remove_ByName_ClearsOnlyThatFault()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var keep = book.Add(FaultSpec.Parse("ec2-error"), "keep", "api", out _)!;
        book.Add(FaultSpec.Parse("ec2-throttle"), "throttle", "api", out _);

        Assert.True(book.Remove("throttle"));

        Assert.Equal([keep], book.All);
        Assert.Equal([keep], book.Ec2);
        Assert.False(book.TryGet("throttle", out _));
    }

    [Fact]
    public void Remove_Unknown_ReturnsFalseWithoutEnded()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        book.Add(FaultSpec.Parse("imds-error"), "errors", "api", out _);
        var ended = 0;
        book.Ended += _ => ended++;

        Assert.False(book.Remove("nope"));
        Assert.True(book.Remove("errors"));
        Assert.False(book.Remove("errors"));

        Assert.Equal(1, ended);
    }

    [Fact]
    public void Add_NameInForce_ReturnsNullWithProblem()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var first = book.Add(FaultSpec.Parse("imds-error"), "flaky", "api", out _)!;

        var second = book.Add(FaultSpec.Parse("ec2-error"), "flaky", "api", out var problem);

        Assert.Null(second);
        Assert.Equal("A fault named 'flaky' is already in force; clear it first or choose another name.", problem);
        Assert.Equal([first], book.All);
        Assert.Single(book.Events(0, 100).Events);
    }

    [Fact]
    public void Add_NameEqualToAnotherFaultsId_ReturnsNullWithProblem()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        book.Add(FaultSpec.Parse("imds-error"), null, "api", out _);

        var clash = book.Add(FaultSpec.Parse("ec2-error"), "fault-1", "api", out var problem);

        Assert.Null(clash);
        Assert.Contains("'fault-1'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_AfterNameConflict_DoesNotSkipAnId()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        book.Add(FaultSpec.Parse("imds-error"), "flaky", "api", out _);
        book.Add(FaultSpec.Parse("imds-error"), "flaky", "api", out _);

        var next = book.Add(FaultSpec.Parse("imds-error"), null, "api", out _)!;

        Assert.Equal("fault-2", next.Id);
    }

    [Fact]
    public void Add_UnnamedWhileAnotherFaultIsNamedLikeTheNextId_Succeeds()
    {
        // A caller who gives no name has chosen nothing that can clash: the book must find a free id.
        using var book = new FaultBook(new HarnessOptions(), time);
        var named = book.Add(FaultSpec.Parse("imds-error"), "fault-2", "api", out _)!;

        var unnamed = book.Add(FaultSpec.Parse("ec2-error"), null, "api", out var problem);

        Assert.Null(problem);
        Assert.NotNull(unnamed);
        Assert.NotEqual("fault-2", unnamed.Name);
        Assert.Equal(unnamed.Id, unnamed.Name);
        Assert.Equal([named, unnamed], book.All);
    }

    [Fact]
    public void Add_NameFreedByRemove_CanBeReused()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        book.Add(FaultSpec.Parse("imds-error"), "flaky", "api", out _);
        book.Remove("flaky");

        var again = book.Add(FaultSpec.Parse("imds-error"), "flaky", "api", out var problem);

        Assert.NotNull(again);
        Assert.Null(problem);
        Assert.Equal("fault-2", again.Id);
    }

    [Fact]
    public void Add_WithFor_ExpiresOnTheClockRaisingEndedAndExpiredEvent()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var added = time.GetUtcNow();
        var fault = book.Add(FaultSpec.Parse("imds-error(for=20s)"), "brief", "api", out _)!;
        var ended = new List<ActiveFault>();
        book.Ended += ended.Add;

        Assert.Equal(added + TimeSpan.FromSeconds(20), fault.ExpiresAt);
        time.Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromTicks(1));
        Assert.Equal([fault], book.All);
        Assert.Empty(ended);

        time.Advance(TimeSpan.FromTicks(1));

        Assert.Empty(book.All);
        Assert.Empty(book.Metadata);
        Assert.Equal([fault], ended);
        var expired = book.Events(0, 100).Events[^1];
        Assert.Equal(("expired", "fault-1", "brief", "imds-error"), (expired.Event, expired.FaultId, expired.Name, expired.Kind));
        Assert.Equal(added + TimeSpan.FromSeconds(20), expired.At);
        Assert.Equal(0, time.ArmedTimerCount);
    }

    [Fact]
    public void Remove_BeforeExpiry_DisarmsTimerSoEndedFiresOnce()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        book.Add(FaultSpec.Parse("ec2-error(for=10s)"), "brief", "api", out _);
        var ended = 0;
        book.Ended += _ => ended++;
        Assert.Equal(1, time.ArmedTimerCount);

        book.Remove("brief");
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, ended);
        Assert.Equal(0, time.ArmedTimerCount);
        Assert.Equal(["added", "cleared"], book.Events(0, 100).Events.Select(e => e.Event));
    }

    [Fact]
    public void Add_TwoExpiries_EndInDueOrder()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        book.Add(FaultSpec.Parse("imds-error(for=30s)"), "long", "api", out _);
        book.Add(FaultSpec.Parse("imds-error(for=10s)"), "short", "api", out _);
        var ended = new List<string>();
        book.Ended += f => ended.Add(f.Name);

        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(["short"], ended);
        Assert.True(book.TryGet("long", out _));

        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(["short", "long"], ended);
        Assert.Empty(book.All);
    }

    [Fact]
    public void Constructor_StartupFaults_AddedFromServe()
    {
        var options = new HarnessOptions { Faults = [FaultSpec.Parse("imds-throttle"), FaultSpec.Parse("ec2-throttle")] };

        using var book = new FaultBook(options, time);

        Assert.Equal(["fault-1", "fault-2"], book.All.Select(f => f.Id));
        Assert.All(book.All, f => Assert.Equal("serve", f.Source));
        Assert.Equal(FaultKinds.ImdsThrottle, Assert.Single(book.Metadata).Spec.Kind);
        Assert.Equal(FaultKinds.Ec2Throttle, Assert.Single(book.Ec2).Spec.Kind);
    }

    [Fact]
    public void Reset_AfterChanges_RestoresStartupFaultsFromFault1()
    {
        var options = new HarnessOptions { Faults = [FaultSpec.Parse("imds-throttle"), FaultSpec.Parse("ec2-error(rate=0.5)")] };
        using var book = new FaultBook(options, time);
        book.Remove("fault-1");
        book.Add(FaultSpec.Parse("imds-error"), "extra", "api", out _);
        book.Add(FaultSpec.Parse("imds-stale"), null, "api", out _);

        book.Reset();

        Assert.Equal(["fault-1", "fault-2"], book.All.Select(f => f.Id));
        Assert.Equal([FaultKinds.ImdsThrottle, FaultKinds.Ec2Error], book.All.Select(f => f.Spec.Kind));
        Assert.All(book.All, f => Assert.Equal("serve", f.Source));
        Assert.False(book.TryGet("extra", out _));
        var page = book.Events(0, 100);
        Assert.Equal(["added", "added"], page.Events.Select(e => e.Event));
        Assert.Equal([1L, 2L], page.Events.Select(e => e.Sequence));
        Assert.Equal(2, page.LastSequence);
        Assert.Equal(0, page.Dropped);
    }

    [Fact]
    public void Reset_DisarmsPendingExpiries()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        book.Add(FaultSpec.Parse("imds-error(for=10s)"), "brief", "api", out _);
        var ended = 0;
        book.Ended += _ => ended++;

        book.Reset();
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, time.ArmedTimerCount);
        Assert.Equal(0, ended);
        Assert.Empty(book.Events(0, 100).Events);
    }

    [Fact]
    public void Reset_StartupFaultWithFor_ExpiresAgainFromResetTime()
    {
        var options = new HarnessOptions { Faults = [FaultSpec.Parse("imds-error(for=10s)")] };
        using var book = new FaultBook(options, time);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(book.All);

        book.Reset();
        var fault = Assert.Single(book.All);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(10), fault.ExpiresAt);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(book.All);
    }

    [Fact]
    public void Events_AfterAndLimit_PageInSequenceOrder()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var fault = book.Add(FaultSpec.Parse("imds-error"), "errors", "api", out _)!;
        for (var i = 0; i < 5; i++)
        {
            book.Touched(fault, "imds", "i-1", $"/latest/meta-data/{i}", "503");
        }

        var first = book.Events(0, 2);
        var second = book.Events(first.Events[^1].Sequence, 2);
        var rest = book.Events(4, 100);
        var none = book.Events(6, 100);

        Assert.Equal([1L, 2L], first.Events.Select(e => e.Sequence));
        Assert.Equal([3L, 4L], second.Events.Select(e => e.Sequence));
        Assert.Equal([5L, 6L], rest.Events.Select(e => e.Sequence));
        Assert.Empty(none.Events);
        Assert.All([first, second, rest, none], page => Assert.Equal(6, page.LastSequence));
        Assert.Equal("imds-error(status=503, rate=1)", first.Events[0].Detail);
        Assert.Equal(("touched", "imds", "i-1", "/latest/meta-data/3", "503"), (rest.Events[0].Event, rest.Events[0].Channel, rest.Events[0].InstanceId, rest.Events[0].Target, rest.Events[0].Detail));
    }

    [Fact]
    public void Events_ForInstance_KeepsItsOwnAndInstanceLessEvents()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var fault = book.Add(FaultSpec.Parse("imds-error"), "errors", "api", out _)!;
        book.Touched(fault, "imds", "i-1", "/a", "503");
        book.Touched(fault, "imds", "i-2", "/b", "503");
        book.Touched(fault, "ec2", null, "RunInstances", "500");

        var page = book.Events(0, 100, "i-1");

        Assert.Equal([1L, 2L, 4L], page.Events.Select(e => e.Sequence));
        Assert.Equal(4, page.LastSequence);
    }

    [Fact]
    public void Events_TimelineOverCapacity_CountsDropped()
    {
        using var book = new FaultBook(new HarnessOptions { TimelineCapacity = 3 }, time);
        var fault = book.Add(FaultSpec.Parse("imds-error"), "errors", "api", out _)!;
        for (var i = 0; i < 4; i++)
        {
            book.Touched(fault, "imds", "i-1", "/", "503");
        }

        var page = book.Events(0, 100);

        Assert.Equal([3L, 4L, 5L], page.Events.Select(e => e.Sequence));
        Assert.Equal(2, page.Dropped);
        Assert.Equal(5, page.LastSequence);
    }

    [Fact]
    public void Touched_CountsPerFault()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var one = book.Add(FaultSpec.Parse("imds-error"), "one", "api", out _)!;
        var two = book.Add(FaultSpec.Parse("ec2-error"), "two", "api", out _)!;

        book.Touched(one, "imds", "i-1", "/", "503");
        book.Touched(one, "imds", "i-1", "/", "503");
        book.Touched(two, "ec2", null, "RunInstances", "500");

        Assert.Equal(2, one.Touched);
        Assert.Equal(1, two.Touched);
    }

    [Fact]
    public void Roll_Rate30Percent_TenThousandDrawsNearRate()
    {
        using var book = new FaultBook(new HarnessOptions { Seed = 12345 }, time);
        var fault = book.Add(FaultSpec.Parse("imds-error(rate=30%)"), "errors", "api", out _)!;

        var hits = Enumerable.Range(0, 10_000).Count(_ => fault.Roll());

        Assert.InRange(hits / 10_000.0, 0.28, 0.32);
    }

    [Fact]
    public void Roll_SameSeedAndName_SameSequence()
    {
        using var first = new FaultBook(new HarnessOptions { Seed = 7 }, time);
        using var second = new FaultBook(new HarnessOptions { Seed = 7 }, new VirtualTimeProvider());
        var a = first.Add(FaultSpec.Parse("imds-error(rate=0.3)"), "flaky", "api", out _)!;
        var b = second.Add(FaultSpec.Parse("ec2-error(rate=0.3)"), "flaky", "scenario", out _)!;

        var rollsA = Enumerable.Range(0, 1_000).Select(_ => a.Roll()).ToArray();
        var rollsB = Enumerable.Range(0, 1_000).Select(_ => b.Roll()).ToArray();

        Assert.Equal(rollsA, rollsB);
        Assert.Contains(true, rollsA);
        Assert.Contains(false, rollsA);
    }

    [Fact]
    public void Roll_SpecSeed_OverridesHarnessSeed()
    {
        using var first = new FaultBook(new HarnessOptions { Seed = 99 }, time);
        using var second = new FaultBook(new HarnessOptions { Seed = 7 }, new VirtualTimeProvider());
        var a = first.Add(FaultSpec.Parse("imds-error(rate=0.3, seed=7)"), "flaky", "api", out _)!;
        var b = second.Add(FaultSpec.Parse("imds-error(rate=0.3)"), "flaky", "api", out _)!;

        Assert.Equal(
            Enumerable.Range(0, 1_000).Select(_ => b.Roll()).ToArray(),
            Enumerable.Range(0, 1_000).Select(_ => a.Roll()).ToArray());
    }

    [Fact]
    public void Roll_DifferentName_DifferentSequence()
    {
        using var book = new FaultBook(new HarnessOptions { Seed = 7 }, time);
        var a = book.Add(FaultSpec.Parse("imds-error(rate=0.3)"), "flaky", "api", out _)!;
        var b = book.Add(FaultSpec.Parse("imds-error(rate=0.3)"), "other", "api", out _)!;

        Assert.NotEqual(
            Enumerable.Range(0, 200).Select(_ => a.Roll()).ToArray(),
            Enumerable.Range(0, 200).Select(_ => b.Roll()).ToArray());
    }

    [Fact]
    public void Roll_DifferentHarnessSeed_DifferentSequence()
    {
        using var first = new FaultBook(new HarnessOptions { Seed = 1 }, time);
        using var second = new FaultBook(new HarnessOptions { Seed = 2 }, new VirtualTimeProvider());
        var a = first.Add(FaultSpec.Parse("imds-error(rate=0.3)"), "flaky", "api", out _)!;
        var b = second.Add(FaultSpec.Parse("imds-error(rate=0.3)"), "flaky", "api", out _)!;

        Assert.NotEqual(
            Enumerable.Range(0, 200).Select(_ => a.Roll()).ToArray(),
            Enumerable.Range(0, 200).Select(_ => b.Roll()).ToArray());
    }

    [Fact]
    public void Roll_RateZero_Never()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var fault = book.Add(FaultSpec.Parse("imds-error(rate=0)"), null, "api", out _)!;

        Assert.DoesNotContain(true, Enumerable.Range(0, 10_000).Select(_ => fault.Roll()));
    }

    [Theory]
    [InlineData("imds-error(rate=1)")]
    [InlineData("imds-error(rate=100%)")]
    [InlineData("imds-throttle")]
    public void Roll_RateOneOrNone_Always(string text)
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var fault = book.Add(FaultSpec.Parse(text), null, "api", out _)!;

        Assert.DoesNotContain(false, Enumerable.Range(0, 10_000).Select(_ => fault.Roll()));
    }

    [Fact]
    public void SampleDelay_FixedDelay_IsThatDelay()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var fault = book.Add(FaultSpec.Parse("ec2-latency(delay=fixed(250ms))"), null, "api", out _)!;

        Assert.Equal(TimeSpan.FromMilliseconds(250), fault.SampleDelay());
    }

    [Fact]
    public void SampleDelay_NoDelay_IsZero()
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var fault = book.Add(FaultSpec.Parse("imds-error"), null, "api", out _)!;

        Assert.Equal(TimeSpan.Zero, fault.SampleDelay());
    }

    [Fact]
    public void SampleDelay_SameSeedAndName_SameDraws()
    {
        using var first = new FaultBook(new HarnessOptions { Seed = 3 }, time);
        using var second = new FaultBook(new HarnessOptions { Seed = 3 }, new VirtualTimeProvider());
        var a = first.Add(FaultSpec.Parse("imds-latency(delay=uniform(100ms,900ms))"), "slow", "api", out _)!;
        var b = second.Add(FaultSpec.Parse("imds-latency(delay=uniform(100ms,900ms))"), "slow", "api", out _)!;

        var drawsA = Enumerable.Range(0, 100).Select(_ => a.SampleDelay()).ToArray();

        Assert.Equal(drawsA, Enumerable.Range(0, 100).Select(_ => b.SampleDelay()).ToArray());
        Assert.All(drawsA, d => Assert.InRange(d, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(900)));
        Assert.True(drawsA.Distinct().Count() > 50);
    }

    [Theory]
    [InlineData("imds-error", "i-1", "eni-1", true)]
    [InlineData("imds-error(instance=i-1)", "i-1", null, true)]
    [InlineData("imds-error(instance=i-1)", "i-2", "eni-1", false)]
    [InlineData("imds-error(instance=i-1)", null, "eni-1", false)]
    [InlineData("imds-error(interface=eni-1)", "i-9", "eni-1", true)]
    [InlineData("imds-error(instance=i-1, interface=eni-1)", "i-1", "eni-2", false)]
    public void Covers_Scope_MatchesInstanceAndInterface(string text, string? instance, string? networkInterface, bool covers)
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var fault = book.Add(FaultSpec.Parse(text), null, "api", out _)!;

        Assert.Equal(covers, fault.Covers(instance, networkInterface));
    }
    [Theory]
    [InlineData("InstanceId", "i-1", true)]
    [InlineData("InstanceIds", "[\"i-0\",\"i-1\"]", true)] // Alibaba's JSON-array list
    [InlineData("InstanceIds", "[\"i-10\"]", false)] // an item that only contains the id
    [InlineData("InstanceId", "i-10", false)]
    [InlineData("Description", "about i-1", false)]
    public void Covers_ACall_WhenAParameterOrAJsonArrayItemNamesTheInstance(string name, string value, bool covers)
    {
        using var book = new FaultBook(new HarnessOptions(), time);
        var fault = book.Add(FaultSpec.Parse("ec2-error(code=InternalError, instance=i-1)"), null, "api", out _)!;

        Assert.Equal(covers, fault.Covers("DescribeInstances", new Dictionary<string, string> { [name] = value, ["RegionId"] = "cn-hangzhou" }));
    }
}
