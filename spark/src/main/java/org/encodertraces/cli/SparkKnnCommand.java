package org.encodertraces.cli;

import picocli.CommandLine.Command;

/** placeholder */
@Command(name = "knn")
public final class SparkKnnCommand implements Runnable {
    @Override
    public void run() {
    }
}
