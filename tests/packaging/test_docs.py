"""Every command the docs show is run by a test.

README.md and docs/*.md show shell commands in fenced blocks (```sh, ```bash, ```console). This test reads every one
and holds each command to one of two things:

- It is run here. A block whose commands are quick and safe (the AWS CLI and curl against a harness, `scripts/harness`
  and `--help`) is run as it is, in one shell, against a harness this test starts on free loopback ports
  (`scripts/harness serve --ec2-port P --imds-port Q`, with the block's own `serve` options when it has a serve line;
  the documented 4580, 4581 and 4582 become P, Q and the Alibaba port). What a page shows a command printing must be what it printed: in sh
  and bash blocks, the comment lines right after it that start with `#` and two spaces (`…` stands for anything;
  whitespace is not compared), and a trailing `# vpc-…` id on a `NAME=$(…)` line is the value NAME got; in console
  blocks, the lines after a `$ ` line. A command with no output shown must exit 0 (curl runs with --fail-with-body).
- It matches a row of COVERED, which names the test that runs it. Some rows are also checked here in a cheaper way:
  a synopsis's options against the command's --help, a long load run's arguments against an unreachable target (they
  are parsed, then it exits 1), a benchmark script's --help.

A command that is neither fails the test with its page and line. Links between the pages, anchors included, must
resolve. The harness is started through scripts/harness, which builds it first when its build is missing or stale:
setUpClass does that once, outside the blocks' time limits.
"""
import concurrent.futures
import dataclasses
import glob
import os
import re
import shlex
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

from support import free_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HARNESS = os.path.join(ROOT, "scripts", "harness")
LOAD = os.path.join(ROOT, "scripts", "harness-load")
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
THIS_TEST = "tests/packaging/test_docs.py"


@dataclasses.dataclass(frozen=True)
class Covered:
    """Commands matching `pattern` are run by `test`; `check` is what this test does with them itself, if anything."""
    pattern: str
    test: str
    check: str | None = None


# The commands this test does not run as they are written, and the test that runs them. Patterns match the command
# with its trailing comment taken off, from its first word.
COVERED = [
    # Synopses: their options must be in the command's --help.
    Covered(r"scripts/harness serve .*\[", "tests/packaging/test_launcher.py", "synopsis"),
    Covered(r"scripts/harness run \S+ .*\[", "tests/Harness.Scenarios.Tests/ShippedScenarioTests.cs", "synopsis"),
    # The test command: CI runs it.
    Covered(r"bash scripts/test-all\.sh$", ".ci/run"),
    # Load runs of a minute: their arguments are parsed here (against an unreachable target); the workloads run, short,
    # in the load tool's tests.
    Covered(r"scripts/harness-load (churn|pollers|describe-storm|mixed) ", "tests/Harness.Load.Tests/LoadCommandTests.cs",
            "arguments"),
    # Benchmarks take minutes and run by hand; this test runs each script with --help.
    Covered(r"bash load/bench/[\w.-]+\.sh( --help)?$", THIS_TEST, "bench-help"),
    # Packaging: the .NET tool, the container image, compose.
    Covered(r"dotnet (pack|tool install) ", "tests/packaging/test_tool.py"),
    Covered(r"(~/\.harness/)?harness (serve|run|health|load)\b", "tests/packaging/test_tool.py"),
    Covered(r"bash scripts/build-image\.sh$", "tests/packaging/test_image.py"),
    Covered(r"docker (build|run) ", "tests/packaging/test_image.py"),
    Covered(r"docker compose ", "tests/packaging/test_compose.py"),
    # A cluster: processes on a redis-server of their own, started and killed by the cluster tests.
    Covered(r"redis-server --port ", "tests/Harness.Ec2.Tests/Cluster/ClusterServeTests.cs"),
    Covered(r"scripts/harness serve --cluster ", "tests/Harness.Ec2.Tests/Cluster/ClusterServeTests.cs"),
    Covered(r"curl -s http://127\.0\.0\.1:4680/_harness/cluster$", "tests/Harness.Ec2.Tests/Cluster/ClusterServeTests.cs"),
    # Test projects, as the test command runs them.
    Covered(r"dotnet test (tests|examples)/", "scripts/test-all.sh"),
]

