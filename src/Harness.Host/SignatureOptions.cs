using System.CommandLine;
using Harness.Ec2.Protocol.Signing;

namespace Harness.Host;

/// <summary>
/// <c>serve --verify-signatures --credentials KEY:SECRET[,…] --credentials-file PATH</c>: whether EC2 requests must be
/// signed, and by which keys. The flag without keys, or keys without the flag, is refused in one sentence.
/// </summary>
internal sealed class SignatureOptions
{
    private readonly Option<bool> verify = new("--verify-signatures")
    {
        Description = "Refuse EC2 requests not signed (SigV4, header or presigned) by one of --credentials, with EC2's own errors (AuthFailure, SignatureDoesNotMatch, RequestExpired, IncompleteSignature)",
    };

    private readonly Option<string[]> credentials = new("--credentials")
    {
        Description = "Access keys for --verify-signatures: KEY:SECRET[,KEY:SECRET...]; repeatable",
        AllowMultipleArgumentsPerToken = false,
    };

    // Not "@PATH": System.CommandLine reads that as a response file.
    private readonly Option<string[]> credentialsFile = new("--credentials-file")
    {
        Description = "Access keys for --verify-signatures from a file: one KEY:SECRET per line, # comments; repeatable",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(verify);
        command.Options.Add(credentials);
        command.Options.Add(credentialsFile);
        command.Validators.Add(result =>
        {
            var on = result.GetValue(verify);
            var given = result.GetResult(credentials) is not null || result.GetResult(credentialsFile) is not null;
            if (on != given)
            {
                result.AddError(on
                    ? "--verify-signatures needs --credentials KEY:SECRET or --credentials-file PATH: the access keys to accept"
                    : "--credentials and --credentials-file are used only with --verify-signatures");
            }
            else if (on && !CredentialList.TryParse(result.GetValue(credentials) ?? [], result.GetValue(credentialsFile) ?? [], out _, out var error))
            {
                result.AddError("--credentials: " + error);
            }
        });
    }

    /// <summary>The options with what was parsed (the validator has already refused anything unreadable).</summary>
    public HarnessHostOptions Apply(ParseResult parse, HarnessHostOptions options) =>
        parse.GetValue(verify) && CredentialList.TryParse(parse.GetValue(credentials) ?? [], parse.GetValue(credentialsFile) ?? [], out var keys, out _)
            ? options with { VerifySignatures = true, Credentials = keys }
            : options;

    /// <summary>The banner's line, and the key a client should export.</summary>
    public static string Describe(HarnessHostOptions options) => options.VerifySignatures
        ? $"verified (SigV4) for access keys {string.Join(", ", options.Credentials.Keys)}"
        : "not verified (--verify-signatures --credentials KEY:SECRET to require them)";
}
