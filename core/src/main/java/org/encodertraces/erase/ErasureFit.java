package org.encodertraces.erase;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.encodertraces.provenance.ArtifactProvenance;

/**
 * Fits an eraser with a chosen method on {@link FitData} and describes the fit for its sidecar
 * (method parameters, concepts with class names, inputs, rows used, INLP's rounds, provenance).
 */
public final class ErasureFit {
    /**
     * The method and its settings.
     *
     * @param method LEACE or INLP
     * @param eigTol LEACE's relative covariance eigenvalue cut-off
     * @param svdTol LEACE's relative singular-value cut-off
     * @param inlp   INLP's settings (ignored for LEACE)
     */
    public record Options(EraseMethod method, double eigTol, double svdTol, Inlp.Config inlp) {
        /** LEACE with the default cut-offs. */
        public static Options leace() {
            return new Options(EraseMethod.LEACE, Leace.EIG_TOL, Leace.SVD_TOL, null);
        }
    }

    /**
     * One input embedding set.
     *
     * @param role   what it is in the fit (the operation, or "embeddings")
     * @param file   its file name
     * @param sha256 its sha256
     */
    public record Input(String role, String file, String sha256) {
    }

    private ErasureFit() {
    }

    /** Just the eraser (no description), for experiments that do not write it. */
    public static Eraser eraser(Options o, FitData data) {
        return o.method() == EraseMethod.LEACE
                ? new Leace(o.eigTol(), o.svdTol()).fit(data.x(), data.rows(), data.dim(), data.concepts())
                : new Inlp(o.inlp()).fit(data).eraser();
    }

    /**
     * Fits and describes: the result is ready to {@link EraserFile#write}.
     *
     * @param heldOut which images were kept out of the fit, in words, for the sidecar
     */
    public static EraserFile fit(Options o, FitData data, EncoderIdentity encoder, String datasetSha256, List<Input> inputs, String heldOut,
                                 Instant started) {
        Eraser e;
        List<Inlp.Round> rounds = List.of();
        if (o.method() == EraseMethod.LEACE) {
            e = new Leace(o.eigTol(), o.svdTol()).fit(data.x(), data.rows(), data.dim(), data.concepts());
        } else {
            Inlp.Fitted f = new Inlp(o.inlp()).fit(data);
            e = f.eraser();
            rounds = f.rounds();
        }
        JsonNodeFactory j = JsonNodeFactory.instance;
        ObjectNode desc = j.objectNode();
        ArrayNode concepts = desc.putArray("concepts");
        for (Concept c : data.concepts()) {
            ObjectNode n = concepts.addObject();
            n.put("name", c.name());
            n.put("kind", c.kind());
            ArrayNode cl = n.putArray("classes");
            c.classes().forEach(cl::add);
        }
        ObjectNode p = desc.putObject("parameters");
        p.put("method", o.method().id());
        if (o.method() == EraseMethod.LEACE) {
            p.put("eig_tol", o.eigTol());
            p.put("svd_tol", o.svdTol());
        } else {
            Inlp.Config c = o.inlp();
            p.put("rounds", c.rounds());
            p.put("until_chance", c.untilChance());
            p.put("chance_margin", c.margin());
            p.put("probe", "L-BFGS logistic regression on standardised features");
            p.put("C", c.c());
            p.put("held_out_fraction", c.heldOut());
            p.put("seed", c.seed());
        }
        ArrayNode in = desc.putArray("inputs");
        for (Input i : inputs) {
            ObjectNode n = in.addObject();
            n.put("role", i.role());
            n.put("file", i.file());
            n.put("sha256", i.sha256());
        }
        ObjectNode fit = desc.putObject("fit");
        fit.put("rows", data.rows());
        fit.put("rows_used", FitRows.count(FitRows.usable(data.rows(), data.concepts())));
        fit.put("images", data.imageIds().size());
        fit.put("held_out", heldOut);
        if (!rounds.isEmpty()) {
            ArrayNode r = desc.putArray("rounds");
            for (Inlp.Round x : rounds) {
                ObjectNode n = r.addObject();
                n.put("concept", x.concept());
                n.put("round", x.round());
                n.put("held_out_accuracy", x.heldOutAccuracy());
                n.put("chance", x.chance());
                n.put("removed", x.removed());
            }
        }
        desc.set("provenance", ArtifactProvenance.between(started, Instant.now())
                .with("linear_algebra", "EJML 0.46.1 (symmetric QR eigen-decomposition, SVD), double precision").toJsonNode());
        return new EraserFile(e, encoder, data.imageIds(), datasetSha256, desc);
    }
}
