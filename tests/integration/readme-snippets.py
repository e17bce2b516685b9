#!/usr/bin/env python3
# readme-snippets.py: the deployment snippets of README.md, for
# tests/integration/readme-snippets.test, which runs each of them for real.
#
# A snippet is a code block (indented or fenced) that README.md announces
# with an HTML comment on the line(s) before it, which GitHub does not show:
#
#   <!-- snippet: KIND NAME -->
#
# KIND says which runner of the test takes it (KINDS below); blocks with the
# same KIND and NAME are parts of one config, joined in README order. The
# block itself stays exactly what an admin copies. A marker before a
# paragraph instead of a code block takes the paragraph's inline code spans
# that are commands (`a2enmod ...`), one per line (kind sh only).
#
# Commands:
#   check README          every block that looks like a deployment snippet
#                         (CONFIGISH) is marked, every marker is well formed
#                         and announces a block; the problems, exit 1
#   extract README DIR K=V...
#                         writes each group, its paths substituted (SUBST),
#                         to DIR/NAME.PART and lists the groups in
#                         DIR/index ("KIND NAME LINE PARTS...", README order)
#   subst K=V... FILE...  applies the same substitutions to installed files,
#                         in place (plus PREFIX, the configured prefix)
#
# The substitutions map the machine an admin has onto the test's: the
# default prefix /usr/local onto a DESTDIR install, /etc and /var onto that
# DESTDIR, /run onto a short socket directory, the ports onto ephemeral
# ones, the example server onto the test's. Nothing else of a snippet
# changes.
import re
import sys

KINDS = {
    "lighttpd": "settings in an admin's lighttpd.conf (lighttpd -tt, then served)",
    "apache": "lines in an admin's <VirtualHost> (apache2 -t, then served)",
    "nginx": "a site in nginx's http {} (nginx -t, then served)",
    "refclock": "chrony.conf and ntp.conf lines (headed # chrony.conf / "
            "# ntp.conf, side by side allowed) and the client's command",
    "systemd": "a unit file; NAME is its file name (systemd-analyze verify)",
    "sh": "commands an admin types (each command word has a runner)",
}

# Lines that make a code block a deployment snippet, which must be marked.
CONFIGISH = [
    r"^\s*Define\s", r"^\s*Include\s", r"^\s*LoadModule\s",
    r"^\s*<(VirtualHost|IfModule|Location)\b", r"^\s*(Fcgid|Proxy)\w+\s",
    r"\bserver\s*\{", r"^\s*include\s", r"^\s*listen\s", r"^\s*location\s",
    r"^\s*upstream\s", r"\bfastcgi[._]", r"^\s*server\.", r"^\s*var\.",
    r"^\s*\$HTTP\[",
    r"^\s*refclock\s", r"^\s*(server|fudge)\s+127\.127\.",
    r"^\s*\[(Unit|Service|Socket|Install|Timer)\]",
    r"^\s*(sudo\s+)?(a2enmod|a2ensite|systemctl|cp|ln|install)\s",
]

# The first words of command lines (kind sh, and the command part of a
# refclock snippet).
COMMANDS = ("sudo", "a2enmod", "a2ensite", "systemctl", "cp", "ln",
        "install", "webntp", "webntp-ws", "webntp.fcgi")

MARKER = re.compile(r"^<!--\s*snippet:\s*(.*?)\s*-->\s*$")
MARKER_ARGS = re.compile(r"^([a-z]+) ([A-Za-z0-9_.@-]+)$")


