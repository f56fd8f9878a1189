"""Builders: pipelines (more families are added by the other _rb_* modules)."""
from ._rebuild import builder


@builder("pipeline")
def _pipeline(ctx, body):
    from sklearn.pipeline import Pipeline
    steps = [(s["name"], ctx.estimator(s["estimator"])) for s in body.get("steps", [])]
    if not steps:
        return "passthrough"
    return Pipeline(steps)
