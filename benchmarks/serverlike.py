"""The test client without the test framework's template instrumentation.

`django.test.utils.setup_test_environment()` lets the test client run against a real database,
but it also swaps every template's render for an instrumented one that sends a signal per
template, on which the test client keeps a copy of each template's context for the test to
inspect. A server does none of that: on the child's record (a dozen templates and includes) it
cost several milliseconds a request, which the floor (a view with no template) never pays, so
it inflated every page's ratio to the floor. The benchmarks call `setup()` instead.

`setup()` then settles the process as the server's is once started (`kernel.startup.settle`,
from safeguarding/wsgi.py: the URL patterns loaded, then `gc.freeze()`), so that the garbage
collector walks what a server's would, not the whole framework at every collection.
"""


def setup() -> None:
    from django.template import Template
    from django.test.utils import _TestState, setup_test_environment

    setup_test_environment()
    setattr(Template, "_render", getattr(_TestState, "saved_data").template_render)  # noqa: B009, B010
    from kernel.startup import settle

    settle()
