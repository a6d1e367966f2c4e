namespace Harness.Load.Http;

/// <summary>
/// Lets socket completions run their continuations on the sockets' own event threads (one per core) instead of being
/// handed to the thread pool: a load generator's whole request loop (send, wait, parse, record, send again) then
/// runs on the thread that saw the reply, as in wrk: on loopback about a quarter less CPU per request (22 → 16 µs
/// in harness-load calibrate on two cores).
/// </summary>
/// <remarks>
/// .NET reads <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> once, when the process first uses an asynchronous
/// socket, so <see cref="Enable"/> must come before that (first thing in <c>Main</c>). The price: a continuation that
/// blocks, or computes for long, holds up every socket of its event thread; steps must stay asynchronous. Child
/// processes inherit the variable unless their start info removes it.
/// </remarks>
public static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Enable() => Environment.SetEnvironmentVariable(Variable, "1");
}
