"""Print keras_gans' internal import graph, module by module: `python docs/import_graph.py [ROOT]`.

Each line is a module and the package modules it imports (imports inside functions
included); the last lines list any import cycles. ARCHITECTURE.md draws the layers.
"""

import ast
import os
import sys


def modules(root):
    package = os.path.join(root, "keras_gans")
    found = {}
    for folder, _, names in os.walk(package):
        for name in sorted(names):
            if name.endswith(".py"):
                parts = os.path.relpath(os.path.join(folder, name), root)[:-3].split(os.sep)
                found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = os.path.join(folder, name)
    return found


def graph(root):
    found = modules(root)
    edges = {}
    for module, path in found.items():
        targets = set()
        for node in ast.walk(ast.parse(open(path).read())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("keras_gans"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in found else node.module)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name in found)
        edges[module] = sorted(t for t in targets if t != module and t in found)
    return edges


def cycles(edges):
    """The import cycles, each as "a -> b -> a" (a depth-first search; the package root is left out)."""
    found, state = [], {}

    def visit(module, path):
        state[module] = "open"
        for target in edges.get(module, []):
            if target == "keras_gans":
                continue
            if state.get(target) == "open":
                found.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in edges:
        if module not in state:
            visit(module, [module])
    return found


if __name__ == "__main__":
    edges = graph(sys.argv[1] if len(sys.argv) > 1 else ".")
    for module, targets in sorted(edges.items()):
        print(f"{module:40s} -> {', '.join(t.replace('keras_gans.', '') for t in targets) or '-'}")
    total = sum(map(len, edges.values()))
    print(f"\n{len(edges)} modules, {total} imports, cycles: {cycles(edges) or 'none'}")