# First words a block may run here (scripts/harness and scripts/harness-load only as `runnable` allows).
SAFE_WORDS = {"export", "aws", "curl", "grep", "sleep", "echo", "true", "scripts/harness", "scripts/harness-load"}
SHELL_KEYWORDS = {"until", "while", "do", "done", "if", "then", "else", "fi", "!", "{", "}"}
SEPARATORS = {";", "|", "||", "&&", "&", "(", ")", ";;"}
AWS_ID = re.compile(r"[a-z]+(-[a-z]+)*-[0-9a-f]{8,17}")


@dataclasses.dataclass
class Command:
    page: str            # relative to ROOT
    line: int            # 1-based, the command's first line
    source: str          # as written, continuation lines included
    flat: str            # one line, trailing comment removed
    console: bool        # from a console block: runs in the foreground, output is the lines after it
    expected: list = dataclasses.field(default_factory=list)
    trailing_comment: str = ""

    @property
    def where(self):
        return f"{self.page}:{self.line}: `{self.flat[:100]}`"

    @property
    def synopsis(self):
        return re.search(r"\[-", self.flat) is not None


@dataclasses.dataclass
class Block:
    page: str
    line: int
    language: str
    commands: list


def pages():
    return ["README.md"] + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))


def read(page):
    with open(os.path.join(ROOT, page), encoding="utf-8") as f:
        return f.read().split("\n")


def strip_comment(text):
    """The command without its trailing comment, and the comment (a `#` that starts a word, outside quotes)."""
    quote = None
    for i, c in enumerate(text):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1].isspace()):
            return text[:i].rstrip(), text[i + 1:].strip()
    return text.rstrip(), ""


def blocks(page):
    lines = read(page)
    found, i = [], 0
    while i < len(lines):
        opening = re.match(r"^\s*```(\S*)\s*$", lines[i])
        if not opening:
            i += 1
            continue
        language, start, body = opening.group(1).lower(), i + 1, []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append((i + 1, lines[i]))
            i += 1
        i += 1
        if language in SHELL_LANGUAGES:
            found.append(Block(page, start, language, parse(page, body, language == "console")))
    return found


def parse(page, body, console):
    commands, j = [], 0
    while j < len(body):
        number, text = body[j]
        stripped = text.strip()
        j += 1
        last = commands[-1] if commands else None
        if console:
            if stripped.startswith("$ "):
                flat, comment = strip_comment(stripped[2:])
                commands.append(Command(page, number, stripped[2:], flat, True, trailing_comment=comment))
            elif last:
                last.expected.append(text.rstrip())
            continue
        if not stripped:
            continue
        if stripped.startswith("#"):
            if re.match(r"#\s\s", stripped) and last:   # output: `#` and two spaces
                last.expected.append(stripped[1:])
            continue
        if last and last.synopsis and text[:1].isspace() and stripped.startswith("["):
            last.source += "\n" + text
            last.flat += " " + stripped
            continue
        source = [text]
        while source[-1].rstrip().endswith("\\") and j < len(body):
            source.append(body[j][1])
            j += 1
        joined = " ".join(s.strip().rstrip("\\").strip() for s in source)
        flat, comment = strip_comment(joined)
        commands.append(Command(page, number, "\n".join(source), flat, False, trailing_comment=comment))
    return commands


