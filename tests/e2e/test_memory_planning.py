"""Memory planning is visible: the transformer block allocates fewer bytes with planning."""

from graph_models import transformer_block

from loom.transform.graph import memory_planning_report


def test_transformer_block_allocates_less_with_static_planning(capsys):
    mod, _ = transformer_block(width=256, heads=4, ffn=1024)
    reports = [memory_planning_report(mod, "main", {"n": n}) for n in (16, 128, 512)]
    for report in reports:
        assert 0 < report.planned < report.unplanned
        print(report)
    # The attention scores (4 * n * n floats) dominate as n grows, and they are planned too.
    assert reports[-1].unplanned - reports[-1].planned > 4 * 512 * 512 * 4
