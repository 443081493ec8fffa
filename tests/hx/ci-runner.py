#!/usr/bin/env python3
"""ci-runner.py gitlab|github FILE OUT [--before-push CMD]

Run the CI file FILE in the current directory the way its runner would,
for the tests of hx init: GitLab's pipeline (workflow and job rules, the
variables expanded, before_script and script in one bash with -eo
pipefail, artifacts and JUnit reports by `when`), or GitHub Actions' job
(the `on` triggers, `if` conditions, each `run` step in its own bash --
with -eo pipefail for `shell: bash`, -e otherwise -- with GITHUB_ENV,
GITHUB_PATH and GITHUB_STEP_SUMMARY; `uses` steps are recorded, and
upload-artifact collects its paths).  The CI variables come from the
environment.  Copies the artifacts to OUT/artifacts, the JUnit reports to
OUT/junit, writes a JSON summary to OUT/summary.json (the job's status,
the artifact and report files, the cached paths, or "pipeline": false when
no pipeline would run) and exits with the job's status.  With --before-push, CMD runs once just before the first
script entry that pushes (another pipeline racing this one).
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

GITLAB_RESERVED = {"variables", "stages", "workflow", "default", "include",
                   "image", "services", "cache", "before_script",
                   "after_script"}


def gitlab_expand(value, env):
    """$VAR and ${VAR} expanded from ENV, as the runner does."""
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
                  lambda m: env.get(m.group(1), ""), str(value))


def gitlab_term(term, env):
    """One term of a rules:if expression: $A, $A == "x", $A != $B."""
    m = re.fullmatch(r"\s*(\$\w+)\s*(==|!=)\s*(\"[^\"]*\"|\$\w+)\s*", term)
    if m is None:
        m = re.fullmatch(r"\s*\$(\w+)\s*", term)
        if m is None:
            sys.exit("ci-runner: unsupported rules:if term: " + term)
        return env.get(m.group(1), "") != ""
    left = env.get(m.group(1)[1:], "")
    right = m.group(3)
    right = right[1:-1] if right.startswith('"') else env.get(right[1:], "")
    return (left == right) == (m.group(2) == "==")


def gitlab_rules(rules, env):
    """True when RULES let the pipeline or job run (no rules: it runs)."""
    if rules is None:
        return True
    for rule in rules:
        if "if" not in rule or all(gitlab_term(t, env)
                                   for t in rule["if"].split("&&")):
            return rule.get("when", "on_success") != "never"
    return False


def collect(patterns, out, sub):
    """Copy the files PATTERNS match to OUT/SUB, and the directories
    they match with what is in them; return their names."""
    found = []
    os.makedirs(os.path.join(out, sub), exist_ok=True)
    for pattern in patterns:
        for path in sorted(glob.glob(pattern.rstrip("/"))):
            if os.path.isfile(path):
                shutil.copy(path, os.path.join(out, sub))
                found.append(path)
            elif os.path.isdir(path):
                shutil.copytree(path, os.path.join(
                    out, sub, os.path.basename(path)), dirs_exist_ok=True)
                found.append(path)
    return found


def script_lines(entries, before_push):
    """The job's script as bash lines, with BEFORE_PUSH before a push."""
    lines = []
    for entry in entries:
        if not isinstance(entry, str):
            sys.exit("ci-runner: a script entry is not a string: %r" % entry)
        if before_push and "git push" in entry:
            lines.append("(%s)" % before_push)
            before_push = None
        lines.append(entry)
    return lines


def run_bash(lines, flags, env):
    """Run LINES in one bash with FLAGS; its exit status."""
    return subprocess.run(["bash", "--noprofile", "--norc"] + flags +
                          ["-c", "\n".join(lines)], env=env).returncode


def gitlab(doc, out, before_push):
    env = dict(os.environ)
    for key, value in (doc.get("variables") or {}).items():
        env.setdefault(key, gitlab_expand(value, env))
    if not gitlab_rules((doc.get("workflow") or {}).get("rules"), env):
        return {"pipeline": False}
    jobs = [k for k in doc if k not in GITLAB_RESERVED
            and not k.startswith(".")]
    if len(jobs) != 1:
        sys.exit("ci-runner: want one job, found %d" % len(jobs))
    job = doc[jobs[0]]
    if not gitlab_rules(job.get("rules"), env):
        return {"pipeline": False}
    for key, value in (job.get("variables") or {}).items():
        env[key] = gitlab_expand(value, env)
    lines = script_lines(job.get("before_script", []) + job["script"],
                         before_push)
    status = run_bash(lines, ["-eo", "pipefail"], env)
    if job.get("after_script"):
        run_bash(job["after_script"], ["-eo", "pipefail"], env)
    art = job.get("artifacts") or {}
    when = art.get("when", "on_success")
    result = {"pipeline": True, "job": jobs[0], "status": status,
              "cache": (job.get("cache") or {}).get("paths", []),
              "artifacts": [], "junit": []}
    if when == "always" or (when == "on_success") == (status == 0):
        result["artifacts"] = collect(art.get("paths", []), out, "artifacts")
        junit = (art.get("reports") or {}).get("junit", [])
        if isinstance(junit, str):
            junit = [junit]
        result["junit"] = collect(junit, out, "junit")
        result["junit_declared"] = junit
    return result


