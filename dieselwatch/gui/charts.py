"""pyqtgraph charts of the vehicles page and the dashboard.

Public API (all a page needs):
- ``DayPlot``: one vehicle-day at 1 Hz, the evidence behind its latest score's reasons, in stacked panels on
  one linked time axis (NOx; reagent against fuel burnt; MIL and trouble codes; SCR inlet temperature; speed).
  ``set_evidence(ev)`` takes ``services.evidence.day_evidence(ws, vehicle_id, day)``; ``None`` (nothing chosen)
  and a day without samples show a sentence instead of empty axes. ``panels`` lists what is shown,
  ``plot(Panel.X)`` gives one panel's PlotItem (tests, screenshots). The widget asks for the height its panels
  need (``minimumHeight``): put it in a scroll area or a splitter pane that can grow.
  ``set_series(df)`` draws raw NOx, SCR inlet and speed without reasons (benchmarks, callers not yet on
  ``set_evidence``).
- ``DaysChart.set_days(days, day_min_minutes=None)``: a vehicle's days (``overview.vehicle_days``).
- ``DashboardCharts.set_data(data)``: ``overview.dashboard_series``.

Times are Beijing wall-clock times stored without a zone; the axes format them as they are (never through the
workstation's zone) and the code formats dates itself, so no English month name shows in Chinese. Legends sit
in a column beside the data, never over it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import ClassVar

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QSizePolicy, QWidget

from dieselwatch.services.evidence import DayEvidence, Panel

pg.setConfigOptions(antialias=False, background="w", foreground="k")
DAY_S = 86400
GAP_S = 30  # a silence longer than this (between trips, lost packets) breaks a line
AXIS_W = 64  # left axes of stacked panels share one width, so their data areas line up
LEGEND_W = 200

TEXT = {
    "day": QT_TRANSLATE_NOOP("Charts", "{month:02d}-{day:02d}"),
    "date": QT_TRANSLATE_NOOP("Charts", "{year}-{month:02d}-{day:02d}"),
    "time": QT_TRANSLATE_NOOP("Charts", "Time of day (Beijing)"),
    "hours": QT_TRANSLATE_NOOP("Charts", "Data (h)"),
    "exceed_min": QT_TRANSLATE_NOOP("Charts", "Above threshold (min)"),
    "hours_data": QT_TRANSLATE_NOOP("Charts", "hours with data"),
    "hours_valid": QT_TRANSLATE_NOOP("Charts", "of it valid operation"),
    "exceed_day": QT_TRANSLATE_NOOP("Charts", "exceedance day"),
    "below_day": QT_TRANSLATE_NOOP("Charts", "not an exceedance day"),
    "day_limit": QT_TRANSLATE_NOOP("Charts", "day limit {0} min"),
    "nox": QT_TRANSLATE_NOOP("Charts", "NOx (ppm)"),
    "up": QT_TRANSLATE_NOOP("Charts", "upstream"),
    "down": QT_TRANSLATE_NOOP("Charts", "downstream"),
    "smooth": QT_TRANSLATE_NOOP("Charts", "downstream {0} s mean"),
    "threshold": QT_TRANSLATE_NOOP("Charts", "threshold {0} ppm"),
    "spans": QT_TRANSLATE_NOOP("Charts", "above threshold"),
    "reagent": QT_TRANSLATE_NOOP("Charts", "Reagent (%)"),
    "reagent_level": QT_TRANSLATE_NOOP("Charts", "reagent level"),
    "fuel": QT_TRANSLATE_NOOP("Charts", "Fuel burnt (L)"),
    "fuel_cum": QT_TRANSLATE_NOOP("Charts", "fuel burnt (right axis)"),
    "obd": QT_TRANSLATE_NOOP("Charts", "MIL, DTCs"),
    "mil": QT_TRANSLATE_NOOP("Charts", "MIL on (1)"),
    "dtc": QT_TRANSLATE_NOOP("Charts", "trouble codes"),
    "scr": QT_TRANSLATE_NOOP("Charts", "SCR (°C)"),
    "scr_in": QT_TRANSLATE_NOOP("Charts", "SCR inlet"),
    "scr_min": QT_TRANSLATE_NOOP("Charts", "valid from {0} °C"),
    "speed": QT_TRANSLATE_NOOP("Charts", "Speed (km/h)"),
    "speed_item": QT_TRANSLATE_NOOP("Charts", "speed"),
    "title": QT_TRANSLATE_NOOP("Charts", "{plate} {date}"),
    "title_exceed": QT_TRANSLATE_NOOP(
        "Charts", "screening threshold {thr} ppm, {win} s mean: {minutes} min above it in valid operation"),
    "no_samples": QT_TRANSLATE_NOOP("Charts", "No samples stored for this day: choose another day."),
    "choose": QT_TRANSLATE_NOOP("Charts", "Choose a vehicle and one of its days to see the evidence."),
    "online": QT_TRANSLATE_NOOP("Charts", "Online rate, latest scoring (vehicles)"),
    "online_x": QT_TRANSLATE_NOOP("Charts", "Online rate (%)"),
    "vehicles": QT_TRANSLATE_NOOP("Charts", "Number of vehicles"),
    "white_line": QT_TRANSLATE_NOOP("Charts", "white list from {0} %"),
    "trend": QT_TRANSLATE_NOOP("Charts", "Vehicles with data / with an exceedance day"),
    "with_data": QT_TRANSLATE_NOOP("Charts", "with data"),
    "exceeding": QT_TRANSLATE_NOOP("Charts", "with an exceedance day"),
}

# Upstream is drawn first, wider and lighter; downstream on top, half transparent, so both stay readable where
# they overlap (downstream above upstream is itself a tamper sign).
UP_PEN = pg.mkPen((68, 114, 196), width=2)
DOWN_PEN = pg.mkPen((192, 0, 0, 110), width=1)
SMOOTH_PEN = pg.mkPen((0, 0, 0), width=2)
THRESHOLD_PEN = pg.mkPen((112, 48, 160), width=2, style=Qt.PenStyle.DashLine)
SPAN_BRUSH = pg.mkBrush(255, 160, 0, 70)


def _t(key: str) -> str:
    return QCoreApplication.translate("Charts", str(TEXT[key]))


def format_day(d: date) -> str:
    return _t("day").format(year=d.year, month=d.month, day=d.day)


def format_date(d: date) -> str:
    return _t("date").format(year=d.year, month=d.month, day=d.day)


def _num(x: float) -> str:
    return f"{x:g}"


def _epoch(values) -> np.ndarray:
    return pd.to_datetime(values).values.astype("datetime64[s]").astype("int64").astype("float64")


def _wall(v: float) -> datetime:
    """The wall-clock time an epoch value stands for (values are naive Beijing times read as UTC)."""
    return datetime.fromtimestamp(v, UTC)


class TimeAxis(pg.AxisItem):
    """Clock times within a day (HH:MM, HH:MM:SS when zoomed in), ticks on round clock steps."""

    STEPS: ClassVar[list[int]] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
                                  DAY_S]

    def __init__(self, **kw):
        super().__init__("bottom", **kw)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal, maxVal, size):
        if maxVal <= minVal:
            return []
        room = max(2, int(size / 75))  # one label per 75 px at most
        major = next((s for s in self.STEPS if (maxVal - minVal) / s <= room), self.STEPS[-1])
        minor = next((s for s in reversed(self.STEPS) if s < major and major % s == 0 and major / s <= 6), major)
        out = []
        for step in (major, minor):
            first = np.ceil(minVal / step) * step
            out.append((step, list(np.arange(first, maxVal + 1e-6, step))))
        return out

    def tickStrings(self, values, scale, spacing):
        fmt = "%H:%M:%S" if spacing < 60 else "%H:%M"
        return [_wall(v).strftime(fmt) for v in values]


class DayAxis(pg.AxisItem):
    """Dates under day bars: ticks at the middle of each day (where the bars are), labels formatted here."""

    def __init__(self, **kw):
        super().__init__("bottom", **kw)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal, maxVal, size):
        if maxVal <= minVal:
            return []
        first_day = np.floor(minVal / DAY_S)
        n_days = (maxVal - minVal) / DAY_S
        every = next((k for k in (1, 2, 7, 14, 28, 56, 91, 182, 364) if n_days / k <= max(1, size / 70)), 364)
        major = [d * DAY_S + DAY_S / 2 for d in np.arange(first_day, maxVal / DAY_S + 1, every)
                 if minVal <= d * DAY_S + DAY_S / 2 <= maxVal]
        return [(every * DAY_S, major)]

    def tickStrings(self, values, scale, spacing):
        return [format_day(_wall(v).date()) for v in values]


def _legend(layout: pg.GraphicsLayout, row: int, col: int = 1, cols: int = 1) -> pg.LegendItem:
    """A legend as a layout cell beside (or under) its plot: it never covers data."""
    legend = pg.LegendItem(colCount=cols, labelTextSize="9pt", frame=False)
    layout.addItem(legend, row=row, col=col)
    # Its natural height at the top of the cell: stretched, the entries would drift apart from their samples.
    legend.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
    layout.layout.setAlignment(legend, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    if cols == 1:
        legend.setFixedWidth(LEGEND_W)
    return legend


def _style(p: pg.PlotItem, label: str) -> None:
    p.setLabel("left", label)
    p.getAxis("left").enableAutoSIPrefix(False)
    p.getAxis("left").setWidth(AXIS_W)
    p.showGrid(x=True, y=True, alpha=0.2)
    p.setMouseEnabled(y=False)
    p.hideButtons()


def _with_gaps(t: np.ndarray, columns: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """NaN after each silence longer than GAP_S, so no line bridges it."""
    gaps = np.flatnonzero(np.diff(t) > GAP_S) + 1
    if not len(gaps):
        return t, columns
    x = np.insert(t, gaps, t[gaps - 1] + 1)
    return x, {k: np.insert(v.astype("float64"), gaps, np.nan) for k, v in columns.items()}


def _swatch(brush, pen=None) -> pg.BarGraphItem:
    """A legend sample for a filled area (spans, bars drawn as several items)."""
    return pg.BarGraphItem(x=[0.0], height=[0.0], width=0.0, brush=brush, pen=pen)


class DaysChart(pg.GraphicsLayoutWidget):
    """Bars per day: hours of data (light) with the valid-operation hours (dark), and minutes above the screening
    threshold (red on exceedance days, grey otherwise)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hours = self.addPlot(row=0, col=0, axisItems={"bottom": DayAxis()})
        self.exceed = self.addPlot(row=1, col=0, axisItems={"bottom": DayAxis()})
        self.exceed.setXLink(self.hours)
        _style(self.hours, _t("hours"))
        _style(self.exceed, _t("exceed_min"))
        self.hours.showGrid(x=False, y=True, alpha=0.3)
        self.exceed.showGrid(x=False, y=True, alpha=0.3)
        self.hours.getAxis("bottom").setStyle(showValues=False)
        self.hours_legend = _legend(self.ci, 0)
        self.exceed_legend = _legend(self.ci, 1)

    def set_days(self, days: list[dict], day_min_minutes: float | None = None) -> None:
        """days: overview.vehicle_days(ws, vid). day_min_minutes: the rule set's minutes that make an exceedance
        day, drawn as a line when given."""
        for p in (self.hours, self.exceed):
            p.clear()
        for lg in (self.hours_legend, self.exceed_legend):
            lg.clear()
        if not days:
            return
        x = _epoch([d["day"] for d in days]) + DAY_S / 2
        w = DAY_S * 0.8
        data = pg.BarGraphItem(x=x, height=[d["hours"] for d in days], width=w, brush="#9dc3e6", pen=None)
        valid = pg.BarGraphItem(x=x, height=[d["valid_hours"] for d in days], width=w * 0.5, brush="#1f4e79",
                                pen=None)
        self.hours.addItem(data)
        self.hours.addItem(valid)
        self.hours_legend.addItem(data, _t("hours_data"))
        self.hours_legend.addItem(valid, _t("hours_valid"))
        ex = np.array([bool(d["exceed_day"]) for d in days])
        minutes = np.array([d["exceed_minutes"] for d in days], dtype="float64")
        for flag, colour, key in ((True, "#c00000", "exceed_day"), (False, "#a6a6a6", "below_day")):
            bars = pg.BarGraphItem(x=x[ex == flag], height=minutes[ex == flag], width=w, brush=colour, pen=None)
            self.exceed.addItem(bars)
            if (ex == flag).any():
                self.exceed_legend.addItem(bars, _t(key))
        if day_min_minutes is not None:
            line = pg.InfiniteLine(pos=day_min_minutes, angle=0, pen=pg.mkPen("#c00000", style=Qt.PenStyle.DashLine))
            self.exceed.addItem(line)
            self.exceed_legend.addItem(pg.PlotDataItem(pen=line.pen), _t("day_limit").format(_num(day_min_minutes)))
        # A clean vehicle's zero bars sit on the axis, not in the middle of an arbitrary range.
        self.exceed.setYRange(0, max(10.0, minutes.max(), day_min_minutes or 0), padding=0.05)
        self.hours.setYRange(0, max(1.0, max(d["hours"] for d in days)), padding=0.05)
        self.hours.setXRange(x[0] - DAY_S / 2, x[-1] + DAY_S / 2, padding=0.02)


