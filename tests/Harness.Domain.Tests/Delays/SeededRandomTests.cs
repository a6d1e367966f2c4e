using Harness.Domain.Delays;

namespace Harness.Domain.Tests.Delays;

public sealed class SeededRandomTests
{
    [Fact]
    public void NextUInt64_SeedZero_MatchesSplitMix64Reference()
    {
        var random = new SeededRandom(0);

        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, random.NextUInt64());
    }

    [Fact]
    public void NextUInt64_SameSeed_SameSequence()
    {
        var first = new SeededRandom(987654321);
        var second = new SeededRandom(987654321);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(first.NextUInt64(), second.NextUInt64());
        }
    }

    [Fact]
    public void For_PinnedInputs_PinnedFirstValue()
    {
        // Pinned so that any change to the seed derivation, which would silently re-roll every recorded run, fails here.
        Assert.Equal(9966426970793539536UL, SeededRandom.For(42, "subnet-0a1b2c3d/propagation", 7).NextUInt64());
    }

    [Fact]
    public void For_SameInputs_SameSequence()
    {
        var first = SeededRandom.For(1, "eni-1", 3);
        var second = SeededRandom.For(1, "eni-1", 3);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(first.NextUInt64(), second.NextUInt64());
        }
    }

    [Theory]
    [InlineData(2, "eni-1", 3L)]
    [InlineData(1, "eni-2", 3L)]
    [InlineData(1, "eni-1", 4L)]
    [InlineData(1, "", 3L)]
    [InlineData(-1, "eni-1", 3L)]
    public void For_AnyInputChanged_DifferentSequence(int seed, string key, long index)
    {
        Assert.NotEqual(SeededRandom.For(1, "eni-1", 3).NextUInt64(), SeededRandom.For(seed, key, index).NextUInt64());
    }

    [Fact]
    public void NextDouble_ManyDraws_StrictlyInsideUnitIntervalWithMeanHalf()
    {
        var random = new SeededRandom(7);
        var sum = 0.0;
        const int Draws = 100_000;

        for (var i = 0; i < Draws; i++)
        {
            var u = random.NextDouble();
            Assert.True(u is > 0 and < 1, $"draw {i} was {u}");
            sum += u;
        }

        Assert.InRange(sum / Draws, 0.497, 0.503);
    }
}
