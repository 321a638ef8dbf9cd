from loom.ir import LoomError, ParseError, SourceFile, Span, render

SOURCE = SourceFile("model.py", "def f():\n    y = x + 1\n", line_offset=10)


def test_render_points_at_the_span():
    span = Span(SOURCE, 12, 8, 12, 9)
    text = render("undefined name 'x'", span, ("names must be defined first",))
    assert text.splitlines() == [
        "error: undefined name 'x'",
        "  --> model.py:12:9",
        "   |",
        "12 |     y = x + 1",
        "   |         ^",
        "  note: names must be defined first",
    ]


def test_error_exposes_location_and_renders():
    err = ParseError("bad", Span(SOURCE, 12, 4, 12, 13))
    assert isinstance(err, LoomError)
    assert (err.line, err.col) == (12, 5)
    assert str(err).endswith("    ^^^^^^^^^")


def test_multi_line_span_underlines_to_end_of_line():
    err = ParseError("bad", Span(SOURCE, 12, 8, 13, 0))
    assert str(err).splitlines()[-1] == "   |         ^^^^^"


def test_error_without_span():
    err = LoomError("plain")
    assert str(err) == "error: plain"
    assert err.line is None
    assert err.col is None
