package io.proactivecare.npc.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, drawn by XChart and encoded as PNG for an {@code <img>} with a {@code data:}
 * address, so the report needs no file or network beside it. A missing value (a suppressed figure)
 * is left out of its series, never drawn as 0; the caller marks its category.
 */
final class Charts {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  static final int WIDTH = 860;
  private static final Color[] PALETTE = {
    new Color(0x00, 0x5E, 0xB8), // NHS blue
    new Color(0xED, 0x8B, 0x00), // warm yellow
    new Color(0x00, 0x96, 0x39), // green
    new Color(0xDA, 0x29, 0x1C), // emergency red
    new Color(0x76, 0x5A, 0xA1), // purple
    new Color(0x42, 0x55, 0x63) // grey
  };

  private Charts() {}

  /** One series of a category chart: a value per category, null where it is not published. */
  record Series(String name, List<Double> values) {}

  /** Bars per category, side by side or stacked. */
  static CategoryChart bars(
      String title,
      String xTitle,
      String yTitle,
      List<String> categories,
      List<Series> series,
      boolean stacked) {
    CategoryChart c =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(380)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    style(c.getStyler());
    c.getStyler().setStacked(stacked);
    c.getStyler().setAvailableSpaceFill(stacked ? 0.6 : 0.8);
    // Labels that would run into each other at the chart's width are slanted.
    int letters = categories.stream().mapToInt(String::length).max().orElse(0);
    c.getStyler().setXAxisLabelRotation(letters * 7 * categories.size() > WIDTH - 120 ? 30 : 0);
    for (Series s : series) {
      // XChart leaves a null value out (no bar); a suppressed figure is never drawn as 0.
      c.addSeries(s.name(), new ArrayList<>(categories), new ArrayList<>(s.values()));
    }
    return c;
  }

  /** A reference line across a chart at {@code y} (e.g. the share of people). */
  static void horizontalLine(Chart<?, ?> chart, double y) {
    chart.addAnnotation(new AnnotationLine(y, false, false));
  }

  /** A vertical line at {@code x} (e.g. |SMD| = 0.1, or no effect). */
  static void verticalLine(Chart<?, ?> chart, double x) {
    chart.addAnnotation(new AnnotationLine(x, true, false));
  }

  /** Lines through points, each series its own (x, y) pairs; x and y from 0 to 1 when unit. */
  static XYChart lines(
      String title, String xTitle, String yTitle, Map<String, double[][]> series, boolean unit) {
    XYChart c =
        new XYChartBuilder()
            .width(420)
            .height(400)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    style(c.getStyler());
    if (unit) {
      c.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    }
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      XYSeries s = c.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    return c;
  }

  /**
   * A dot plot with a row per label, top to bottom: each series a value per row (null: none). The
   * love plot (SMD before and after matching per covariate).
   */
  static XYChart dots(String title, String xTitle, List<String> labels, List<Series> series) {
    XYChart c = rows(title, xTitle, labels);
    int n = labels.size();
    for (Series s : series) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (s.values().get(i) != null) {
          xs.add(s.values().get(i));
          ys.add((double) (n - i));
        }
      }
      if (xs.isEmpty()) {
        continue;
      }
      XYSeries x = c.addSeries(s.name(), xs, ys);
      x.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      x.setMarker(SeriesMarkers.CIRCLE);
    }
    return c;
  }

  /** One row of a forest plot: an estimate and its interval, or null when withheld. */
  record Interval(Double estimate, Double low, Double high) {}

  /** A forest plot: a row per label, the estimate as a dot and its interval as a line. */
  static XYChart forest(String title, String xTitle, List<String> labels, List<Interval> rows) {
    XYChart c = rows(title, xTitle, labels);
    c.getStyler().setLegendVisible(false);
    int n = labels.size();
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Interval r = rows.get(i);
      if (r.estimate() == null) {
        continue;
      }
      double y = n - i;
      xs.add(r.estimate());
      ys.add(y);
      if (r.low() != null && r.high() != null) {
        XYSeries line =
            c.addSeries("interval " + i, new double[] {r.low(), r.high()}, new double[] {y, y});
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(PALETTE[0]);
      }
    }
    if (!xs.isEmpty()) {
      XYSeries dots = c.addSeries("estimate", xs, ys);
      dots.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      dots.setMarker(SeriesMarkers.DIAMOND);
      dots.setMarkerColor(PALETTE[3]);
    }
    verticalLine(c, 0);
    return c;
  }

  /** An XY chart whose y axis names rows 1..n, top to bottom. */
  private static XYChart rows(String title, String xTitle, List<String> labels) {
    int n = labels.size();
    XYChart c =
        new XYChartBuilder()
            .width(WIDTH)
            .height(Math.max(220, 80 + 24 * n))
            .title(title)
            .xAxisTitle(xTitle)
            .build();
    style(c.getStyler());
    c.getStyler().setYAxisMin(0.5).setYAxisMax(n + 0.5);
    c.getStyler().setYAxisTickMarkSpacingHint(12);
    // A tick between rows gets a blank label, a different one for each tick: XChart drops every
    // label of an axis whose labels repeat.
    c.setCustomYAxisTickLabelsFormatter(
        y -> {
          long i = Math.round(y);
          return Math.abs(y - i) < 1e-9 && i >= 1 && i <= n
              ? labels.get((int) (n - i))
              : " ".repeat(1 + (int) Math.round(Math.abs(y) * 8));
        });
    return c;
  }

  private static void style(Styler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(false);
    s.setSeriesColors(PALETTE);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setChartTitleBoxVisible(false);
    s.setAntiAlias(true);
  }

  /** The chart as a PNG {@code data:} address for an {@code <img>}. */
  static String png(Chart<?, ?> chart) {
    try {
      byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
      return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw the chart '" + chart.getTitle() + "'", e);
    }
  }
}