def blocks(lines):
    """The README's blocks: (kind, first line number, lines) with kind
    "code" (indented or fenced; the indentation or fences removed),
    "marker" (the marker's arguments as the only line), "para" or
    "other" (headings, tables, HTML)."""
    out = []
    i, n = 0, len(lines)
    prev_blank = True
    while i < n:
        line = lines[i]
        if not line.strip():
            prev_blank = True
            i += 1
            continue
        m = re.match(r"^(\s*)(```+|~~~+)", line)
        if m:
            fence, ind = m.group(2), len(m.group(1))
            start, body = i + 1, []
            i += 1
            while i < n and not lines[i].strip().startswith(fence):
                body.append(lines[i][ind:] if lines[i][:ind].isspace()
                        else lines[i].lstrip())
                i += 1
            i += 1
            out.append(("code", start + 1, body))
            prev_blank = False
            continue
        if prev_blank and (line.startswith("    ") or line.startswith("\t")):
            start, body = i, []
            while i < n and (not lines[i].strip() or
                     lines[i].startswith("    ") or
                     lines[i].startswith("\t")):
                l = lines[i]
                body.append(l[1:] if l.startswith("\t") else l[4:])
                i += 1
            while body and not body[-1].strip():
                body.pop()
            out.append(("code", start + 1, body))
            prev_blank = False
            continue
        m = MARKER.match(line.strip())
        if m:
            out.append(("marker", i + 1, [m.group(1)]))
            i += 1
            prev_blank = True    # an HTML block ends here
            continue
        start, body = i, []
        para = not re.match(r"^(#|\||<|>)", line)
        while i < n and lines[i].strip() and not MARKER.match(lines[i].strip()):
            body.append(lines[i])
            i += 1
            if para and i < n and re.match(r"^\s*(```|~~~)", lines[i]):
                break
        out.append(("para" if para else "other", start + 1, body))
        prev_blank = False
    return out


def snippets(path):
    """The marked snippets, [(kind, name, line, body lines)], and the
    problems found."""
    lines = open(path, encoding="utf-8").read().split("\n")
    bs = blocks(lines)
    found, problems = [], []
    for j, (kind, line, body) in enumerate(bs):
        if kind == "marker":
            m = MARKER_ARGS.match(body[0])
            if not m or m.group(1) not in KINDS:
                problems.append("%s:%d: bad marker <!-- snippet: %s -->: "
                        "want <!-- snippet: KIND NAME -->, KIND one of %s"
                        % (path, line, body[0], ", ".join(KINDS)))
                continue
            nxt = bs[j + 1] if j + 1 < len(bs) else None
            if nxt and nxt[0] == "code":
                found.append((m.group(1), m.group(2), nxt[1], nxt[2]))
            elif nxt and nxt[0] == "para" and m.group(1) == "sh":
                cmds = [c.strip() for c in
                    re.findall(r"`([^`]+)`", " ".join(nxt[2]))
                    if c.split()[0] in COMMANDS]
                if cmds:
                    found.append((m.group(1), m.group(2), nxt[1], cmds))
                else:
                    problems.append("%s:%d: marker before a paragraph "
                            "without a command in `...`" % (path, line))
            else:
                problems.append("%s:%d: marker not followed by a code "
                        "block" % (path, line))
        elif kind == "code":
            marked = j > 0 and bs[j - 1][0] == "marker"
            hits = [l for l in body for r in CONFIGISH if re.search(r, l)]
            if hits and not marked:
                problems.append("%s:%d: unmarked deployment snippet (%s): "
                        "announce it with <!-- snippet: KIND NAME --> so "
                        "that readme-snippets.test runs it"
                        % (path, line, hits[0].strip()))
    return found, problems


def parts(kind, body):
    """A snippet's parts: {part: [lines]}. A refclock snippet is split by
    its `# FILE` headers (side by side: columns) and its command lines;
    every other kind is one part named after the kind."""
    if kind != "refclock":
        return {kind: list(body)}
    out, cols = {}, [(0, "sh")]
    for line in body:
        heads = list(re.finditer(r"#\s*([\w.-]+\.conf)\b", line))
        if heads and not re.sub(r"#\s*[\w.-]+\.conf\b", "", line).strip():
            cols = [(h.start(), h.group(1)) for h in heads]
            continue
        if line.split() and line.split()[0] in COMMANDS:
            out.setdefault("sh", []).append(line.strip())
            continue
        # Cut at each column start that has blanks before it.
        cuts = [0] + [c for c, _ in cols[1:]
                  if len(line) > c and line[c - 1] == " " and
                  line[c] != " "]
        segs = [line[a:b] for a, b in zip(cuts, cuts[1:] + [len(line)])]
        for seg, c in zip(segs, cuts):
            name = [p for cc, p in cols if cc <= c][-1]
            if seg.strip():
                out.setdefault(name, []).append(seg.strip())
    return out


