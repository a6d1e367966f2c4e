namespace Harness.Load.Ec2Bench;

/// <summary>Keeps the first failure offered to it, from any number of copies at once; the rest are only counted (by the step).</summary>
internal sealed class FirstError
{
    private ErrorSample? sample;

    public ErrorSample? Sample => Volatile.Read(ref sample);

    public void Offer(string request, int status, string response)
    {
        if (Volatile.Read(ref sample) is null)
        {
            Interlocked.CompareExchange(ref sample, new ErrorSample(request, status, response.Length <= 1500 ? response : response[..1500] + "..."), null);
        }
    }
}
