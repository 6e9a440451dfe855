package org.encodertraces.result;

/**
 * One headline figure of a result document, with what a reader needs to judge it.
 *
 * @param name what it measures, such as {@code accuracy} or {@code recall@1 query-device camera}
 * @param value the figure (a fraction in [0, 1] for accuracies and recalls), or null when not measured
 * @param std its spread over seeds, or null when the experiment has none
 * @param n how many test images (queries) it rests on, or null when the document does not record it
 * @param chance what guessing scores on the same images, or null when the document does not record it
 * @param proportion whether the figure is a share of the n images (an accuracy or recall), so that a
 *     binomial interval applies; false for differences such as a kNN gap
 */
public record Figure(String name, Double value, Double std, Integer n, Double chance, boolean proportion) {
    /** A share of the n images (an accuracy or a recall). */
    public Figure(String name, Double value, Double std, Integer n, Double chance) {
        this(name, value, std, n, chance, true);
    }
}
