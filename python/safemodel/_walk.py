"""Finding the attribute of a live estimator that dump cannot store, so that
the error names it ("Pipeline.steps[1][1].func") instead of a pickle offset."""
import pickle

_MAX_DEPTH = 40
_MAX_NODES = 100000


def _children(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield f"[{k!r}]", v
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield f"[{i}]", v
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):
        for k, v in vars(obj).items():
            yield f".{k}", v


def _walk(root):
    """(path, object) for every object reachable through dicts, lists, tuples
    and instance attributes, depth first, each object once."""
    seen = set()
    stack = [(type(root).__name__, root, 0)]
    while stack and len(seen) < _MAX_NODES:
        path, obj, depth = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        yield path, obj
        if depth < _MAX_DEPTH:
            kids = list(_children(obj))
            for step, child in reversed(kids):
                stack.append((path + step, child, depth + 1))


def _qualified(obj):
    t = obj if isinstance(obj, type) or callable(obj) and hasattr(obj, "__qualname__") else type(obj)
    return f"{getattr(t, '__module__', '?')}.{getattr(t, '__qualname__', type(t).__name__)}"


def describe_unpicklable(root):
    """The deepest attribute path whose value cannot be pickled, with its type."""
    best, best_obj = type(root).__name__, root
    for path, obj in _walk(root):
        if isinstance(obj, (str, bytes, int, float, bool, type(None))):
            continue
        try:
            pickle.dumps(obj, protocol=5)
        except Exception:  # noqa: BLE001
            if len(path) >= len(best):
                best, best_obj = path, obj
    return f"{best} (a {_qualified(best_obj)})"


def explain_refusal(root, scan):
    """Names where the live estimator holds the globals the converter's
    allowlist refused, or None if the refusal is not about a global."""
    refused = {(g["module"], g["name"]) for g in scan.get("globals", []) if not g.get("allowed")}
    if not refused:
        return None
    found = []
    for path, obj in _walk(root):
        candidates = [type(obj)]
        if isinstance(obj, type) or callable(obj):
            candidates.append(obj)
        for c in candidates:
            key = (getattr(c, "__module__", None), getattr(c, "__qualname__", None))
            if key in refused:
                found.append(f"{path} is {key[0]}.{key[1]}")
                refused.discard(key)
                break
    for module, name in sorted(refused):
        found.append(f"the estimator refers to {module}.{name}")
    return ("cannot store: " + "; ".join(found) +
            " (not a class or function safemodel represents; see docs/PYTHON.md)")
