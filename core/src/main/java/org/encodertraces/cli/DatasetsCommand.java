package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.data.CramersV;
import org.encodertraces.data.DatasetAudit;
import org.encodertraces.data.Datasets;
import org.encodertraces.data.ExifDataset;
import org.encodertraces.data.FlickrExifTable;
import org.encodertraces.data.PhotoDownloader;
import org.encodertraces.data.SplitBuilder;
import org.encodertraces.data.SplitFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code datasets} command group: download FlickrExif, build acquisition splits, audit a dataset for shortcuts. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "Dataset tools: download the FlickrExif photos, build acquisition splits, audit trace-label shortcuts.",
        subcommands = {DatasetsCommand.Download.class, DatasetsCommand.BuildSplits.class, DatasetsCommand.Audit.class})
public final class DatasetsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code datasets download-flickrexif}. */
    @Command(name = "download-flickrexif", mixinStandardHelpOptions = true,
            description = {"Download the FlickrExif photos listed in the benchmark's table (the published parquet, or a CSV/TSV, "
                    + "with 'Flickr ID' and 'url').",
                    "Files are saved as <Flickr ID>.jpg; complete files are skipped and partial ones resumed, so rerunning continues. "
                            + "Failures are written to DIR/download-failures.tsv (id, url, reason)."},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:every photo is present", "1:some photos failed (see download-failures.tsv)", "2:invalid command line or table"})
    static final class Download implements Callable<Integer> {
        @Option(names = "--table", required = true, description = "the FlickrExif table (.parquet, .csv or .tsv)")
        Path table;
        @Option(names = "--out", required = true, description = "folder for the photos")
        Path out;
        @Option(names = "--concurrency", defaultValue = "4", description = "photos at once. Default: ${DEFAULT-VALUE}")
        int concurrency;
        @Option(names = "--attempts", defaultValue = "5", description = "tries per photo. Default: ${DEFAULT-VALUE}")
        int attempts;
        @Option(names = "--per-host-ms", defaultValue = "100", description = "least milliseconds between two requests to one host. Default: ${DEFAULT-VALUE}")
        long perHostMs;
        @Option(names = "--timeout-s", defaultValue = "30", description = "seconds one download attempt may take in all, stalled or dripping (a partial file is resumed by the next attempt). Default: ${DEFAULT-VALUE}")
        long timeoutS;
        @Option(names = "--backoff-ms", defaultValue = "2000", description = "first retry wait, doubled each retry. Default: ${DEFAULT-VALUE}")
        long backoffMs;
        @Option(names = "--limit", defaultValue = "0", description = "only the first N rows (0: all)")
        int limit;
        @Option(names = "--quiet", description = "no progress bar")
        boolean quiet;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter o = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            FlickrExifTable t;
            PhotoDownloader.Options opts;
            try {
                t = FlickrExifTable.read(table);
                PhotoDownloader.Options d = PhotoDownloader.Options.defaults();
                opts = new PhotoDownloader.Options(concurrency, d.connectTimeout(), Duration.ofSeconds(timeoutS), attempts,
                        Duration.ofMillis(backoffMs), d.maxBackoff(), Duration.ofMillis(perHostMs), true, d.userAgent());
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException(e);
            }
            List<PhotoDownloader.Job> jobs = t.jobs();
            if (limit > 0 && limit < jobs.size()) {
                jobs = jobs.subList(0, limit);
            }
            PhotoDownloader.Result r;
            try (Progress p = Progress.of(CliEnv.of(spec), err, "download", jobs.size(), quiet)) {
                r = new PhotoDownloader(opts).download(jobs, out, (job, outcome, done, total) -> p.step(outcome != PhotoDownloader.Outcome.FAILED));
            } catch (IOException e) {
                throw new UsageException(e);
            }
            o.printf("%d photos: %d downloaded, %d already present, %d failed%s%n", r.total(), r.downloaded(), r.skipped(), r.failures().size(),
                    r.failures().isEmpty() ? "" : " (see " + r.failuresFile() + ")");
            o.flush();
            return r.failures().isEmpty() ? 0 : 1;
        }
    }

    /** {@code datasets build-splits}. */
    @Command(name = "build-splits", mixinStandardHelpOptions = true,
            description = {"Build FlickrExif-style acquisition splits from any folder of EXIF-bearing photos: per attribute, the classes "
                    + "with at least --min-count photos, --test-per-class and --val-per-class photos of each in test and val, the rest "
                    + "in train (cut to the smallest class unless --unbalanced-train), seeded.",
                    "Writes split_data_target_attribute=<attribute>.json per attribute that has a class big enough, in the published format. "
                            + "Ids are the file names without extension when unique (Flickr IDs), else paths relative to --images."})
    static final class BuildSplits implements Callable<Integer> {
        @Option(names = "--images", required = true, description = "folder of photos (read recursively)")
        Path images;
        @Option(names = "--out", required = true, description = "folder for the split files")
        Path out;
        @Option(names = "--min-count", defaultValue = "1000", description = "smallest class kept. Default: ${DEFAULT-VALUE}")
        int minCount;
        @Option(names = "--val-per-class", defaultValue = "200", description = "Default: ${DEFAULT-VALUE}")
        int valPerClass;
        @Option(names = "--test-per-class", defaultValue = "500", description = "Default: ${DEFAULT-VALUE}")
        int testPerClass;
        @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}")
        long seed;
        @Option(names = "--unbalanced-train", description = "put every remaining photo in train (the published splits balance train too)")
        boolean unbalancedTrain;
        @Option(names = "--make-labels", paramLabel = "RULE", defaultValue = "normalised", description = "camera make labels: normalised"
                + " (one per manufacturer: case and company suffixes merged) or flickrexif (the FlickrExif benchmark's labels exactly, for"
                + " parity with the study's splits). Default: ${DEFAULT-VALUE}")
        String makeLabels;
        @Option(names = "--attribute", description = "only these attributes (default: all of ${COMPLETION-CANDIDATES})",
                completionCandidates = Attributes.class)
        List<String> attributes;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter o = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            SplitBuilder.Options opts;
            ExifDataset.Opened ds;
            try {
                opts = new SplitBuilder.Options(minCount, valPerClass, testPerClass, seed, !unbalancedTrain);
                for (String a : attributes == null ? List.<String>of() : attributes) {
                    if (!ExifDataset.ATTRIBUTES.contains(a)) {
                        throw new IllegalArgumentException("unknown attribute '" + a + "'; one of " + ExifDataset.ATTRIBUTES);
                    }
                }
                ds = ExifDataset.open(images, org.encodertraces.exif.MakeLabels.parse(makeLabels));
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException(e);
            }
            ds.failures().forEach(f -> err.println("unreadable metadata (labels unknown): " + f.file() + ": " + f.reason()));
            int written = 0;
            for (String a : attributes == null ? ExifDataset.ATTRIBUTES : attributes) {
                Map<String, String> labels = ExifDataset.labelStrings(ds.dataset(), a);
                try {
                    SplitFile s = SplitBuilder.build(a, labels, opts);
                    Path f = out.resolve(SplitFile.fileName(a));
                    s.write(f);
                    written++;
                    o.printf("%-16s %3d classes  train %6d  val %5d  test %5d  -> %s%n", a, s.classes().size(), s.trainIds().size(),
                            s.valIds().size(), s.testIds().size(), f);
                } catch (IllegalArgumentException e) {
                    o.printf("%-16s skipped: %s%n", a, e.getMessage());
                } catch (IOException e) {
                    err.println("traces datasets build-splits: " + e.getMessage());
                    return 1;
                }
            }
            o.printf("%d split file(s) from %d photos (%d with unreadable metadata)%n", written, ds.dataset().samples().size(), ds.failures().size());
            o.flush();
            return 0;
        }
    }

    /** Candidates for --attribute. */
    static final class Attributes extends ArrayList<String> {
        Attributes() {
            super(ExifDataset.ATTRIBUTES);
        }
    }

    /** {@code datasets audit}. */
    @Command(name = "audit", mixinStandardHelpOptions = true,
            description = {"Cramér's V between a dataset's semantic label and each trace read from its files (JPEG quality bucket, "
                    + "chroma subsampling, camera make, smartphone or not): a trace that correlates with the class is a shortcut.",
                    "Any dataset spec is accepted (folder of class folders, manifest, imagenet-val:ROOT, inat:FILE.json, ...; see Datasets)."})
    static final class Audit implements Callable<Integer> {
        @Option(names = "--images", required = true, paramLabel = "DIR_OR_MANIFEST", description = "the dataset (path or kind:path spec)")
        String images;
        @Option(names = "--label", defaultValue = "label", description = "the semantic label tensor. Default: ${DEFAULT-VALUE}")
        String label;
        @Option(names = "--bias-corrected", description = "Bergsma's bias-corrected V instead of the plain one")
        boolean biasCorrected;
        @Option(names = "--json", description = "also write the full report (counts, provenance) to this file")
        Path json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter o = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            DatasetAudit.Report r;
            try {
                Datasets.Opened d = Datasets.open(images);
                d.notes().forEach(n -> err.println("note: " + n));
                r = DatasetAudit.run(d.dataset(), label, biasCorrected);
                if (json != null) {
                    DatasetAudit.write(r, json);
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException(e);
            }
            o.printf("%s: %d samples, semantic label '%s', %s Cramér's V%n", r.dataset(), r.samples(), r.semanticLabel(),
                    biasCorrected ? "bias-corrected" : "plain");
            o.printf("%-14s %8s %8s %12s %5s %10s %s%n", "trace", "V", "n", "chi2", "dof", "p", "values");
            for (DatasetAudit.TraceAssociation t : r.traces()) {
                CramersV.Association a = t.association();
                if (t.notMeasurable() != null) {
                    o.printf("%-14s %8s %8d not measured: %s%n", t.trace(), "-", a.n(), t.notMeasurable());
                    continue;
                }
                o.printf("%-14s %8.4f %8d %12.3f %5d %10.3g %s%n", t.trace(), a.v(), a.n(), a.chiSquare(), a.dof(), a.pValue(),
                        String.join(", ", t.traceClasses()));
                if (a.v() >= DatasetAudit.NOTABLE_V) {
                    o.printf("%-14s driven by %s%n", "", t.describeDrivers(3));
                }
            }
            if (!r.failures().isEmpty()) {
                o.printf("%d file(s) partly unreadable:%n", r.failures().size());
                r.failures().forEach(f -> o.println("  " + f.file() + ": " + f.reason()));
            }
            o.flush();
            return 0;
        }
    }

}
