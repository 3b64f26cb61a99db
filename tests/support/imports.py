"""What a Python source file imports, read from its syntax tree: for the architecture rules among the tests."""

from __future__ import annotations

import ast


def imported_modules(source: str) -> set[str]:
    """Every module imported, with its full dotted name: import statements anywhere in the file (in functions too)
    and `importlib.import_module` of a literal name."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Call) and (name := _import_module_literal(node)):
            modules.add(name)
    return modules


def _import_module_literal(call: ast.Call) -> str | None:
    """The name in `importlib.import_module("name")` (or `import_module("name")`); None for any other call."""
    called = getattr(call.func, "attr", getattr(call.func, "id", None))
    if called == "import_module" and call.args and isinstance(call.args[0], ast.Constant):
        return call.args[0].value if isinstance(call.args[0].value, str) else None
    return None
