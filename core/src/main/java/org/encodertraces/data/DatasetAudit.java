package org.encodertraces.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.encodertraces.exif.Acquisition;
import org.encodertraces.exif.ExifReader;
import org.encodertraces.exif.FlickrExifLabels;
import org.encodertraces.exif.MakeLabels;
import org.encodertraces.image.JpegQuantization;
import org.encodertraces.provenance.ArtifactProvenance;

/**
 * Audits a dataset for shortcuts: how strongly each processing or acquisition trace read from the
 * files (JPEG quality, chroma subsampling, camera make, device class) is associated with the
 * semantic label, measured by Cramér's V ({@link CramersV}). A trace that correlates with the
 * class is something a model can learn instead of the class.
 *
 * <p>Traces, per file: {@code jpeg_quality} (the IJG quality estimate of
 * {@link JpegQuantization}, bucketed as {@link #qualityBucket(int)}; {@code not JPEG} for other
 * formats), {@code subsampling} ({@code 4:2:0}, {@code 4:4:4}, ...; {@code not JPEG}),
 * {@code make} (the EXIF Make, one label per manufacturer: {@link MakeLabels#NORMALISED}) and {@code device_class} ({@code True}/{@code False}
 * smartphone, or the dataset's own {@code device} label, e.g. camera/phone, when EXIF is silent). Files whose make or device class is unknown are left out of that trace's table
 * only; so are samples whose semantic label is -1. A file that cannot be read is recorded as a
 * failure and left out of the tables it could not give a value for.
 */
public final class DatasetAudit {
    /** The traces audited, in report order. */
    public static final List<String> TRACES = List.of("jpeg_quality", "subsampling", "make", "device_class");
    private static final String NOT_JPEG = "not JPEG";

    /**
     * The association of one trace with the semantic label.
     *
     * @param trace          the trace's name
     * @param semanticClasses the semantic class names (rows of {@code counts})
     * @param traceClasses   the trace's values (columns of {@code counts})
     * @param counts         photos per (semantic class, trace value)
     * @param association    chi-square, p-value and Cramér's V of {@code counts}
     */
    public record TraceAssociation(String trace, List<String> semanticClasses, List<String> traceClasses, long[][] counts,
                                   CramersV.Association association) {
        public TraceAssociation {
            semanticClasses = List.copyOf(semanticClasses);
            traceClasses = List.copyOf(traceClasses);
            long[][] c = new long[counts.length][];
            for (int i = 0; i < counts.length; i++) {
                c[i] = counts[i].clone();
            }
            counts = c;
        }

        /**
         * Why V says nothing about this trace, or null when it does: no photo carries the label, or
         * every photo has the same value (V is then 0 by convention, which is not "independent").
         */
        public String notMeasurable() {
            if (association.n() == 0) {
                return "no photo carries this label";
            }
            if (traceClasses.size() < 2) {
                return "every photo has the same value (" + traceClasses.get(0) + ")";
            }
            if (semanticClasses.size() < 2) {
                return "every photo has the same class";
            }
            return null;
        }

        /**
         * The cells that make V large: (class, trace value) pairs with more photos than independence
         * expects, by their share of the chi-square statistic, largest first, until they hold 60% of
         * what all such cells contribute or {@code max} are named. Empty when V is not measurable or 0.
         */
        public List<Driver> drivers(int max) {
            List<Driver> all = new ArrayList<>();
            if (notMeasurable() != null || association.chiSquare() <= 0) {
                return all;
            }
            long n = association.n();
            long[] rowSum = new long[counts.length];
            long[] colSum = new long[traceClasses.size()];
            for (int i = 0; i < counts.length; i++) {
                for (int j = 0; j < colSum.length; j++) {
                    rowSum[i] += counts[i][j];
                    colSum[j] += counts[i][j];
                }
            }
            for (int i = 0; i < counts.length; i++) {
                for (int j = 0; j < colSum.length; j++) {
                    if (rowSum[i] == 0 || colSum[j] == 0) {
                        continue;
                    }
                    double e = (double) rowSum[i] * colSum[j] / n;
                    if (counts[i][j] > e) {
                        double d = counts[i][j] - e;
                        all.add(new Driver(semanticClasses.get(i), traceClasses.get(j), counts[i][j], e, rowSum[i],
                                d * d / e / association.chiSquare()));
                    }
                }
            }
            all.sort(java.util.Comparator.comparingDouble(Driver::share).reversed());
            double over = all.stream().mapToDouble(Driver::share).sum();
            List<Driver> out = new ArrayList<>();
            double cum = 0;
            for (Driver d : all) {
                if (out.size() >= max || cum >= 0.6 * over) {
                    break;
                }
                out.add(d);
                cum += d.share();
            }
            return out;
        }

        /** The drivers in words: {@code class 'bw': 12 of its 12 photos gray (2.4 expected); ...}. */
        public String describeDrivers(int max) {
            List<String> parts = new ArrayList<>();
            for (Driver d : drivers(max)) {
                parts.add(String.format(java.util.Locale.ROOT, "class '%s': %d of its %d photos %s (%.1f expected)", d.semanticClass(),
                        d.count(), d.classTotal(), d.traceValue(), d.expected()));
            }
            return String.join("; ", parts);
        }

        /** A copy of the counts. */
        @Override
        public long[][] counts() {
            long[][] c = new long[counts.length][];
            for (int i = 0; i < counts.length; i++) {
                c[i] = counts[i].clone();
            }
            return c;
        }
    }

