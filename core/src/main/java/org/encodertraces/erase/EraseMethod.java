package org.encodertraces.erase;

import java.util.Locale;

/** The erasure methods: closed-form LEACE and iterative nullspace projection (INLP). */
public enum EraseMethod {
    LEACE, INLP;

    /** Parses "leace" or "inlp" (any case), with an error naming the methods there are. */
    public static EraseMethod parse(String s) {
        String n = s.trim().toUpperCase(Locale.ROOT);
        if (n.equals("ADVERSARIAL")) {
            throw new IllegalArgumentException("method 'adversarial' is not implemented (see README, \"Trace erasure\"); use leace or inlp");
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown erasure method '" + s + "' (leace, inlp)");
        }
    }

    /** The lower-case name used in files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
