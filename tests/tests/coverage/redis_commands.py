#!/usr/bin/env python3
"""Prints the `Commands` declarations of `coverage/redis.rs` from redis's source.

redis writes its commands once, as entries of `implement_commands!` in
`src/commands/mod.rs` (`fn get<K: ToSingleRedisArg>(key: K) -> (Option<String>) { .. }`),
and the macro turns each into a `Commands` method
`fn get<'a, K: ToSingleRedisArg, RV: FromRedisValue>(&mut self, key: K) -> RedisResult<RV>`.
This does the same to the entries that are not behind a `#[cfg(feature = ..)]`,
and lists those that are on stderr.

Usage: python3 redis_commands.py ~/.cargo/registry/src/*/redis-1.2.2
"""

import re
import sys


def main(crate_dir):
    source = open(crate_dir + "/src/commands/mod.rs").read()
    body = source[source.index("implement_commands! {"):]
    depth = 0
    for index, char in enumerate(body):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "}" and depth == 0:
            body = body[:index]
            break
    lines = body.split("\n")
    attrs, gated, i = [], {}, 0
    while i < len(lines):
        text = lines[i].strip()
        if text.startswith("#["):
            while text.count("[") > text.count("]"):
                i += 1
                text += " " + lines[i].strip()
            attrs.append(text)
        elif text.startswith("fn "):
            while not text.endswith("{"):
                i += 1
                text += " " + lines[i].strip()
            depth = text.count("{") - text.count("}")
            while depth > 0:
                i += 1
                depth += lines[i].count("{") - lines[i].count("}")
            match = re.match(
                r"fn\s+(\w+)\s*(<(.*?)>)?\s*\((.*)\)\s*->\s*(\(.*\)|[\w:<>, ]+?)\s*\{$", text
            )
            assert match, text
            name, _, generics, args, _ = match.groups()
            feature = next((a for a in attrs if a.startswith("#[cfg(")), None)
            if feature:
                gated.setdefault(re.search(r'feature = "([^"]+)"', feature).group(1), []).append(name)
            else:
                generics = "'a, " + (generics.strip().rstrip(",") + ", " if generics else "")
                receiver = "&mut self" + (", " + args.strip() if args.strip() else "")
                print(f"    fn {name}<{generics}RV: FromRedisValue>({receiver}) -> RedisResult<RV>;")
            attrs = []
        elif not (text.startswith("//") or not text or text == "'a"):
            attrs = []
        i += 1
    for feature, names in gated.items():
        names = ", ".join(f"`{name}`" for name in names)
        print(f"// not declared (not compiled without feature `{feature}`): {names}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
