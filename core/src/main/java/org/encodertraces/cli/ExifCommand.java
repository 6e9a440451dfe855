package org.encodertraces.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.exif.Acquisition;
import org.encodertraces.exif.PhotoInspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code exif} subcommand: one row per photo with raw EXIF, FlickrExif labels and JPEG quality. */
@Command(name = "exif", mixinStandardHelpOptions = true,
        description = {"Print each photo's acquisition metadata: raw EXIF values, labels in the FlickrExif benchmark's "
                        + "vocabulary, the JPEG's IJG quality estimate and chroma subsampling.",
                "Folders are read recursively; bad files get a row with the error and the run goes on. status is ok, "
                        + "partial (HEIC/HEIF: EXIF read, pixels and JPEG quantization not supported) or error."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:every file was read completely (status ok)",
                "1:at least one file failed or was only partly read (status error or partial)",
                "2:invalid command line"})
public final class ExifCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { tsv, json }

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "image files or folders")
    List<Path> inputs;

    @Option(names = "--format", defaultValue = "tsv",
            description = "tsv (a header row, then tab-separated rows) or json (JSON Lines: one object per line). Default: ${DEFAULT-VALUE}")
    Format format;

    @Spec
    CommandSpec spec;

    /** Column order of the output, stable. */
    static final List<String> COLUMNS = List.of(
            "path", "status", "error", "format", "make", "model", "fnumber", "exposure_time", "exposure_time_s", "iso",
            "iso_source", "focal_length_mm", "flash", "datetime_original", "orientation", "software", "lens_model", "width", "height",
            "label_make", "label_model", "label_exposure", "label_aperture", "label_focal_length", "label_iso",
            "label_flash", "label_year", "label_is_smartphone", "label_smartphone_model",
            "jpeg_quality", "jpeg_quality_exact", "jpeg_quality_error", "subsampling", "warnings");

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper json = new ObjectMapper();
        PhotoInspector inspector = new PhotoInspector();
        List<Path> files = InputFiles.expand(inputs);
        if (format == Format.tsv) {
            out.println(String.join("\t", COLUMNS));
        }
        int ok = 0;
        int partial = 0;
        int failed = 0;
        for (Path f : files) {
            PhotoInspector.Inspection inspection = inspector.inspect(f);
            switch (inspection.status()) {
                case OK -> ok++;
                case PARTIAL -> partial++;
                default -> failed++;
            }
            Map<String, Object> row = row(inspection);
            if (format == Format.tsv) {
                List<String> cells = new java.util.ArrayList<>();
                for (String c : COLUMNS) {
                    Object v = row.get(c);
                    cells.add(org.encodertraces.io.Tsv.field(v));
                }
                out.println(String.join("\t", cells));
            } else {
                out.println(json.writeValueAsString(row));
            }
        }
        out.flush();
        err.printf("exif: %d file(s): %d ok, %d partial, %d failed%n", files.size(), ok, partial, failed);
        err.flush();
        return failed + partial == 0 ? 0 : 1;
    }

    /** One output row: every column, in order, null where the file does not say. */
    private static Map<String, Object> row(PhotoInspector.Inspection in) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String c : COLUMNS) {
            row.put(c, null);
        }
        row.put("path", in.file().toString());
        Acquisition a = in.acquisition();
        if (a != null) {
            fill(row, a);
        }
        PhotoInspector.JpegTables q = in.jpeg();
        if (q != null) {
            row.put("jpeg_quality", q.quality());
            row.put("jpeg_quality_exact", q.exact());
            row.put("jpeg_quality_error", round(q.error()));
            row.put("subsampling", q.subsampling());
        }
        row.put("warnings", in.warnings().isEmpty() ? null : String.join("; ", in.warnings()));
        row.put("status", in.status().word());
        row.put("error", in.error());
        return row;
    }

    private static void fill(Map<String, Object> row, Acquisition a) {
        row.put("format", a.format());
        row.put("make", a.make());
        row.put("model", a.model());
        row.put("fnumber", a.fNumber());
        row.put("exposure_time", a.exposureTime() == null ? null : a.exposureTime().toString());
        row.put("exposure_time_s", a.exposureTimeSeconds());
        row.put("iso", a.iso());
        row.put("iso_source", a.isoSource());
        row.put("focal_length_mm", a.focalLengthMm());
        row.put("flash", a.flash());
        row.put("datetime_original", a.dateTimeOriginal());
        row.put("orientation", a.orientation());
        row.put("software", a.software());
        row.put("lens_model", a.lensModel());
        row.put("width", a.width());
        row.put("height", a.height());
        Acquisition.Labels l = a.labels();
        row.put("label_make", l.make());
        row.put("label_model", l.model());
        row.put("label_exposure", l.exposure());
        row.put("label_aperture", l.aperture());
        row.put("label_focal_length", l.focalLength());
        row.put("label_iso", l.iso());
        row.put("label_flash", l.flash());
        row.put("label_year", l.year());
        row.put("label_is_smartphone", l.isSmartphone());
        row.put("label_smartphone_model", l.smartphoneModel());
    }

    private static Double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