class DayPlot(pg.GraphicsLayoutWidget):
    """One vehicle-day at 1 Hz, the panels its reasons call for. Downsampling and clipping to the view keep
    panning smooth at 86,400 samples."""

    LABELS: ClassVar[dict[Panel, str]] = {Panel.NOX: "nox", Panel.REAGENT: "reagent", Panel.OBD: "obd",
                                          Panel.SCR: "scr", Panel.SPEED: "speed"}
    STRETCH: ClassVar[dict[Panel, int]] = {Panel.NOX: 5, Panel.REAGENT: 3, Panel.OBD: 2, Panel.SCR: 2, Panel.SPEED: 2}
    # Below these heights the rotated axis labels of neighbouring panels would run into each other.
    MIN_H: ClassVar[dict[Panel, int]] = {Panel.NOX: 170, Panel.REAGENT: 120, Panel.OBD: 100, Panel.SCR: 100,
                                         Panel.SPEED: 100}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evidence: DayEvidence | None = None
        self.panels: tuple[Panel, ...] = ()
        self._plots: dict[Panel, pg.PlotItem] = {}
        self.legends: dict[Panel, pg.LegendItem] = {}
        self.title = pg.LabelItem("", justify="left")
        self._build((Panel.NOX, Panel.SCR, Panel.SPEED))

    # --- public -------------------------------------------------------------------------------------------
    @property
    def nox(self) -> pg.PlotItem | None:
        """The NOx panel (None in an empty state)."""
        return self._plots.get(Panel.NOX)

    def plot(self, panel: Panel) -> pg.PlotItem | None:
        return self._plots.get(panel)

    def set_evidence(self, ev: DayEvidence | None) -> None:
        """Show one day's evidence (services.evidence.day_evidence); None clears the plot."""
        self.evidence = ev
        if ev is None or ev.empty:  # no empty axes: a sentence that says what to do
            self._build(())
            text = _t("choose") if ev is None else _t("title").format(
                plate=ev.plate or ev.vin, date=format_date(ev.day)) + "    " + _t("no_samples")
            self.title.setText(text, size="11pt")
            return
        self._build(ev.panels)
        title = _t("title").format(plate=ev.plate or ev.vin, date=format_date(ev.day))
        if ev.exceedance:
            title += "    " + _t("title_exceed").format(thr=_num(ev.threshold_ppm), win=ev.window_s,
                                                        minutes=f"{ev.exceed_seconds / 60:.1f}")
        self.title.setText(title, size="10pt")
        df = ev.series
        t = _epoch(df["ts"])
        names = ["nox_up", "nox_down", "nox_smooth", "scr_in", "speed", "reagent", "fuel_cum", "mil", "dtc_count"]
        x, s = _with_gaps(t, {k: df[k].to_numpy("float64", na_value=np.nan) for k in names})
        self._nox(x, s, ev)
        if Panel.REAGENT in self._plots:
            self._reagent(x, s)
        if Panel.OBD in self._plots:
            self._obd(x, s)
        self._scr(x, s, ev.scr_min_c)
        self._speed(x, s)
        self._plots[Panel.NOX].setXRange(t[0], t[-1], padding=0.01)

    def set_series(self, df: pd.DataFrame | None) -> None:
        """Raw NOx, SCR inlet and speed of a frame of ts, speed, nox_up, nox_down, scr_in, without reasons."""
        self.evidence = None
        self._build((Panel.NOX, Panel.SCR, Panel.SPEED))
        if df is None or df.empty:
            return
        t = _epoch(df["ts"])
        x, s = _with_gaps(t, {k: df[k].to_numpy("float64", na_value=np.nan)
                              for k in ("nox_up", "nox_down", "scr_in", "speed")})
        self._line(Panel.NOX, x, s["nox_up"], UP_PEN, "up")
        self._line(Panel.NOX, x, s["nox_down"], DOWN_PEN, "down")
        self._line(Panel.SCR, x, s["scr_in"], pg.mkPen("#ed7d31"), "scr_in")
        self._line(Panel.SPEED, x, s["speed"], pg.mkPen("#1f4e79"), "speed_item")
        self._plots[Panel.NOX].setXRange(t[0], t[-1], padding=0.01)

    # --- building -----------------------------------------------------------------------------------------
    def _build(self, panels: tuple[Panel, ...]) -> None:
        """A fresh stack of panels: title, then one row per panel with its legend beside it."""
        self.ci.clear()
        self._plots, self.legends, self.panels = {}, {}, tuple(panels)
        self.title = pg.LabelItem("", justify="left")
        self.ci.addItem(self.title, row=0, col=0, colspan=2)
        self.ci.layout.setRowStretchFactor(0, 0)
        first = None
        for i, panel in enumerate(panels, start=1):
            p = self.ci.addPlot(row=i, col=0, axisItems={"bottom": TimeAxis()})
            _style(p, _t(self.LABELS[panel]))
            p.setDownsampling(auto=True, mode="peak")
            p.setClipToView(True)
            # A right axis on every panel (values only where a panel has a second scale) keeps the data areas
            # of all panels the same width.
            p.showAxis("right")
            p.getAxis("right").setWidth(AXIS_W)
            p.getAxis("right").setStyle(showValues=False)
            if first is None:
                first = p
            else:
                p.setXLink(first)
            last = i == len(panels)
            p.getAxis("bottom").setStyle(showValues=last)
            if last:
                p.setLabel("bottom", _t("time"))
            self._plots[panel] = p
            self.legends[panel] = _legend(self.ci, i)
            self.ci.layout.setRowStretchFactor(i, self.STRETCH[panel])
            p.setMinimumHeight(self.MIN_H[panel])
        # Title and time axis, then the panels: the page scrolls or grows rather than squeezing them.
        self.setMinimumHeight(90 + sum(self.MIN_H[p] for p in panels))

    def _line(self, panel: Panel, x, y, pen, key: str, name: str | None = None, **kw) -> pg.PlotDataItem:
        item = self._plots[panel].plot(x, y, pen=pen, connect="finite", **kw)
        self.legends[panel].addItem(item, name or _t(key))
        return item

    def _hline(self, panel: Panel, y: float, pen, name: str) -> None:
        self._plots[panel].addItem(pg.InfiniteLine(pos=y, angle=0, pen=pen))
        self.legends[panel].addItem(pg.PlotDataItem(pen=pen), name)

    def _nox(self, x, s, ev: DayEvidence) -> None:
        p = self._plots[Panel.NOX]
        show = ev.exceedance or bool(ev.spans)
        if show and ev.spans:
            # All spans as one item: a day can hold hundreds of them.
            x0 = _epoch([sp.start for sp in ev.spans])
            x1 = _epoch([sp.end for sp in ev.spans])
            top = float(np.nanmax([np.nanmax(s["nox_up"]), np.nanmax(s["nox_down"]), ev.threshold_ppm]))
            spans = pg.BarGraphItem(x0=x0, x1=x1, y0=np.zeros(len(x0)), height=np.full(len(x0), top),
                                    brush=SPAN_BRUSH, pen=pg.mkPen(None))
            spans.setZValue(-10)
            p.addItem(spans)
            self.legends[Panel.NOX].addItem(_swatch(SPAN_BRUSH), _t("spans"))
        self._line(Panel.NOX, x, s["nox_up"], UP_PEN, "up")
        self._line(Panel.NOX, x, s["nox_down"], DOWN_PEN, "down")
        if show:
            self._line(Panel.NOX, x, s["nox_smooth"], SMOOTH_PEN, "smooth", _t("smooth").format(ev.window_s))
            self._hline(Panel.NOX, ev.threshold_ppm, THRESHOLD_PEN, _t("threshold").format(_num(ev.threshold_ppm)))

    def _reagent(self, x, s) -> None:
        p = self._plots[Panel.REAGENT]
        self._line(Panel.REAGENT, x, s["reagent"], pg.mkPen("#548235", width=2), "reagent_level")
        p.setYRange(-3, 103, padding=0)  # an empty tank's line stays visible above the axis
        # Fuel burnt on its own scale at the right: a level that stays flat while the fuel climbs is the sign.
        fuel_vb = pg.ViewBox()
        p.scene().addItem(fuel_vb)
        right = p.getAxis("right")
        right.linkToView(fuel_vb)
        right.setStyle(showValues=True)
        right.setLabel(_t("fuel"))
        right.enableAutoSIPrefix(False)
        fuel_vb.setXLink(p)
        fuel_vb.setMouseEnabled(y=False)
        curve = pg.PlotDataItem(x, s["fuel_cum"], pen=pg.mkPen("#bf9000", width=2),
                                connect="finite")
        fuel_vb.addItem(curve)
        curve.setDownsampling(ds=max(1, len(x) // 4000))  # a rising line: every n-th point draws it the same
        fuel_vb.setYRange(0, max(1.0, float(np.nanmax(s["fuel_cum"]))), padding=0.05)
        self.legends[Panel.REAGENT].addItem(curve, _t("fuel_cum"))

        def follow() -> None:
            fuel_vb.setGeometry(p.vb.sceneBoundingRect())
            fuel_vb.linkedViewChanged(p.vb, fuel_vb.XAxis)

        p.vb.sigResized.connect(follow)
        follow()
        self._fuel_vb = fuel_vb

    def _obd(self, x, s) -> None:
        p = self._plots[Panel.OBD]
        self._line(Panel.OBD, x, s["mil"], pg.mkPen("#ed7d31", width=1), "mil", fillLevel=0,
                   fillBrush=pg.mkBrush(255, 192, 0, 120))
        self._line(Panel.OBD, x, s["dtc_count"], pg.mkPen("#c00000", width=2), "dtc")
        top = np.nanmax(np.r_[s["dtc_count"], s["mil"], 1.0])
        p.setYRange(0, float(top) + 0.5, padding=0)
        p.getAxis("left").setTickSpacing(major=max(1, int(top // 4)), minor=1)  # counts: whole numbers only

    def _scr(self, x, s, scr_min: float) -> None:
        self._line(Panel.SCR, x, s["scr_in"], pg.mkPen("#ed7d31", width=1), "scr_in")
        self._hline(Panel.SCR, scr_min, pg.mkPen("#ed7d31", style=Qt.PenStyle.DashLine),
                    _t("scr_min").format(_num(scr_min)))

    def _speed(self, x, s) -> None:
        self._line(Panel.SPEED, x, s["speed"], pg.mkPen("#1f4e79", width=1), "speed_item")
        self._plots[Panel.SPEED].setYRange(0, max(10.0, float(np.nanmax(np.r_[s["speed"], 0.0]))), padding=0.05)


class DashboardCharts(pg.GraphicsLayoutWidget):
    """Online-rate distribution of the latest run, and the daily exceedance trend; legends under the plots."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.online = self.addPlot(row=0, col=0)
        self.online.setTitle(_t("online"))
        self.online.setLabel("bottom", _t("online_x"))
        self.online.setLabel("left", _t("vehicles"))
        self.trend = self.addPlot(row=0, col=1, axisItems={"bottom": DayAxis()})
        self.trend.setTitle(_t("trend"))
        self.trend.setLabel("left", _t("vehicles"))
        for p in (self.online, self.trend):
            p.showGrid(y=True, alpha=0.3)
            p.setMouseEnabled(y=False)
            p.hideButtons()
            p.getAxis("left").enableAutoSIPrefix(False)
            p.getAxis("bottom").enableAutoSIPrefix(False)
        self.online_legend = _legend(self.ci, 1, col=0, cols=2)
        self.trend_legend = _legend(self.ci, 1, col=1, cols=2)
        self.ci.layout.setRowStretchFactor(0, 10)

    def set_data(self, data: dict) -> None:
        """data: overview.dashboard_series(ws)."""
        self.online.clear()
        self.trend.clear()
        self.online_legend.clear()
        self.trend_legend.clear()
        rates = np.asarray(data["online_rates"], dtype="float64") * 100
        if rates.size:
            counts, edges = np.histogram(rates, bins=np.arange(0, 105, 5))
            self.online.addItem(pg.BarGraphItem(x0=edges[:-1], x1=edges[1:], height=counts, brush="#9dc3e6"))
            white = 100 * data.get("white_online_rate", 0.95)
            pen = pg.mkPen("#548235", width=2, style=Qt.PenStyle.DashLine)
            self.online.addItem(pg.InfiniteLine(pos=white, angle=90, pen=pen))
            self.online_legend.addItem(pg.PlotDataItem(pen=pen), _t("white_line").format(_num(white)))
            self.online.setXRange(0, 100, padding=0.02)
        trend = data["trend"]
        if trend:
            x = _epoch([t["day"] for t in trend]) + DAY_S / 2
            for key, colour, name in (("vehicles", "#1f4e79", "with_data"), ("exceeding", "#c00000", "exceeding")):
                item = self.trend.plot(x, [t[key] for t in trend], pen=pg.mkPen(colour, width=2), symbol="o",
                                       symbolSize=5, symbolBrush=colour, symbolPen=colour)
                self.trend_legend.addItem(item, _t(name))
            self.trend.setYRange(0, max(t["vehicles"] for t in trend), padding=0.1)
            self.trend.setXRange(x[0] - DAY_S / 2, x[-1] + DAY_S / 2, padding=0.02)
