package org.encodertraces.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs numbered blocks of work on a fixed set of threads. The partition into blocks is decided
 * by the caller independently of the thread count, and callers reduce block results in block
 * order, so results never depend on how many threads ran them.
 */
final class BlockExecutor implements AutoCloseable {
    private final int threads;
    private final ExecutorService pool;

    BlockExecutor(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads > 1 ? Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "probe-worker");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    int threads() {
        return threads;
    }

    /** Runs {@code task(b)} for every b in [0, blocks), in parallel, and waits for all. */
    void run(int blocks, IntConsumer task) {
        if (pool == null || blocks <= 1) {
            for (int b = 0; b < blocks; b++) {
                task.accept(b);
            }
            return;
        }
        int workers = Math.min(threads, blocks);
        List<Callable<Void>> jobs = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            final int first = w;
            jobs.add(() -> {
                for (int b = first; b < blocks; b += workers) {
                    task.accept(b);
                }
                return null;
            });
        }
        try {
            for (Future<Void> f : pool.invokeAll(jobs)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
