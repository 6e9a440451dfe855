package org.encodertraces.cli;

import org.encodertraces.erase.EraseMethod;
import org.encodertraces.erase.ErasureFit;
import org.encodertraces.erase.Inlp;
import picocli.CommandLine.Option;

/** The erasure method and its settings, shared by {@code traces erase fit} and {@code traces erase evaluate}. */
final class EraseMethodOptions {
    @Option(names = "--method", defaultValue = "leace", description = "leace or inlp (default ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--eig-tol", defaultValue = "1e-10", description = "LEACE: relative covariance eigenvalue cut-off (default ${DEFAULT-VALUE})")
    double eigTol;

    @Option(names = "--svd-tol", defaultValue = "1e-8", description = "LEACE: relative singular-value cut-off (default ${DEFAULT-VALUE})")
    double svdTol;

    @Option(names = "--rounds", defaultValue = "20", description = "INLP: most rounds (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--fixed-rounds", description = "INLP: run all --rounds rounds instead of stopping at chance on the held-out split")
    boolean fixedRounds;

    @Option(names = "--chance-margin", defaultValue = "0.01", description = "INLP: stop within this of chance (default ${DEFAULT-VALUE})")
    double margin;

    @Option(names = "--inlp-c", defaultValue = "1.0", description = "INLP: the L-BFGS probe's C (default ${DEFAULT-VALUE})")
    double c;

    @Option(names = "--inlp-held-out", defaultValue = "0.2", description = "INLP: fraction of fitting images for the stopping rule (default ${DEFAULT-VALUE})")
    double heldOut;

    /** The parsed method and settings; {@code seed} seeds INLP's held-out split. */
    ErasureFit.Options options(long seed, int threads) {
        EraseMethod m = EraseMethod.parse(method);
        return new ErasureFit.Options(m, eigTol, svdTol, m == EraseMethod.INLP ? new Inlp.Config(rounds, !fixedRounds, margin, c, heldOut, seed, threads) : null);
    }
}
