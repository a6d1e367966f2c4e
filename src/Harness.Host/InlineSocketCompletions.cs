namespace Harness.Host;

/// <summary>
/// Lets socket completions run their continuations on the sockets' own event threads (one per core) instead of being
/// handed to the thread pool first. At concurrency 1 a request then crosses one thread fewer: on this project's 2-core
/// VM, where waking a thread is dear, that made <c>serve</c>'s writes about a third faster (reassignment ping-pong 11,700
/// → 15,600 req/s, assign-by-count 6,000 → 8,100, run alternately) at the same speed at concurrency 8, and a load
/// generator's request loop (send, wait, parse, record, send again) runs on the thread that saw the reply, as in wrk
/// (22 → 16 µs of CPU per request in <c>harness-load calibrate</c>).
/// </summary>
/// <remarks>
/// .NET reads <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> once, when the process first uses an asynchronous
/// socket, so <see cref="Enable"/> must come before that. The price: a continuation that blocks, or computes for long,
/// holds up every socket of its event thread. Kestrel's own receive loop is what runs there (it hands requests to the
/// thread pool), and a load engine's steps are asynchronous. Processes that run code not written for it (<c>harness
/// run</c>, whose scenario steps and client processes are the user's, and tests) keep the stock setting. Child
/// processes inherit the variable unless their start info removes it.
/// </remarks>
public static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Enable() => Environment.SetEnvironmentVariable(Variable, "1");
}
