package org.encodertraces.train;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts DJL's PyTorch engine offline with a fixed number of CPU threads, the natives unpacked
 * into a cache folder of ours, and reports the versions for provenance.
 *
 * <p>Why: DJL reads its settings from system properties once, when the engine first loads, so
 * they must be set before any array exists; the thread count is part of what makes a run
 * bit-reproducible, and offline mode keeps DJL from ever reaching the network (the natives come
 * from the {@code pytorch-native-cpu} jar on the classpath).
 */
public final class Libtorch {
    private Libtorch() {
    }

    /**
     * Sets DJL's properties (offline, threads, cache) unless already set, and loads the engine.
     *
     * @param threads  PyTorch intra-op threads (inter-op threads: 1)
     * @param cacheDir where the natives unpack (about 450 MB, once); {@code DJL_CACHE_DIR} wins when set
     * @return the engine's versions
     */
    public static synchronized Map<String, String> start(int threads, Path cacheDir) {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        } else if (!System.getProperty("ai.djl.pytorch.num_threads").equals(Integer.toString(threads))) {
            throw new IllegalStateException("PyTorch already started with " + System.getProperty("ai.djl.pytorch.num_threads")
                    + " threads in this JVM; " + threads + " asked");
        }
        if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", cacheDir.toAbsolutePath().toString());
        }
        Engine e = Engine.getEngine("PyTorch");
        return Map.of("djl", Engine.getDjlVersion(), "engine", e.getEngineName(), "libtorch", e.getVersion(),
                "threads", Integer.toString(threads));
    }

    /** The default cache: {@code $TRACES_CACHE/djl}, else {@code ~/.cache/encoder-traces/djl}. */
    public static Path defaultCache(Map<String, String> env) {
        String c = env.get("TRACES_CACHE");
        Path base = c != null && !c.isBlank() ? Path.of(c) : Path.of(System.getProperty("user.home"), ".cache", "encoder-traces");
        return base.resolve("djl");
    }
}