def command_words(flat):
    """The first word of every simple command in a line ($(...) and pipelines included), and the words of the first."""
    lexer = shlex.shlex(flat, posix=True, punctuation_chars=True)
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:
        return None
    firsts, expecting = [], True
    for token in tokens:
        if token in SEPARATORS:
            expecting = True
        elif expecting and (token in SHELL_KEYWORDS or token == "$" or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", token)):
            continue
        elif expecting:
            firsts.append(token)
            expecting = False
    return firsts, tokens


def covered_by(command):
    for row in COVERED:
        if re.match(row.pattern, command.flat):
            return row
    return None


def runs_here(command):
    """Whether this test runs the command itself: it is not mapped to another test, and it is runnable."""
    return covered_by(command) is None and runnable(command)


def runnable(command):
    """Whether this test may run the command: only SAFE_WORDS, scripts/harness only to serve, run, check health or
    print help, scripts/harness-load only to print help; never a synopsis."""
    if command.synopsis:
        return False
    words = command_words(command.flat)
    if words is None or not words[0]:
        return False
    firsts, tokens = words
    if any(word not in SAFE_WORDS for word in firsts):
        return False
    if "scripts/harness-load" in firsts and not {"--help", "-h", "help"} & set(tokens):
        return False
    if "scripts/harness" in firsts:
        after = tokens[tokens.index("scripts/harness") + 1:]
        if not after or after[0] not in {"serve", "run", "health", "--help", "-h", "--version"}:
            return False
    return True


def is_serve(command):
    return not command.console and command.flat.startswith("scripts/harness serve") and "--help" not in command.flat


def needs_harness(block):
    return any(re.search(r"(^|\s|\()(aws|curl)\s", c.flat) or re.search(r":458[012]\b", c.source)
               for c in block.commands if runs_here(c))


def substitute(text, ec2, imds, ecs):
    return re.sub(r":4582\b", f":{ecs}", re.sub(r":4581\b", f":{imds}", re.sub(r":4580\b", f":{ec2}", text)))


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_"))}
    env.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PAGER="")
    return env


