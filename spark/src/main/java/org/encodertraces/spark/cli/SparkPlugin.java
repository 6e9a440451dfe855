package org.encodertraces.spark.cli;

import java.util.List;
import org.encodertraces.cli.CommandPlugin;

/** Adds {@code traces spark} when the spark module is on the classpath (the launcher puts it there for {@code traces spark}). */
public final class SparkPlugin implements CommandPlugin {
    @Override
    public List<Object> commands() {
        return List.of(new SparkCommand());
    }
}
