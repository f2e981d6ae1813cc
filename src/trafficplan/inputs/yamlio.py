"""Safe YAML reading: ``safe_load`` semantics, no aliases, no duplicate keys, no timestamps.

Aliases are refused outright: a few lines of nested aliases ("billion laughs") expand to
billions of nodes for whoever walks the result. Timestamps stay strings so that an impossible
date is reported by our validation with its key path, not as a parser crash.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class _RefusedYaml(yaml.MarkedYAMLError):
    """Valid YAML that trafficplan refuses (an alias, a key written twice)."""


MAX_NESTING = 50


class StrictSafeLoader(yaml.SafeLoader):
    """A SafeLoader that rejects aliases, duplicate keys and deep nesting; dates stay strings."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _RefusedYaml(
                None,
                None,
                "YAML aliases (*name) are not allowed in trafficplan files",
                event.start_mark,
            )
        # The composer recurses once per level: a hostile file must not exhaust the stack.
        if self._depth >= MAX_NESTING:
            raise _RefusedYaml(
                None,
                None,
                f"nested more than {MAX_NESTING} levels deep",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        # PyYAML silently keeps the last of two equal keys; a typo'd copy must not win quietly.
        if isinstance(node, yaml.MappingNode):
            first_line: dict[Any, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = key_node.value
                if key in first_line:
                    raise _RefusedYaml(
                        None,
                        None,
                        f"key {key[:40]!r} appears twice in the same mapping "
                        f"(first on line {first_line[key]})",
                        key_node.start_mark,
                    )
                first_line[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


# Drop the implicit timestamp resolver (dates stay strings) and keep the others.
StrictSafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

MAX_YAML_BYTES = 20 * 1024 * 1024


class YamlSyntaxError(ValueError):
    """A YAML document could not be parsed; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


def _char_at(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def parse_yaml(text: str) -> Any:
    """Parse one YAML document with :class:`StrictSafeLoader`.

    Raises:
        YamlSyntaxError: with a one-line message and the line number.
    """
    try:
        return yaml.load(text, Loader=StrictSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        problem = re.sub(r"\s+", " ", str(problem)).strip()
        if isinstance(exc, _RefusedYaml):
            raise YamlSyntaxError(problem, line) from None
        if "'\\t'" in problem or (mark is not None and _char_at(text, mark.index) == "\t"):
            column = f"column {mark.column + 1}: " if mark is not None else ""
            raise YamlSyntaxError(
                f"YAML syntax error: {column}a tab character: indent with spaces "
                "(YAML does not allow tabs here)",
                line,
            ) from None
        raise YamlSyntaxError(f"YAML syntax error: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML error: {str(exc).splitlines()[0][:200]}", None) from None
    except RecursionError:
        raise YamlSyntaxError(f"nested more than {MAX_NESTING} levels deep", None) from None
