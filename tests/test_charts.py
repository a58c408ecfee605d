"""The evidence plot and charts as an officer sees them (pytest-qt, offscreen, demo fleet): panels follow the
reasons, threshold and spans drawn where the data says, legends beside the data, dates in the UI language."""

from datetime import UTC, date, datetime

import numpy as np
import pyqtgraph as pg
import pytest
from scored_demo import scored_copy, vid_of

from dieselwatch.gui.app import install_translators
from dieselwatch.gui.charts import (
    DashboardCharts,
    DayAxis,
    DayPlot,
    DaysChart,
    TimeAxis,
)
from dieselwatch.services import evidence, overview
from dieselwatch.services.evidence import Panel
from dieselwatch.workspace import Workspace


@pytest.fixture(scope="module")
def scored_home(tmp_path_factory, loaded_home):
    return scored_copy(loaded_home, tmp_path_factory.mktemp("charts") / "home")


@pytest.fixture()
def scored_ws(scored_home):
    w = Workspace.open(home=str(scored_home), user="tester")
    yield w
    w.close()


def shown(qtbot, widget, size=(1200, 800)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def plot_for(qtbot, ws, manifest, behaviour, day=None) -> tuple[DayPlot, evidence.DayEvidence]:
    vid = vid_of(ws, manifest, behaviour)
    ev = evidence.day_evidence(ws, vid, day or evidence.evidence_day(ws, vid))
    plot = shown(qtbot, DayPlot())
    plot.set_evidence(ev)
    return plot, ev


def hlines(p: pg.PlotItem) -> list[float]:
    return [i.value() for i in p.items if isinstance(i, pg.InfiniteLine) and i.angle == 0]


def curves_of(p: pg.PlotItem) -> list[pg.PlotDataItem]:
    return [i for i in p.listDataItems() if isinstance(i, pg.PlotDataItem)]


def legend_names(plot: DayPlot, panel: Panel) -> list[str]:
    return [label.text for _, label in plot.legends[panel].items]


def test_exceedance_vehicle_shows_threshold_smoothed_trace_and_spans(qtbot, scored_ws, manifest):
    plot, ev = plot_for(qtbot, scored_ws, manifest, "high_emitter")
    assert plot.panels == (Panel.NOX, Panel.SCR, Panel.SPEED)
    assert plot.plot(Panel.REAGENT) is None and plot.plot(Panel.OBD) is None
    assert hlines(plot.nox) == [ev.threshold_ppm] == [500]
    bars = [i for i in plot.nox.items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 1 and len(bars[0].opts["x0"]) == len(ev.spans)
    # The shaded rectangles start and end where the spans do, and lie behind the curves.
    assert bars[0].opts["x0"][0] == wall_epoch(ev.spans[0].start)
    assert bars[0].opts["x1"][-1] == wall_epoch(ev.spans[-1].end)
    curves = curves_of(plot.nox)
    assert bars[0].zValue() < min(c.zValue() for c in curves)
    up, down, smooth = curves
    _, y = smooth.getOriginalDataset()
    assert np.nanmax(y) > 500 and np.nanmin(y) >= 0
    # Upstream under downstream: drawn first and opaque, downstream half transparent on top.
    assert up.opts["pen"].color().alpha() == 255 and down.opts["pen"].color().alpha() < 200
    assert legend_names(plot, Panel.NOX) == ["above threshold", "upstream", "downstream", "downstream 30 s mean",
                                             "threshold 500 ppm"]
    assert f"{ev.exceed_seconds / 60:.1f} min above it" in plot.title.text
    assert hlines(plot.plot(Panel.SCR)) == [ev.scr_min_c]


def wall_epoch(dt: datetime) -> float:
    """Naive Beijing times are plotted as if they were UTC, whatever the workstation's zone."""
    return dt.replace(tzinfo=UTC).timestamp()


def test_reagent_vehicle_gets_reagent_against_fuel(qtbot, scored_ws, manifest):
    plot, ev = plot_for(qtbot, scored_ws, manifest, "reagent_empty")
    assert plot.panels == (Panel.NOX, Panel.REAGENT, Panel.SCR, Panel.SPEED)
    assert hlines(plot.nox) == []  # no exceedance reason, no span that day: no threshold line
    p = plot.plot(Panel.REAGENT)
    (level,) = curves_of(p)
    assert np.nanmax(level.getOriginalDataset()[1]) < 1
    assert legend_names(plot, Panel.REAGENT) == ["reagent level", "fuel burnt (right axis)"]
    fuel = plot._fuel_vb.addedItems[0].getOriginalDataset()[1]
    assert np.nanmax(fuel) == pytest.approx(ev.series["fuel_cum"].max())
    assert p.getAxis("right").labelText == "Fuel burnt (L)"


def test_obd_vehicle_gets_mil_and_trouble_codes(qtbot, scored_ws, manifest):
    plot, _ = plot_for(qtbot, scored_ws, manifest, "mil_dtc", date(2026, 10, 2))
    assert Panel.OBD in plot.panels and Panel.REAGENT not in plot.panels
    mil, dtc = curves_of(plot.plot(Panel.OBD))
    assert np.nanmax(mil.getOriginalDataset()[1]) == 1 and np.nanmax(dtc.getOriginalDataset()[1]) >= 1


def test_clean_vehicle_has_no_threshold_and_no_extra_panels(qtbot, scored_ws, manifest):
    plot, _ = plot_for(qtbot, scored_ws, manifest, "clean")
    assert plot.panels == (Panel.NOX, Panel.SCR, Panel.SPEED)
    assert hlines(plot.nox) == [] and not [i for i in plot.nox.items if isinstance(i, pg.BarGraphItem)]
    assert len(plot.nox.listDataItems()) == 2
    plot.set_evidence(None)
    assert plot.panels == () and plot.nox is None and "Choose a vehicle" in plot.title.text
    plot.set_evidence(evidence.day_evidence(scored_ws, vid_of(scored_ws, manifest, "clean"), date(2025, 1, 1)))
    assert plot.panels == () and "No samples stored for this day" in plot.title.text


def test_legends_sit_beside_the_data(qtbot, scored_ws, manifest):
    plot, _ = plot_for(qtbot, scored_ws, manifest, "reagent_empty")
    qtbot.wait(50)
    for panel in plot.panels:
        data_area = plot.plot(panel).vb.sceneBoundingRect()
        legend = plot.legends[panel].sceneBoundingRect()
        assert legend.width() > 0 and not legend.intersects(data_area)
    # Panels share one time axis, and only the bottom one prints it.
    plot.nox.setXRange(1e9, 1e9 + 600, padding=0)
    assert plot.plot(Panel.SPEED).viewRange()[0] == pytest.approx([1e9, 1e9 + 600])


def test_axes_format_dates_and_times_in_the_ui_language(qapp, qtbot, scored_ws, manifest):
    noon = date(2026, 10, 1)
    x = (np.datetime64(noon, "s").astype("int64") + 43200).astype(float)
    assert TimeAxis().tickStrings([x, x + 90], 1, 60) == ["12:00", "12:01"]
    assert TimeAxis().tickStrings([x + 5], 1, 5) == ["12:00:05"]
    assert DayAxis().tickStrings([x], 1, 86400) == ["10-01"]
    trs = install_translators(qapp, "zh_CN")
    try:
        assert DayAxis().tickStrings([x], 1, 86400) == ["10月1日"]
        chart = shown(qtbot, DaysChart(), (900, 400))
        vid = vid_of(scored_ws, manifest, "high_emitter")
        chart.set_days(overview.vehicle_days(scored_ws, vid), evidence.exceedance_rule(scored_ws).day_min_minutes)
        qtbot.wait(50)
        axis = chart.exceed.getAxis("bottom")
        lo, hi = chart.exceed.viewRange()[0]
        ticks = axis.tickValues(lo, hi, axis.width())[0][1]
        labels = axis.tickStrings(ticks, 1, 86400)
        assert labels == ["10月1日", "10月2日", "10月3日", "10月4日", "10月5日"]
        assert all(not any(m in t for m in ("Oct", "Sep", "Nov")) for t in labels)
        bars = [i for i in chart.exceed.items if isinstance(i, pg.BarGraphItem)]
        centres = sorted(np.concatenate([b.opts["x"] for b in bars]))
        assert ticks == pytest.approx(centres)  # one tick under each day's bar
        assert [label.text for _, label in chart.exceed_legend.items] == ["超标日", "非超标日", "超标日门槛10分钟"]
        plot, _ = plot_for(qtbot, scored_ws, manifest, "high_emitter")
        assert "筛查阈值500 ppm" in legend_names(plot, Panel.NOX)
        assert plot.nox.getAxis("left").labelText == "NOx（ppm）"
        assert "2026年10月" in plot.title.text
    finally:
        for t in trs:
            qapp.removeTranslator(t)


def test_dashboard_legends_and_day_ticks(qtbot, scored_ws):
    charts = shown(qtbot, DashboardCharts(), (1200, 330))
    charts.set_data(overview.dashboard_series(scored_ws))
    qtbot.wait(50)
    assert [label.text for _, label in charts.trend_legend.items] == ["with data", "with an exceedance day"]
    assert [label.text for _, label in charts.online_legend.items] == ["white list from 95 %"]
    assert not charts.trend_legend.sceneBoundingRect().intersects(charts.trend.vb.sceneBoundingRect())
    axis = charts.trend.getAxis("bottom")
    lo, hi = charts.trend.viewRange()[0]
    assert axis.tickStrings(axis.tickValues(lo, hi, axis.width())[0][1], 1, 86400)[0] == "10-01"


def test_set_series_still_draws_raw_nox(qtbot, scored_ws, manifest):
    vid = vid_of(scored_ws, manifest, "clean")
    plot = shown(qtbot, DayPlot())
    plot.set_series(overview.vehicle_day_series(scored_ws, vid, date(2026, 10, 1)))
    assert len(plot.nox.listDataItems()) == 2 and hlines(plot.nox) == []