    /**
     * One cell of a contingency table that drives Cramér's V: a class with more photos of a trace
     * value than independence expects.
     *
     * @param semanticClass the class
     * @param traceValue    the trace's value (e.g. {@code gray}, {@code 91-95}, a camera make)
     * @param count         photos of the class with that value
     * @param expected      photos expected if class and trace were independent
     * @param classTotal    photos of the class with a known value of the trace
     * @param share         the cell's share of the chi-square statistic
     */
    public record Driver(String semanticClass, String traceValue, long count, double expected, long classTotal, double share) {
    }

    /** Cramér's V from which the report and the console name the cells that drive it. */
    public static final double NOTABLE_V = 0.3;

    /**
     * An audit.
     *
     * @param dataset        the dataset's name
     * @param source         where it came from
     * @param manifestSha256 its manifest hash
     * @param semanticLabel  the label tensor audited against
     * @param samples        samples in the dataset
     * @param traces         one association per trace, in {@link #TRACES} order
     * @param failures       files that could not be read
     * @param started        when the audit started
     * @param finished       when it finished
     */
    public record Report(String dataset, String source, String manifestSha256, String semanticLabel, int samples,
                         List<TraceAssociation> traces, List<ReadFailure> failures, Instant started, Instant finished) {
        public Report {
            traces = List.copyOf(traces);
            failures = List.copyOf(failures);
        }
    }

    /** The trace values of one file: null where unknown. */
    record FileTraces(String quality, String subsampling, String make, String device) {
        String get(String trace) {
            return switch (trace) {
                case "jpeg_quality" -> quality;
                case "subsampling" -> subsampling;
                case "make" -> make;
                case "device_class" -> device;
                default -> throw new IllegalArgumentException(trace);
            };
        }
    }

    private DatasetAudit() {
    }

    /** The bucket of an IJG quality estimate: {@code <=50}, {@code 51-70}, {@code 71-80}, {@code 81-90}, {@code 91-95}, {@code 96-100}. */
    public static String qualityBucket(int q) {
        if (q <= 50) {
            return "<=50";
        } else if (q <= 70) {
            return "51-70";
        } else if (q <= 80) {
            return "71-80";
        } else if (q <= 90) {
            return "81-90";
        } else if (q <= 95) {
            return "91-95";
        }
        return "96-100";
    }

    /**
     * Audits a dataset.
     *
     * @param ds            the dataset
     * @param semanticLabel the label tensor holding the semantic class (usually {@code label})
     * @param biasCorrected use Bergsma's bias-corrected V instead of the plain one
     */
    public static Report run(Dataset ds, String semanticLabel, boolean biasCorrected) {
        Instant started = Instant.now();
        if (!ds.labelTensors().contains(semanticLabel)) {
            throw new IllegalArgumentException(ds.source() + ": no label tensor '" + semanticLabel + "'; it has " + ds.labelTensors());
        }
        ExifReader exif = new ExifReader();
        List<FileTraces> traces = new ArrayList<>();
        List<ReadFailure> failures = new ArrayList<>();
        for (Sample s : ds.samples()) {
            byte[] data;
            try {
                data = org.encodertraces.io.FileBytes.read(s.file());
            } catch (IOException e) {
                failures.add(new ReadFailure(s.file(), "cannot read: " + org.encodertraces.io.FileProblems.describe(s.file(), e)));
                traces.add(new FileTraces(null, null, null, null));
                continue;
            }
            String q;
            String sub;
            boolean jpeg = data.length >= 2 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8;
            if (!jpeg) {
                q = NOT_JPEG;
                sub = NOT_JPEG;
            } else {
                try {
                    JpegQuantization jq = JpegQuantization.parse(data, s.file().toString());
                    q = jq.quality().quality() > 0 ? qualityBucket(jq.quality().quality()) : null;
                    sub = jq.subsampling();
                } catch (IOException | RuntimeException e) {
                    failures.add(new ReadFailure(s.file(), "JPEG tables: " + e.getMessage()));
                    q = null;
                    sub = null;
                }
            }
            String make = null;
            String device = null;
            try {
                Acquisition.Labels l = exif.read(data, s.file().toString()).labels();
                make = FlickrExifLabels.UNKNOWN.equals(l.make()) ? null : MakeLabels.NORMALISED.apply(l.make());
                device = FlickrExifLabels.UNKNOWN.equals(l.isSmartphone()) ? null : l.isSmartphone();
            } catch (IOException | RuntimeException e) {
                failures.add(new ReadFailure(s.file(), "EXIF: " + e.getMessage()));
            }
            if (device == null && ds.labelTensors().contains(DEVICE_LABEL)) {
                device = deviceName(ds, s.labels().get(DEVICE_LABEL));
            }
            traces.add(new FileTraces(q, sub, make, device));
        }
        return report(ds, semanticLabel, biasCorrected, traces, failures, started);
    }

