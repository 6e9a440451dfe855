package org.encodertraces.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.encodertraces.result.ResultDocument;

/**
 * What {@code traces report} is given, sorted by what each file is: the one audit's
 * {@code report.json} (read into {@link ReportData}) and the result documents of any experiment
 * ({@link ResultDocument}), from files named one by one and from folders searched for them.
 *
 * <p>A file is recognised by its content, never by its name: a result document has a textual
 * {@code experiment} kind, an audit's report the {@code title}, {@code created}, {@code dataset} and
 * {@code encoders} of {@link ReportData}. A file named on its own that is neither is an error that
 * names it; in a folder, the other JSON files (embedding-set sidecars, run records) are counted and
 * said in a note. The result documents an audit wrote under its own {@code results/} folder are
 * already in its report, so a folder holding a {@code report.json} contributes its report and not
 * those documents again.
 *
 * @param audit the audit's report, or null when none was given
 * @param auditFile where it was read, or null
 * @param documents the result documents, in the order found (folders in path order)
 * @param notes what was left out and why
 */
public record ReportSources(ReportData audit, Path auditFile, List<Found> documents, List<String> notes) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Copies the lists. */
    public ReportSources {
        documents = List.copyOf(documents);
        notes = List.copyOf(notes);
    }

    /**
     * A result document and the file it was read from.
     *
     * @param file where it was read
     * @param document what it holds
     */
    public record Found(Path file, ResultDocument document) {
    }

    /** Whether {@code json} is an audit's report ({@link ReportJson}): the keys of {@link ReportData}, no experiment kind. */
    public static boolean isAuditReport(JsonNode json) {
        return json != null && json.isObject() && !json.has(ResultDocument.EXPERIMENT) && json.has("title") && json.has("created")
                && json.has("dataset") && json.has("encoders");
    }

    /**
     * Sorts the given files and folders.
     *
     * @throws IOException naming the file: one given by name that is not a result document or an
     *     audit's report, a second audit's report, an unreadable report, or nothing found at all
     */
    public static ReportSources collect(List<Path> paths) throws IOException {
        ReportData audit = null;
        Path auditFile = null;
        List<Found> docs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Path given : paths) {
            if (Files.isDirectory(given)) {
                List<Path> json;
                try (Stream<Path> s = Files.walk(given)) {
                    json = s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".json")
                            && !hidden(given, f)).sorted().toList();
                }
                List<Path> reports = new ArrayList<>();
                List<Found> inFolder = new ArrayList<>();
                int other = 0;
                for (Path f : json) {
                    JsonNode n = tree(f, false);
                    if (n == null) {
                        other++;
                    } else if (isAuditReport(n)) {
                        reports.add(f);
                    } else if (isDocument(n)) {
                        inFolder.add(new Found(f, ResultDocument.fromJson(n, f.toString())));
                    } else {
                        other++;
                    }
                }
                for (Path r : reports) {
                    if (audit != null) {
                        throw new IOException(r + ": a second audit report (the first is " + auditFile + "); give one audit at a time");
                    }
                    audit = readReport(r);
                    auditFile = r;
                    Path own = r.getParent().resolve("results");
                    int before = inFolder.size();
                    inFolder.removeIf(d -> d.file().startsWith(own));
                    if (inFolder.size() < before) {
                        notes.add((before - inFolder.size()) + " result documents under " + own
                                + " are that audit's own and are shown through its report");
                    }
                }
                docs.addAll(inFolder);
                if (other > 0) {
                    notes.add(other + " other JSON file(s) under " + given + " are not result documents (sidecars, run records) and were not read");
                }
            } else {
                JsonNode n = Files.isRegularFile(given) ? tree(given, false) : null;
                if (n != null && isDocument(n)) {
                    docs.add(new Found(given, ResultDocument.fromJson(n, given.toString())));
                } else {
                    if (audit != null) {
                        throw new IOException(given + ": a second audit report (the first is " + auditFile + "); give one audit at a time");
                    }
                    try {
                        audit = readReport(given);
                    } catch (IOException e) {
                        if (Files.isRegularFile(given) && (n == null || n.isObject() && !isAuditReport(n))) {
                            // neither kind: say both, in one line
                            throw new IOException(e.getMessage() + "; nor a result document (no \"experiment\" kind)", e);
                        }
                        throw e;
                    }
                    auditFile = given;
                }
            }
        }
        if (audit == null && docs.isEmpty()) {
            throw new IOException("no result documents or audit report in " + paths);
        }
        return new ReportSources(audit, auditFile, docs, notes);
    }

    /** Whether {@code json} is a result document ({@link ResultDocument#kindOf}). */
    public static boolean isDocument(JsonNode json) {
        return ResultDocument.kindOf(json) != null;
    }

    private static boolean hidden(Path root, Path f) {
        for (Path part : root.relativize(f)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static ReportData readReport(Path f) throws IOException {
        return new ReportJson().read(f);
    }

    /** The file's JSON; null (strict: an error naming it) when it is not readable JSON text. */
    private static JsonNode tree(Path f, boolean strict) throws IOException {
        String text;
        try {
            text = Files.readString(f);
        } catch (MalformedInputException e) {
            if (strict) {
                throw new IOException(f + ": not a result document (not UTF-8 text)", e);
            }
            return null;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(f + ": no such file", e);
        } catch (IOException e) {
            throw new IOException(f + ": cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            if (strict) {
                throw new IOException(f + ": not a result document (not JSON: " + e.getOriginalMessage() + ")", e);
            }
            return null;
        }
    }
}
