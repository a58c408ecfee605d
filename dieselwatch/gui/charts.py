"""pyqtgraph charts: a vehicle's days (hours with data, minutes of exceedance) and one day at 1 Hz (NOx up and
down, SCR inlet temperature, speed) on a shared, linked time axis. Times are Beijing wall-clock times stored
without a zone, so the axes show them as UTC (utcOffset=0) to print them unshifted on any workstation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt

pg.setConfigOptions(antialias=False, background="w", foreground="k")
DAY_S = 86400


def _epoch(values) -> np.ndarray:
    return pd.to_datetime(values).values.astype("datetime64[s]").astype("int64").astype("float64")


class DaysChart(pg.GraphicsLayoutWidget):
    """Bars per day: hours of data (blue, valid operation darker) and exceedance minutes (red on
    exceedance days, grey otherwise)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hours = self.addPlot(row=0, col=0, axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
        self.hours.setLabel("left", QCoreApplication.translate("Charts", "Hours with data"))
        self.nextRow()
        self.exceed = self.addPlot(row=1, col=0, axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
        self.exceed.setLabel("left", QCoreApplication.translate("Charts", "Exceedance minutes"))
        self.exceed.setXLink(self.hours)
        for p in (self.hours, self.exceed):
            p.showGrid(y=True, alpha=0.3)
            p.setMouseEnabled(y=False)
            p.getAxis("left").enableAutoSIPrefix(False)  # minutes stay minutes, never "x0.001"

    def set_days(self, days: list[dict]) -> None:
        for p in (self.hours, self.exceed):
            p.clear()
        if not days:
            return
        x = _epoch([d["day"] for d in days]) + DAY_S / 2
        w = DAY_S * 0.8
        self.hours.addItem(pg.BarGraphItem(x=x, height=[d["hours"] for d in days], width=w, brush="#9dc3e6"))
        self.hours.addItem(pg.BarGraphItem(x=x, height=[d["valid_hours"] for d in days], width=w * 0.5,
                                           brush="#1f4e79"))
        brushes = [pg.mkBrush("#c00000" if d["exceed_day"] else "#a6a6a6") for d in days]
        self.exceed.addItem(pg.BarGraphItem(x=x, height=[d["exceed_minutes"] for d in days], width=w,
                                            brushes=brushes))
        # A clean vehicle's zero bars sit on the axis, not in the middle of an arbitrary range.
        self.exceed.setYRange(0, max(10.0, max(d["exceed_minutes"] for d in days)), padding=0.05)
        self.hours.setYRange(0, max(1.0, max(d["hours"] for d in days)), padding=0.05)


class DayPlot(pg.GraphicsLayoutWidget):
    """One day at 1 Hz. Downsampling and clipping to the view keep panning smooth at 86,400 samples."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.nox = self.addPlot(row=0, col=0, axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
        self.nox.setLabel("left", "NOx (ppm)")
        self.nox.addLegend(offset=(10, 5))
        self.temp = self.addPlot(row=1, col=0, axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
        self.temp.setLabel("left", QCoreApplication.translate("Charts", "SCR inlet (°C)"))
        self.speed = self.addPlot(row=2, col=0, axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
        self.speed.setLabel("left", QCoreApplication.translate("Charts", "Speed (km/h)"))
        for p in (self.nox, self.temp, self.speed):
            p.setDownsampling(auto=True, mode="peak")
            p.setClipToView(True)
            p.showGrid(x=True, y=True, alpha=0.3)
            p.setMouseEnabled(y=False)
        self.temp.setXLink(self.nox)
        self.speed.setXLink(self.nox)

    def set_series(self, df: pd.DataFrame | None) -> None:
        for p in (self.nox, self.temp, self.speed):
            p.clear()
        if df is None or df.empty:
            return
        t = _epoch(df["ts"])
        # A silence of more than 30 s (between trips, lost packets) gets a NaN so no line bridges it.
        gaps = np.flatnonzero(np.diff(t) > 30) + 1
        series = {k: np.insert(df[k].to_numpy("float64"), gaps, np.nan) for k in ("nox_up", "nox_down", "scr_in",
                                                                                  "speed")}
        x = np.insert(t, gaps, t[gaps - 1] + 1) if len(gaps) else t
        up, down = QCoreApplication.translate("Charts", "upstream"), QCoreApplication.translate("Charts", "downstream")
        self.nox.plot(x, series["nox_up"], pen=pg.mkPen("#7f7f7f"), name=up, connect="finite")
        self.nox.plot(x, series["nox_down"], pen=pg.mkPen("#c00000"), name=down, connect="finite")
        self.temp.plot(x, series["scr_in"], pen=pg.mkPen("#ed7d31"), connect="finite")
        self.temp.addItem(pg.InfiniteLine(pos=250, angle=0, pen=pg.mkPen("#ed7d31", style=Qt.PenStyle.DashLine)))
        self.speed.plot(x, series["speed"], pen=pg.mkPen("#1f4e79"), connect="finite")
        self.nox.setXRange(t[0], t[-1], padding=0.01)


class DashboardCharts(pg.GraphicsLayoutWidget):
    """Online-rate distribution of the latest run, and the daily exceedance trend."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.online = self.addPlot(row=0, col=0)
        self.online.setTitle(QCoreApplication.translate("Charts", "Online rate, latest scoring (vehicles)"))
        self.online.setLabel("bottom", "%")
        self.trend = self.addPlot(row=0, col=1, axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
        self.trend.setTitle(QCoreApplication.translate("Charts", "Vehicles with data / with an exceedance day"))
        self.trend.addLegend(offset=(10, 5))
        for p in (self.online, self.trend):
            p.showGrid(y=True, alpha=0.3)
            p.setMouseEnabled(y=False)
            p.getAxis("left").enableAutoSIPrefix(False)

    def set_data(self, data: dict) -> None:
        self.online.clear()
        self.trend.clear()
        rates = np.asarray(data["online_rates"], dtype="float64") * 100
        if rates.size:
            counts, edges = np.histogram(rates, bins=np.arange(0, 105, 5))
            self.online.addItem(pg.BarGraphItem(x0=edges[:-1], x1=edges[1:], height=counts, brush="#9dc3e6"))
            self.online.addItem(pg.InfiniteLine(pos=95, angle=90, pen=pg.mkPen("#548235", style=Qt.PenStyle.DashLine)))
        trend = data["trend"]
        if trend:
            x = _epoch([t["day"] for t in trend]) + DAY_S / 2
            self.trend.plot(x, [t["vehicles"] for t in trend], pen=pg.mkPen("#1f4e79", width=2), symbol="o",
                            symbolSize=5, name=QCoreApplication.translate("Charts", "with data"))
            self.trend.plot(x, [t["exceeding"] for t in trend], pen=pg.mkPen("#c00000", width=2), symbol="o",
                            symbolSize=5, name=QCoreApplication.translate("Charts", "exceedance day"))
            self.trend.setYRange(0, max(t["vehicles"] for t in trend), padding=0.1)
