package dev.junction.server.http;

import dev.junction.core.metrics.LatencyHistogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.Arrays;
import java.util.Map;

/**
 * Exposes {@link LatencyHistogram}s, which the broker fills on its hot paths without knowing Prometheus, as one
 * Prometheus histogram family, read at scrape time; each histogram is one series, told apart by its label.
 */
final class HistogramCollector implements Collector {
    private static final double[] UPPER_BOUNDS = bucketBounds();

    private final String name;
    private final String help;
    private final String labelName;
    private final Map<String, LatencyHistogram> byLabelValue;

    /** @param byLabelValue histograms by the value of {@code labelName}; with no label name, exactly one */
    HistogramCollector(String name, String help, String labelName, Map<String, LatencyHistogram> byLabelValue) {
        this.name = name;
        this.help = help;
        this.labelName = labelName;
        this.byLabelValue = byLabelValue;
    }

    private static double[] bucketBounds() {
        double[] bounds = Arrays.copyOf(LatencyHistogram.UPPER_BOUNDS_SECONDS,
                LatencyHistogram.UPPER_BOUNDS_SECONDS.length + 1);
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        return bounds;
    }

    @Override
    public MetricSnapshot collect() {
        HistogramSnapshot.Builder family = HistogramSnapshot.builder().name(name).help(help);
        byLabelValue.forEach((labelValue, histogram) -> {
            LatencyHistogram.Snapshot snapshot = histogram.snapshot();
            family.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(UPPER_BOUNDS, snapshot.bucketCounts()))
                    .sum(snapshot.sumSeconds())
                    .labels(labelName == null ? Labels.EMPTY : Labels.of(labelName, labelValue))
                    .build());
        });
        return family.build();
    }

    @Override
    public String getPrometheusName() {
        return name;
    }
}
