package rlhf4j.train.loop;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of a run's metrics.jsonl (XChart), for the run folder and the report. */
public final class Charts {
    private Charts() {
    }

    /**
     * One chart of the named metrics against step; a metric absent from every row is left out.
     * Returns false (and writes nothing) when there is nothing to plot.
     */
    public static boolean lines(Path metricsFile, Path png, String title, String yLabel, String... metrics) {
        List<JsonNode> rows = MetricsLog.read(metricsFile);
        XYChart chart = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle("step").yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(metrics.length > 1);
        chart.getStyler().setMarkerSize(4);
        boolean any = false;
        for (String m : metrics) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (JsonNode r : rows) {
                JsonNode v = r.get(m);
                if (v != null && v.isNumber() && Double.isFinite(v.asDouble())) {
                    xs.add(r.path("step").asDouble());
                    ys.add(v.asDouble());
                }
            }
            if (xs.isEmpty()) continue;
            XYSeries s = chart.addSeries(m, xs, ys);
            s.setMarker(xs.size() > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            any = true;
        }
        if (!any) return false;
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
        return true;
    }
}
