package org.encodertraces.cli;

import java.util.List;

/** Adds {@code traces train} and {@code traces ablation} when the train module is on the classpath. */
public final class TrainPlugin implements CommandPlugin {
    @Override
    public List<Object> commands() {
        return List.of(new TrainCommand(), new AblationCommand(), new BenchTrainCommand());
    }
}