    /** The label tensor of a dataset's own device classes (the demo's camera/phone, PairCams). */
    static final String DEVICE_LABEL = "device";

    /**
     * A sample's device class from the dataset's own {@code device} label, used when its EXIF says
     * nothing (the demo's generated photos carry none): the label's name, else the demo's
     * convention 0 = camera, 1 = phone; null for a negative (unknown) value.
     */
    static String deviceName(Dataset ds, Long value) {
        if (value == null || value < 0) {
            return null;
        }
        List<String> names = ds.labelNames().getOrDefault(DEVICE_LABEL, DemoData.DEVICES);
        return value < names.size() ? names.get(value.intValue()) : Long.toString(value);
    }

    static Report report(Dataset ds, String semanticLabel, boolean biasCorrected, List<FileTraces> traces, List<ReadFailure> failures,
                         Instant started) {
        List<String> names = ds.labelNames().get(semanticLabel);
        List<TraceAssociation> out = new ArrayList<>();
        TreeSet<Long> semValues = new TreeSet<>();
        ds.samples().forEach(s -> {
            long v = s.labels().get(semanticLabel);
            if (v >= 0) {
                semValues.add(v);
            }
        });
        List<Long> sem = new ArrayList<>(semValues);
        List<String> semNames = sem.stream().map(v -> names != null && v < names.size() ? names.get(v.intValue()) : Long.toString(v)).toList();
        for (String t : TRACES) {
            TreeSet<String> vals = new TreeSet<>(SplitBuilder::compareCodePoints);
            traces.forEach(f -> {
                if (f.get(t) != null) {
                    vals.add(f.get(t));
                }
            });
            List<String> cols = new ArrayList<>(vals);
            Map<String, Integer> colIdx = new LinkedHashMap<>();
            for (int j = 0; j < cols.size(); j++) {
                colIdx.put(cols.get(j), j);
            }
            long[][] counts = new long[sem.size()][cols.size()];
            for (int i = 0; i < ds.samples().size(); i++) {
                long v = ds.samples().get(i).labels().get(semanticLabel);
                String tv = traces.get(i).get(t);
                if (v >= 0 && tv != null) {
                    counts[sem.indexOf(v)][colIdx.get(tv)]++;
                }
            }
            out.add(new TraceAssociation(t, semNames, cols, counts, CramersV.of(counts, biasCorrected)));
        }
        return new Report(ds.name(), ds.source(), ds.manifestSha256(), semanticLabel, ds.samples().size(), out, failures, started,
                Instant.now());
    }

    /** The report as a JSON document (inputs, per-trace figures and counts, failures, provenance). */
    public static String toJson(Report r) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("kind", "dataset-audit");
        ObjectNode in = root.putObject("dataset");
        in.put("name", r.dataset());
        in.put("source", r.source());
        in.put("manifest_sha256", r.manifestSha256());
        in.put("samples", r.samples());
        root.put("semantic_label", r.semanticLabel());
        root.put("measure", r.traces().isEmpty() || !r.traces().get(0).association().biasCorrected() ? "cramers_v" : "cramers_v_bias_corrected");
        ArrayNode ts = root.putArray("traces");
        for (TraceAssociation t : r.traces()) {
            ObjectNode o = ts.addObject();
            o.put("trace", t.trace());
            CramersV.Association a = t.association();
            o.put("cramers_v", a.v());
            o.put("bias_corrected", a.biasCorrected());
            o.put("chi_square", a.chiSquare());
            o.put("dof", a.dof());
            o.put("p_value", a.pValue());
            o.put("n", a.n());
            if (t.notMeasurable() != null) {
                o.put("not_measured", t.notMeasurable());
            }
            ArrayNode ds = o.putArray("drivers");
            for (Driver d : t.drivers(5)) {
                ds.addObject().put("class", d.semanticClass()).put("value", d.traceValue()).put("count", d.count())
                        .put("expected", d.expected()).put("class_total", d.classTotal()).put("chi_square_share", d.share());
            }
            o.set("semantic_classes", m.valueToTree(t.semanticClasses()));
            o.set("trace_classes", m.valueToTree(t.traceClasses()));
            o.set("counts", m.valueToTree(t.counts()));
        }
        ArrayNode fs = root.putArray("failures");
        for (ReadFailure f : r.failures()) {
            fs.addObject().put("file", f.file().toString()).put("reason", f.reason());
        }
        // the one provenance form: the platform's keys beside the times (before, a nested "platform" object repeated two of them)
        root.set("provenance", ArtifactProvenance.between(r.started(), r.finished()).toJsonNode());
        try {
            return m.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #toJson(Report)} to a file, atomically. */
    public static void write(Report r, Path file) throws IOException {
        org.encodertraces.io.AtomicFiles.writeString(file, toJson(r));
    }
}
