using Harness.Load.Engine;

namespace Harness.Load.Tests.Engine;

public sealed class HistogramTests
{
    [Fact]
    public void Values_below_the_linear_range_are_exact()
    {
        var h = new Histogram();
        foreach (var v in new long[] { 0, 1, 7, 100, 255 })
        {
            h.Record(v);
        }

        Assert.Equal(0, h.ValueAt(0.2));
        Assert.Equal(7, h.ValueAt(0.6));
        Assert.Equal(255, h.ValueAt(1));
        Assert.Equal(0, h.Min);
        Assert.Equal(255, h.Max);
        Assert.Equal(72.6, h.Mean, 6);
    }

    [Fact]
    public void Quantiles_are_within_the_precision_of_the_exact_ones()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 100_000).Select(_ => (long)Math.Exp(random.NextDouble() * 20)).ToArray();
        var h = new Histogram();
        foreach (var v in values)
        {
            h.Record(v);
        }

        Array.Sort(values);
        foreach (var q in new[] { 0.5, 0.75, 0.95, 0.99, 0.999 })
        {
            var exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            Assert.InRange(h.ValueAt(q), exact * (1 - (1 / 128.0)), (exact * (1 + (1 / 128.0))) + 1);
        }

        Assert.Equal(values.Length, h.Count);
        Assert.Equal(values[0], h.Min);
        Assert.Equal(values[^1], h.Max);
    }

    [Fact]
    public void Memory_is_fixed_whatever_is_recorded()
    {
        var h = new Histogram();
        var buckets = h.BucketCount;
        h.Record(Histogram.MaxValue * 4);
        h.Record(-5);
        Assert.Equal(buckets, h.BucketCount);
        Assert.Equal(Histogram.MaxValue, h.Max);
        Assert.Equal(0, h.Min);
        Assert.True(buckets < 5000, $"{buckets} buckets");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(5)]
    public void Buckets_tile_the_range_without_gaps(int bits)
    {
        long expected = 0;
        for (var i = 0; i <= Histogram.IndexOf(Histogram.MaxValue, bits); i++)
        {
            var (lower, width) = Histogram.BucketOf(i, bits);
            Assert.Equal(expected, lower);
            Assert.Equal(i, Histogram.IndexOf(lower, bits));
            Assert.Equal(i, Histogram.IndexOf(lower + width - 1, bits));
            expected = lower + width;
        }

        Assert.Equal(Histogram.MaxValue + 1, expected);
    }

    [Fact]
    public void Adding_merges_counts_and_extremes()
    {
        var a = new Histogram();
        var b = new Histogram();
        a.Record(10);
        b.Record(5000);
        b.Record(3);
        a.Add(b);
        Assert.Equal(3, a.Count);
        Assert.Equal(3, a.Min);
        Assert.Equal(5000, a.Max);
        Assert.Throws<ArgumentException>(() => a.Add(new Histogram(5)));
    }

    [Fact]
    public void Concurrent_recording_loses_nothing()
    {
        var h = new Histogram();
        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                h.Record(i);
            }
        });
        Assert.Equal(400_000, h.Count);
        Assert.Equal(400_000, h.Buckets().Sum(b => b.Count));
        Assert.Equal(49_999, h.Max);
    }
}
