using Harness.Load.Workloads;
using Harness.Runtime;

namespace Harness.Load.Tests.Workloads;

public sealed class ConvergenceTrackerTests
{
    private readonly VirtualTimeProvider time = new();
    private readonly SimInstance instance = new("i-1", 0);
    private readonly SimInterface eth0;
    private readonly SimInterface eth1;

    public ConvergenceTrackerTests()
    {
        eth0 = new SimInterface("eni-0", "0a:00:00:00:00:00", "subnet-1", instance);
        eth1 = new SimInterface("eni-1", "0a:00:00:00:00:01", "subnet-1", instance);
        instance.Interfaces.AddRange([eth0, eth1]);
    }

    [Fact]
    public void A_change_converges_at_the_first_read_begun_after_the_reply_that_shows_it()
    {
        var tracker = new ConvergenceTracker(time);
        var address = new FloatingAddress("10.0.0.9", "subnet-1", null);
        var early = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(10));
        tracker.Register(address, eth0, present: true, time.GetTimestamp(), measured: true);
        var replyAt = time.GetTimestamp();

        // A read sent before the reply does not count, even if it shows the address.
        tracker.Observe(eth0, "10.0.0.1\n10.0.0.9", early);
        // Another interface's read, or one that does not list it (10.0.0.90 is not 10.0.0.9), does not either.
        tracker.Observe(eth1, "10.0.0.9", replyAt);
        tracker.Observe(eth0, "10.0.0.1\n10.0.0.90", replyAt);
        Assert.Equal(0, tracker.Converged);

        time.Advance(TimeSpan.FromMilliseconds(700));
        var start = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(2));
        tracker.Observe(eth0, "10.0.0.1\n10.0.0.9", start);
        Assert.Equal(1, tracker.Converged);
        Assert.InRange(tracker.Observed.Max, 699_000, 701_000);
        Assert.Equal(0.700, Assert.Single(tracker.Samples()), 3);
        Assert.Equal(0, tracker.Unconverged);
    }

    [Fact]
    public void A_change_moved_on_before_anyone_saw_it_is_superseded_and_removal_is_seen_as_absence()
    {
        var tracker = new ConvergenceTracker(time);
        var address = new FloatingAddress("10.0.0.9", "subnet-1", null);
        tracker.Register(address, eth0, present: true, time.GetTimestamp(), measured: true);
        tracker.Register(address, eth1, present: true, time.GetTimestamp(), measured: true);
        tracker.Register(address, eth1, present: false, time.GetTimestamp(), measured: true);
        Assert.Equal(2, tracker.Superseded);
        Assert.Equal(1, tracker.Unconverged);

        time.Advance(TimeSpan.FromSeconds(1));
        tracker.Observe(eth1, "10.0.0.1", time.GetTimestamp());
        Assert.Equal(1, tracker.Converged);
        Assert.Equal(0, tracker.Unconverged);
    }

    [Fact]
    public void Changes_sharing_an_interface_are_overlapped_and_left_out_of_the_clean_samples()
    {
        var tracker = new ConvergenceTracker(time);
        var a = new FloatingAddress("10.0.0.9", "subnet-1", null);
        var b = new FloatingAddress("10.0.0.10", "subnet-1", null);
        var c = new FloatingAddress("10.0.0.11", "subnet-1", null);
        tracker.Register(a, eth0, present: true, time.GetTimestamp(), measured: true);
        tracker.Register(b, eth0, present: true, time.GetTimestamp(), measured: true);
        tracker.Register(c, eth1, present: true, time.GetTimestamp(), measured: false);
        time.Advance(TimeSpan.FromSeconds(1));
        tracker.Observe(eth0, "10.0.0.9\n10.0.0.10", time.GetTimestamp());
        tracker.Observe(eth1, "10.0.0.11", time.GetTimestamp());
        Assert.Equal(2, tracker.Converged);
        Assert.Equal(2, tracker.Overlapped);
        Assert.Empty(tracker.Samples());
        Assert.Equal(2, tracker.Changes);
    }

    [Fact]
    public void A_change_whose_interface_already_shows_what_it_wants_is_ambiguous_not_measured()
    {
        var tracker = new ConvergenceTracker(time);
        var address = new FloatingAddress("10.0.0.9", "subnet-1", eth0);
        tracker.Observe(eth0, "10.0.0.1\n10.0.0.9", time.GetTimestamp());
        tracker.Observe(eth1, "10.0.0.2", time.GetTimestamp());

        // Moved to eth1 and straight back, before any read showed the move: eth0 still lists it.
        tracker.Register(address, eth1, present: true, time.GetTimestamp(), measured: true);
        tracker.Register(address, eth0, present: true, time.GetTimestamp(), measured: true);
        time.Advance(TimeSpan.FromMilliseconds(10));
        tracker.Observe(eth0, "10.0.0.1\n10.0.0.9", time.GetTimestamp());
        Assert.Equal(1, tracker.Ambiguous);
        Assert.Equal(1, tracker.Superseded);
        Assert.Equal(0, tracker.Converged);
        Assert.Empty(tracker.Samples());
    }

    [Fact]
    public void A_read_that_began_earlier_but_finished_later_does_not_stand_for_what_the_interface_shows()
    {
        var tracker = new ConvergenceTracker(time);
        var address = new FloatingAddress("10.0.0.9", "subnet-1", eth0);
        var older = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(5));
        tracker.Observe(eth0, "10.0.0.1", time.GetTimestamp());
        // The slow, older read still listed the address; it arrives last.
        tracker.Observe(eth0, "10.0.0.1\n10.0.0.9", older);

        tracker.Register(address, eth0, present: true, time.GetTimestamp(), measured: true);
        Assert.Equal(0, tracker.Ambiguous);
        time.Advance(TimeSpan.FromMilliseconds(100));
        tracker.Observe(eth0, "10.0.0.1\n10.0.0.9", time.GetTimestamp());
        Assert.Equal(1, tracker.Converged);
    }

    [Fact]
    public void Changes_on_different_interfaces_of_one_instance_overlap_because_delivery_is_in_order()
    {
        var tracker = new ConvergenceTracker(time);
        tracker.Register(new FloatingAddress("10.0.0.9", "subnet-1", null), eth0, present: true, time.GetTimestamp(), measured: true);
        tracker.Register(new FloatingAddress("10.0.0.10", "subnet-1", null), eth1, present: true, time.GetTimestamp(), measured: true);
        time.Advance(TimeSpan.FromSeconds(1));
        tracker.Observe(eth0, "10.0.0.9", time.GetTimestamp());
        tracker.Observe(eth1, "10.0.0.10", time.GetTimestamp());
        Assert.Equal(2, tracker.Overlapped);
        Assert.Empty(tracker.Samples());
    }

    [Theory]
    [InlineData("10.0.0.9", true)]
    [InlineData("10.0.0.1\n10.0.0.9", true)]
    [InlineData("10.0.0.9\r\n10.0.0.1", true)]
    [InlineData("10.0.0.99", false)]
    [InlineData("110.0.0.9", false)]
    [InlineData("", false)]
    public void Lines_match_whole(string text, bool expected) => Assert.Equal(expected, ConvergenceTracker.HasLine(text, "10.0.0.9"));
}