def workdir():
    """A folder of the run's own, where the repository's scripts, scenarios and load folders are at hand, so relative
    paths in the docs work and anything a command writes (reports/) lands outside the repository."""
    path = tempfile.mkdtemp(prefix="docs-test-")
    for name in ("scripts", "scenarios", "load"):
        os.symlink(os.path.join(ROOT, name), os.path.join(path, name))
    return path


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start_harness(args, cwd, env, ec2, imds, ecs):
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen([HARNESS, "serve", *args, "--ec2-port", str(ec2), "--imds-port", str(imds), "--ecs-port", str(ecs)], cwd=cwd,
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{ec2}/_harness/health", timeout=5) as reply:
                if reply.status == 200:
                    return process, log
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            log.seek(0)
            raise AssertionError(f"serve {' '.join(args)} did not answer its health check:\n{log.read()[-2000:]}")
        time.sleep(0.1)


def normalized(text):
    return re.sub(r"\s+", "", text)


def shows(expected, output):
    """Whether the output contains what a page shows: whitespace ignored, … for anything."""
    pieces = [re.escape(p) for p in normalized(" ".join(expected)).split("…")]
    return re.search(".*?".join(pieces), normalized(output), re.DOTALL) is not None


def shows_lines(expected, output):
    """A console block's output lines, in a row."""
    want = [line.rstrip() for line in expected if line.strip()]
    got = [line.rstrip() for line in output.split("\n")]
    return any(got[k:k + len(want)] == want for k in range(len(got) - len(want) + 1))


def run_block(block):
    """Runs a block's runnable commands in one bash, against a harness of its own when it needs one. Returns the
    problems found, each naming the page and line."""
    commands = [c for c in block.commands if runs_here(c)]
    serves = [c for c in commands if is_serve(c)]
    if len(serves) > 1:
        return [f"{serves[1].where}: one serve per block, please: this test starts it for the commands after it"]
    ec2, imds, ecs = free_port(), free_port(), free_port()
    cwd, env = workdir(), clean_env()
    harness = None
    try:
        if serves or needs_harness(block):
            args = shlex.split(serves[0].flat)[2:] if serves else []
            harness = start_harness(args, cwd, env, ec2, imds, ecs)
        script = ["exec 2>&1", "curl() { command curl --fail-with-body \"$@\"; }"]
        steps = [c for c in commands if c not in serves]
        for index, command in enumerate(steps):
            script.append(substitute(command.source, ec2, imds, ecs))
            script.append(f"__rc=$?; printf '\\n@@docs-test {index} %s\\n' \"$__rc\"")
            assignment = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=", command.flat)
            if assignment:
                script.append(f"printf '@@docs-var %s\\n' \"${{{assignment.group(1)}-}}\"")
        process = subprocess.Popen(["bash", "-c", "\n".join(script)], cwd=cwd, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            stop(process)
            return [f"{block.page}:{block.line}: the block did not finish within 120 s"]
        return judge(steps, output, ec2, imds, ecs)
    except AssertionError as error:
        return [f"{block.page}:{block.line}: {error}"]
    finally:
        if harness:
            stop(harness[0])
            harness[1].close()
        subprocess.run(["rm", "-rf", cwd])


def judge(steps, output, ec2, imds, ecs):
    problems, start = [], 0
    for index, command in enumerate(steps):
        marker = re.compile(rf"\n@@docs-test {index} (\d+)\n")
        found = marker.search(output, start)
        if not found:
            problems.append(f"{command.where}: the block stopped before this command finished:\n{output[start:][-1500:]}")
            break
        printed, code = output[start:found.start()], int(found.group(1))
        start = found.end()
        value = None
        if output.startswith("@@docs-var ", start):
            end = output.index("\n", start)
            value = output[start + len("@@docs-var "):end]
            start = end + 1
        expected = [substitute(e, ec2, imds, ecs) for e in command.expected]
        if expected:
            matches = shows_lines(expected, printed) if command.console else shows(expected, printed)
            if not matches:
                problems.append(f"{command.where}: the page shows\n    " + "\n    ".join(e.strip() for e in expected)
                                + f"\n  but it printed (exit {code})\n    " + printed.strip()[-1500:].replace("\n", "\n    "))
        elif code != 0:
            problems.append(f"{command.where}: exited {code}, and the page shows no output for it:\n    "
                            + printed.strip()[-1500:].replace("\n", "\n    "))
        shown = command.trailing_comment.split()[0] if command.trailing_comment else ""
        if value is not None and AWS_ID.fullmatch(shown) and value != shown:
            problems.append(f"{command.where}: the page says it gives {shown}, it gave {value!r}")
    return problems


def every_block():
    return [block for page in pages() for block in blocks(page)]


def headings(page):
    """GitHub's anchors for a page's headings (outside code blocks)."""
    anchors, counts, fenced = set(), {}, False
    for line in read(page):
        if re.match(r"^\s*```", line):
            fenced = not fenced
            continue
        heading = None if fenced else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
            n = counts.get(slug, 0)
            counts[slug] = n + 1
            anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


class DocsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Build what the launchers start, if needed, before anything is timed.
        for launcher in (HARNESS, LOAD):
            built = subprocess.run([launcher, "--help"], capture_output=True, text=True, timeout=900)
            if built.returncode != 0:
                raise AssertionError(f"{launcher} --help failed:\n{built.stdout}\n{built.stderr}")
        cls.blocks = every_block()
        cls.commands = [c for b in cls.blocks for c in b.commands]

    def test_the_front_page_keeps_the_two_commands(self):
        text = "\n".join(read("README.md"))
        section = text.split("## The two commands\n", 1)
        self.assertEqual(len(section), 2, "README.md has no '## The two commands' heading")
        block = section[1].split("```", 2)[1]
        self.assertRegex(block, r"(?m)^scripts/harness serve ")
        self.assertRegex(block, r"(?m)^bash scripts/test-all\.sh$")

    def test_the_cli_walk_through_script_takes_every_step_the_front_page_shows(self):
        # The front page says tests/conformance/cli/walkthrough.sh runs these steps (and asserts more of each).
        with open(os.path.join(ROOT, "tests", "conformance", "cli", "walkthrough.sh"), encoding="utf-8") as f:
            script = f.read()
        walk = next(b for b in self.blocks if b.page == "README.md" and any("aws ec2" in c.flat for c in b.commands))
        steps = sorted({m for c in walk.commands for m in re.findall(r"aws ec2 ([a-z-]+)", c.flat)})
        self.assertGreater(len(steps), 8)
        for step in steps:
            self.assertRegex(script, rf"(?m)^[^#\n]*\s{re.escape(step)}(\s|$)",
                             f"README.md's walk-through runs `aws ec2 {step}`; walkthrough.sh does not")

    def test_every_command_is_run_here_or_by_a_named_test(self):
        self.assertGreater(len(self.commands), 20, "too few commands found: is the parser broken?")
        uncovered = [c.where for c in self.commands if not covered_by(c) and not runnable(c)]
        self.assertEqual(uncovered, [], "\nThese commands are neither run by this test nor mapped to the test that runs "
                         "them: make the block runnable here, or add a row to COVERED in " + THIS_TEST + ":\n"
                         + "\n".join(uncovered))

    def test_runnable_blocks_print_what_the_pages_show(self):
        runnable_blocks = [b for b in self.blocks if any(runs_here(c) for c in b.commands)]
        self.assertGreater(len(runnable_blocks), 5)
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            problems = [p for found in pool.map(run_block, runnable_blocks) for p in found]
        self.assertEqual(problems, [], "\n\n" + "\n\n".join(problems))

    def test_synopses_name_only_options_the_command_has(self):
        for command in (c for c in self.commands if covered_by(c) and covered_by(c).check == "synopsis"):
            with self.subTest(command.where):
                words = command.flat.split()
                program = HARNESS if words[0] == "scripts/harness" else LOAD
                shown = subprocess.run([program, words[1], "--help"], capture_output=True, text=True, timeout=60)
                self.assertEqual(shown.returncode, 0, shown.stderr)
                for option in sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", command.flat))):
                    self.assertTrue(re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", shown.stdout),
                                    f"{command.where}: {option} is not an option of `{words[0]} {words[1]}`")

    def test_long_load_runs_take_their_arguments(self):
        # Parsed first, then refused by a target that cannot answer: exit 1 with that reason, not 2 for an argument.
        for command in (c for c in self.commands if covered_by(c) and covered_by(c).check == "arguments"):
            with self.subTest(command.where):
                cwd = workdir()
                try:
                    args = shlex.split(command.flat)[1:] + ["--target", "http://127.0.0.1:1"]
                    alibaba = "alibaba" in args
                    if alibaba:
                        args += ["--ecs-target", "http://127.0.0.1:1"]
                    ran = subprocess.run([LOAD, *args], cwd=cwd, env=clean_env(), capture_output=True, text=True,
                                         timeout=60)
                finally:
                    subprocess.run(["rm", "-rf", cwd])
                self.assertEqual(ran.returncode, 1, f"{command.where}: {ran.stderr}")
                endpoint = "(control API http://127.0.0.1:1/) as an Alibaba ECS endpoint" if alibaba else "as an EC2 endpoint"
                self.assertIn(f"cannot use http://127.0.0.1:1/ {endpoint}", ran.stderr, command.where)

    def test_every_benchmark_script_answers_help(self):
        documented = {shlex.split(c.flat)[1] for c in self.commands if covered_by(c) and covered_by(c).check == "bench-help"}
        scripts = {os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "load", "bench", "*.sh"))} - {"load/bench/lib.sh"}
        self.assertTrue(documented, "no benchmark command found in the docs")
        self.assertLessEqual(documented, scripts, "the docs run benchmark scripts that do not exist")
        for script in sorted(scripts):
            with self.subTest(script):
                process = subprocess.Popen(["bash", os.path.join(ROOT, script), "--help"], stdout=subprocess.PIPE,
                                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
                try:
                    output, _ = process.communicate(timeout=10)
                except subprocess.TimeoutExpired:
                    stop(process)
                    self.fail(f"{script} --help did not return within 10 s: it started the benchmark?")
                self.assertEqual(process.returncode, 0, output)
                self.assertGreater(len(output.strip().split("\n")), 2, f"{script} --help says too little: {output}")

    def test_the_tests_named_for_commands_exist(self):
        missing = sorted({f"{covered_by(c).test} (for {c.where})" for c in self.commands
                          if covered_by(c) and not os.path.exists(os.path.join(ROOT, covered_by(c).test))})
        self.assertEqual(missing, [], "\nCOVERED names tests that are not in the repository:\n" + "\n".join(missing))

    def test_links_between_the_pages_resolve(self):
        broken = []
        for page in pages() + ["scenarios/README.md"]:
            fenced = False
            for number, line in enumerate(read(page), 1):
                if re.match(r"^\s*```", line):
                    fenced = not fenced
                if fenced:
                    continue
                for target in re.findall(r"\]\(([^)\s]+)\)", line):
                    if re.match(r"^[a-z]+:", target):
                        continue
                    path, _, anchor = target.partition("#")
                    linked = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
                    if not os.path.exists(os.path.join(ROOT, linked)):
                        broken.append(f"{page}:{number}: {target}: no such file")
                    elif anchor and linked.endswith(".md") and anchor not in headings(linked):
                        broken.append(f"{page}:{number}: {target}: {linked} has no heading for #{anchor}")
        self.assertEqual(broken, [], "\n" + "\n".join(broken))


if __name__ == "__main__":
    unittest.main()
