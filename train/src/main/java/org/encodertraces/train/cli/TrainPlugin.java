package org.encodertraces.train.cli;

import java.util.List;
import org.encodertraces.cli.CommandPlugin;

/**
 * Adds {@code traces train}, {@code traces ablation} and {@code traces bench-train} when the train
 * module is on the classpath (found through {@code META-INF/services/org.encodertraces.cli.CommandPlugin}).
 */
public final class TrainPlugin implements CommandPlugin {
    @Override
    public List<Object> commands() {
        return List.of(new TrainCommand(), new AblationCommand(), new BenchTrainCommand());
    }
}