# What follows a substituted directory in a path: kept as it is, not
# substituted again (/usr/local/var/cache/webntp is one path).
PATH_REST = r"(?:/[^\s\"'<>;,()|]*)?"


def table(v):
    """The substitutions, (regex, replacement, is a directory), applied in
    one pass; a directory's replacement keeps the rest of its path."""
    t = []
    if v.get("PREFIX"):
        t.append((re.escape(v["PREFIX"]) + r"(?=/|\b)",
            v["DESTDIR"] + v["PREFIX"], True))
    t += [
        (r"/usr/local(?=/)", v["DESTDIR"] + v["INSTPREFIX"], True),
        (r"/etc(?=/)", v["DESTDIR"] + "/etc", True),
        (r"/var(?=/)", v["DESTDIR"] + "/var", True),
        (r"/run(?=/)", v["RUN"], True),
        (r"\b8081\b", v["WS_PORT"], False),
        (r"(?<=\blisten )80(?=;)", "127.0.0.1:" + v["PORT"], False),
        (r"https://time\.example\.org/", "http://127.0.0.1:%s/" % v["PORT"],
            False),
    ]
    return t


def substitute(text, t):
    rx = re.compile("|".join("((%s)%s)" % (r, PATH_REST if d else "")
        for r, _, d in t))

    def rep(m):
        for k, (_, s, _) in enumerate(t):
            if m.group(2 * k + 1) is not None:
                return s + m.group(2 * k + 1)[len(m.group(2 * k + 2)):]
        return m.group(0)
    return rx.sub(rep, text)


def kv(args):
    v = {}
    for a in args:
        k, _, val = a.partition("=")
        v[k] = val
    for k in ("DESTDIR", "INSTPREFIX", "RUN", "WS_PORT", "PORT"):
        if k not in v:
            sys.exit("readme-snippets.py: %s=... missing" % k)
    return v


def main(argv):
    if len(argv) >= 2 and argv[0] == "check":
        found, problems = snippets(argv[1])
        for p in problems:
            print(p)
        if not found:
            print("%s: no marked snippet" % argv[1])
            return 1
        return 1 if problems else 0
    if len(argv) >= 3 and argv[0] == "extract":
        found, problems = snippets(argv[1])
        t = table(kv(argv[3:]))
        groups, order = {}, []
        for kind, name, line, body in found:
            key = (kind, name)
            if key not in groups:
                groups[key] = (line, {})
                order.append(key)
            for p, ls in parts(kind, body).items():
                groups[key][1].setdefault(p, []).extend(ls)
        with open(argv[2] + "/index", "w") as idx:
            for kind, name in order:
                line, ps = groups[(kind, name)]
                for p, ls in ps.items():
                    with open("%s/%s.%s" % (argv[2], name, p), "w") as f:
                        f.write(substitute("\n".join(ls) + "\n", t))
                idx.write("%s %s %d %s\n" % (kind, name, line, " ".join(ps)))
        return 0
    if len(argv) >= 2 and argv[0] == "subst":
        files = [a for a in argv[1:] if "=" not in a]
        t = table(kv([a for a in argv[1:] if "=" in a]))
        for fn in files:
            s = open(fn, encoding="utf-8").read()
            open(fn, "w", encoding="utf-8").write(substitute(s, t))
        return 0
    sys.exit("usage: readme-snippets.py check README | extract README DIR K=V... | subst K=V... FILE...")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
