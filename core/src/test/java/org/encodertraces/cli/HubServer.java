package org.encodertraces.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.encodertraces.provenance.Hashes;

/**
 * A loopback HTTP server that answers like the Hugging Face Hub's {@code resolve} URLs: HEAD
 * with {@code X-Repo-Commit}, {@code X-Linked-Etag} (the LFS sha256) and {@code X-Linked-Size},
 * GET with {@code Range} support. Files can also be served as plain (non-LFS) pages.
 */
final class HubServer implements AutoCloseable {
    private record Served(byte[] body, String contentType, boolean lfs) {
    }

    private final HttpServer server;
    private final Map<String, Served> files = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    private final Map<String, java.util.List<Integer>> rangeStarts = new ConcurrentHashMap<>();

    HubServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The endpoint to put in HF_ENDPOINT. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves {@code body} as an LFS file at {@code /<repo>/resolve/<revision>/<path>}. */
    HubServer lfs(String repo, String revision, String path, byte[] body) {
        files.put("/" + repo + "/resolve/" + revision + "/" + path, new Served(body, "application/octet-stream", true));
        return this;
    }

    /** Serves {@code body} as a plain page (no LFS headers) with status 200. */
    HubServer page(String repo, String revision, String path, byte[] body, String contentType) {
        files.put("/" + repo + "/resolve/" + revision + "/" + path, new Served(body, contentType, false));
        return this;
    }

    /** Serves {@code body} as a plain file (no Hub headers) at the URL path {@code urlPath}, as an authors' server does. */
    HubServer file(String urlPath, byte[] body) {
        files.put(urlPath, new Served(body, "application/octet-stream", false));
        return this;
    }

    /** How many GET requests reached the URL path {@code urlPath}. */
    int gets(String urlPath) {
        AtomicInteger n = gets.get(urlPath);
        return n == null ? 0 : n.get();
    }

    /** The first byte each GET of {@code urlPath} asked for (0 without a Range header), in order. */
    java.util.List<Integer> rangeStarts(String urlPath) {
        return java.util.List.copyOf(rangeStarts.getOrDefault(urlPath, java.util.List.of()));
    }

    /** How many GET requests reached {@code path} (the part after the endpoint). */
    int gets(String repo, String revision, String path) {
        AtomicInteger n = gets.get("/" + repo + "/resolve/" + revision + "/" + path);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            Served s = files.get(path);
            if (s == null) {
                ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().set("X-Repo-Commit", "0123456789abcdef0123456789abcdef01234567");
            ex.getResponseHeaders().set("Content-Type", s.contentType());
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            if (s.lfs()) {
                ex.getResponseHeaders().set("X-Linked-Etag", "\"" + Hashes.sha256(s.body()) + "\"");
                ex.getResponseHeaders().set("X-Linked-Size", Long.toString(s.body().length));
            }
            ex.getResponseHeaders().set("ETag", "\"" + Hashes.sha256(s.body()).substring(0, 20) + "\"");
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", Long.toString(s.body().length));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            gets.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            String range = ex.getRequestHeaders().getFirst("Range");
            int from = 0;
            if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                from = Integer.parseInt(range.substring(6, range.length() - 1));
            }
            rangeStarts.computeIfAbsent(path, k -> java.util.Collections.synchronizedList(new java.util.ArrayList<>())).add(from);
            if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (s.body().length - 1) + "/" + s.body().length);
                ex.sendResponseHeaders(206, s.body().length - from);
            } else {
                ex.sendResponseHeaders(200, s.body().length);
            }
            try (OutputStream o = ex.getResponseBody()) {
                o.write(s.body(), from, s.body().length - from);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