def github_if(expr, failed, env):
    """A step's if: as GitHub would judge it, for the forms used here."""
    if expr is None:
        return not failed
    expr = expr.strip()
    if expr.startswith("${{"):
        expr = expr[3:-2].strip()
    status = None
    terms = []
    for term in expr.split("&&"):
        term = term.strip()
        if term in ("always()", "failure()", "success()"):
            status = term
            continue
        m = re.fullmatch(r"github\.event_name\s*(==|!=)\s*'([^']*)'", term)
        if m is None:
            sys.exit("ci-runner: unsupported if: " + expr)
        same = env.get("GITHUB_EVENT_NAME") == m.group(2)
        terms.append(same == (m.group(1) == "=="))
    ok = {"always()": True, "failure()": failed,
          "success()": not failed, None: not failed}[status]
    return ok and all(terms)


def github_triggers(doc, env):
    """True when the workflow's `on' takes this event and branch."""
    on = doc.get("on", doc.get(True))
    event = env.get("GITHUB_EVENT_NAME", "")
    if isinstance(on, str):
        on = {on: None}
    if isinstance(on, list):
        on = dict.fromkeys(on)
    if event not in on:
        return False
    spec = on[event]
    branches = spec.get("branches") if isinstance(spec, dict) else None
    return branches is None or env.get("GITHUB_REF_NAME") in branches


def github(doc, out, before_push):
    env = dict(os.environ)
    if not github_triggers(doc, env):
        return {"pipeline": False}
    env.update({k: str(v) for k, v in (doc.get("env") or {}).items()})
    jobs = doc["jobs"]
    if len(jobs) != 1:
        sys.exit("ci-runner: want one job, found %d" % len(jobs))
    name, job = next(iter(jobs.items()))
    env.update({k: str(v) for k, v in (job.get("env") or {}).items()})
    result = {"pipeline": True, "job": name, "artifacts": [], "junit": [],
              "cache": [], "uses": [], "steps": []}
    failed = False
    for n, step in enumerate(job["steps"]):
        if not github_if(step.get("if"), failed, env):
            result["steps"].append("skipped")
            continue
        if "uses" in step:
            action = step["uses"].split("@")[0]
            result["uses"].append(action)
            paths = str((step.get("with") or {}).get("path", "")).split()
            if action == "actions/cache":
                result["cache"] += paths
            elif action == "actions/upload-artifact":
                result["artifacts"] += collect(paths, out, "artifacts")
            result["steps"].append("used")
            continue
        if "${{" in step["run"]:
            sys.exit("ci-runner: step %d: ${{ }} in run" % n)
        files = {}
        for var in ("GITHUB_ENV", "GITHUB_PATH"):
            files[var] = os.path.join(out, "%s.%d" % (var.lower(), n))
            open(files[var], "w").close()
        step_env = dict(env, **files)
        step_env.update({k: str(v) for k, v in
                         (step.get("env") or {}).items()})
        flags = ["-eo", "pipefail"] if step.get("shell") == "bash" else ["-e"]
        lines = script_lines([step["run"]], before_push)
        if len(lines) > 1:
            before_push = None
        status = run_bash(lines, flags, step_env)
        result["steps"].append(status)
        if status != 0 and not step.get("continue-on-error"):
            failed = True
        with open(files["GITHUB_PATH"]) as f:
            for d in f.read().split("\n"):
                if d:
                    env["PATH"] = d + os.pathsep + env["PATH"]
        with open(files["GITHUB_ENV"]) as f:
            for line in f.read().split("\n"):
                if "=" in line:
                    k, v = line.split("=", 1)
                    env[k] = v
    result["status"] = 1 if failed else 0
    result["junit"] = [a for a in result["artifacts"] if "junit" in a]
    return result


def main():
    args = sys.argv[1:]
    before_push = None
    if "--before-push" in args:
        i = args.index("--before-push")
        before_push = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3 or args[0] not in ("gitlab", "github"):
        sys.exit(__doc__.split("\n")[0])
    with open(args[1]) as f:
        doc = yaml.safe_load(f)
    os.makedirs(args[2], exist_ok=True)
    run = gitlab if args[0] == "gitlab" else github
    result = run(doc, args[2], before_push)
    with open(os.path.join(args[2], "summary.json"), "w") as f:
        json.dump(result, f)
    sys.exit(result.get("status", 0))


main()
