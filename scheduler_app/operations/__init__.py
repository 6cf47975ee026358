"""Operations: health and readiness probes, and Prometheus metrics."""

from flask import Blueprint, Flask

bp = Blueprint("operations", __name__)


def init_app(app: Flask) -> None:
    """Count and time every request for /metrics."""
    from scheduler_app.operations import metrics
    metrics.init_app(app)


from scheduler_app.operations import routes  # noqa: E402,F401
