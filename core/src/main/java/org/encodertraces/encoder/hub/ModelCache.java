package org.encodertraces.encoder.hub;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The on-disk cache of downloaded model files, shared by every process of the same user.
 *
 * <p>Layout under the root:
 * <pre>
 *   hub/&lt;owner&gt;--&lt;name&gt;/&lt;revision&gt;/&lt;path in repo&gt;   finished, verified files
 *   tmp/&lt;key&gt;-&lt;etag key&gt;.part                      partial downloads (resumable)
 *   tmp/&lt;key&gt;.lock                                 one lock file per cached file
 *   quarantine/&lt;owner&gt;--&lt;name&gt;/&lt;revision&gt;/&lt;path&gt;.&lt;time&gt;   cached copies found bad, moved aside
 * </pre>
 * A revision with slashes ({@code refs/pr/1}) is stored as one directory with each {@code /}
 * written {@code %2F}. Keys are hashes of the cached file's relative path, so temporary
 * files never collide with repository files. A finished file only appears by an atomic
 * move from its part file, so a reader never sees half a file; a file lock keeps two
 * processes (or threads) from downloading the same file at once.
 *
 * <p>Downloads go into the standard Hugging Face cache when one is configured
 * ({@link #hfHubRoot}): {@code models--<owner>--<name>/blobs/<etag>} holds the bytes,
 * {@code snapshots/<commit>/<path>} links to them and {@code refs/<revision>} names the commit, as
 * Python's huggingface_hub writes them, so a model fetched by transformers, open_clip or timm is
 * used here and ours is used there. Files are looked for there first, then in the layout above
 * (older downloads keep working). Locks, part files and quarantine stay under our root.
 *
 * <p>Every path this class hands out is checked to lie under the root (or the Hugging Face cache).
 */
public final class ModelCache {

    /** Environment variable naming the cache root. */
    public static final String ENV_CACHE = "TRACES_CACHE";
    /** Environment variable that turns offline mode on (1, true, yes, on). */
    public static final String ENV_OFFLINE = "TRACES_OFFLINE";
    /** huggingface_hub's offline switch, honoured too. */
    public static final String ENV_HF_OFFLINE = "HF_HUB_OFFLINE";

    /** huggingface_hub's cache folder variable. */
    public static final String ENV_HF_HUB_CACHE = "HF_HUB_CACHE";
    /** huggingface_hub's home folder variable (the cache is its {@code hub/}). */
    public static final String ENV_HF_HOME = "HF_HOME";

    private final Path root;
    private final Path hfRoot;
    private final boolean offline;

    /**
     * A cache in our own layout only.
     *
     * @param root    the cache root; created on first download
     * @param offline when true, {@link HubClient} serves only cached files and never touches the network
     */
    public ModelCache(Path root, boolean offline) {
        this(root, null, offline);
    }

    /**
     * @param root    our cache root (locks, part files, quarantine, older downloads); created on first download
     * @param hfRoot  the Hugging Face hub cache downloads go to, or null for our layout only
     * @param offline when true, {@link HubClient} serves only cached files and never touches the network
     */
    public ModelCache(Path root, Path hfRoot, boolean offline) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.hfRoot = hfRoot == null ? null : hfRoot.toAbsolutePath().normalize();
        this.offline = offline;
    }

    /**
     * The Hugging Face hub cache the environment names, as huggingface_hub reads it:
     * {@code HF_HUB_CACHE}; else {@code $HF_HOME/hub}; else, when {@code TRACES_CACHE} is set (a run
     * told to keep its files in one folder), {@code $TRACES_CACHE/huggingface/hub}; else
     * {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}.
     */
    public static Path hfHubRoot(Map<String, String> env, Path userHome) {
        String hub = env.get(ENV_HF_HUB_CACHE);
        if (hub != null && !hub.isBlank()) {
            return Path.of(hub);
        }
        String home = env.get(ENV_HF_HOME);
        if (home != null && !home.isBlank()) {
            return Path.of(home, "hub");
        }
        String ours = env.get(ENV_CACHE);
        if (ours != null && !ours.isBlank()) {
            return Path.of(ours, "huggingface", "hub");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "huggingface", "hub");
        }
        return userHome.resolve(".cache").resolve("huggingface").resolve("hub");
    }

    /** The Hugging Face hub cache downloads go to, if any. */
    public Optional<Path> hfRoot() {
        return Optional.ofNullable(hfRoot);
    }

    /**
     * The cache the environment asks for: root from {@code TRACES_CACHE}, else the user's cache
     * directory; offline when {@code TRACES_OFFLINE} or {@code HF_HUB_OFFLINE} is true.
     *
     * @param env      the environment (the CLI passes {@code System.getenv()})
     * @param userHome the user's home directory
     * @param osName   the {@code os.name} system property
     */
    public static ModelCache fromEnvironment(Map<String, String> env, Path userHome, String osName) {
        return new ModelCache(defaultRoot(env, userHome, osName), hfHubRoot(env, userHome),
                isTrue(env.get(ENV_OFFLINE)) || isTrue(env.get(ENV_HF_OFFLINE)));
    }

    /**
     * The cache root the environment asks for: {@code $TRACES_CACHE}; else
     * {@code $XDG_CACHE_HOME/encoder-traces}; else {@code ~/Library/Caches/encoder-traces} on macOS,
     * {@code %LOCALAPPDATA%\encoder-traces\cache} on Windows, {@code ~/.cache/encoder-traces} elsewhere.
     */
    public static Path defaultRoot(Map<String, String> env, Path userHome, String osName) {
        String explicit = env.get(ENV_CACHE);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "encoder-traces");
        }
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return userHome.resolve("Library").resolve("Caches").resolve("encoder-traces");
        }
        if (os.startsWith("windows")) {
            String local = env.get("LOCALAPPDATA");
            if (local != null && !local.isBlank()) {
                return Path.of(local, "encoder-traces", "cache");
            }
        }
        return userHome.resolve(".cache").resolve("encoder-traces");
    }

    /** Whether an environment value means "on", as huggingface_hub reads its switches. */
    static boolean isTrue(String value) {
        if (value == null) {
            return false;
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        return v.equals("1") || v.equals("TRUE") || v.equals("YES") || v.equals("ON");
    }

    /** The cache root (absolute). */
    public Path root() {
        return root;
    }

    /** Whether the network is off limits. */
    public boolean offline() {
        return offline;
    }

    /** Where {@code file} lives once downloaded (whether or not it is there yet). */
    public Path pathFor(HubFile file) {
        Path p = root.resolve("hub").resolve(String.join("--", file.repoParts()))
                .resolve(file.revision().replace("/", "%2F"));
        for (String seg : file.pathSegments()) {
            p = p.resolve(seg);
        }
        return inside(p.normalize(), file);
    }

    /** The cached copy of {@code file}, if there is one: in the Hugging Face cache, else in our layout. */
    public Optional<Path> find(HubFile file) {
        Optional<Path> hf = findHf(file);
        if (hf.isPresent()) {
            return hf;
        }
        Path p = pathFor(file);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** {@code models--<owner>--<name>} in the Hugging Face cache. */
    private Path hfRepo(HubFile file) {
        return insideHf(hfRoot.resolve("models--" + String.join("--", file.repoParts())).normalize(), file);
    }

    /** The snapshot file of {@code file} at {@code commit}. */
    private Path hfSnapshot(HubFile file, String commit) {
        Path p = hfRepo(file).resolve("snapshots").resolve(commit);
        for (String seg : file.pathSegments()) {
            p = p.resolve(seg);
        }
        return insideHf(p.normalize(), file);
    }

    /** The commit a revision names: itself when it is one, else what {@code refs/<revision>} holds. */
    private Optional<String> hfCommit(HubFile file) {
        if (file.revision().matches("[0-9a-f]{40}")) {
            return Optional.of(file.revision());
        }
        Path ref = insideHf(hfRepo(file).resolve("refs").resolve(file.revision()).normalize(), file);
        try {
            String c = Files.isRegularFile(ref) ? Files.readString(ref, StandardCharsets.UTF_8).trim() : "";
            return c.matches("[0-9a-f]{40}") ? Optional.of(c) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Optional<Path> findHf(HubFile file) {
        if (hfRoot == null) {
            return Optional.empty();
        }
        return hfCommit(file).map(c -> hfSnapshot(file, c)).filter(Files::isRegularFile);
    }

    /**
     * The cached copy of {@code file}, or a {@link HubException} ({@code OFFLINE_MISSING}) that
     * names the repository, revision, file and the path where it was looked for.
     */
    public Path require(HubFile file) throws HubException {
        Optional<Path> p = find(file);
        if (p.isPresent()) {
            return p.get();
        }
        throw new HubException(HubException.Reason.OFFLINE_MISSING,
                "Offline mode is on and " + file.path() + " of " + file.repoId() + " at revision "
                        + file.revision() + " is not in the cache (looked for "
                        + (hfRoot == null ? "" : hfRepo(file).resolve("snapshots") + "/<commit of " + file.revision() + ">/" + file.path() + " and ")
                        + pathFor(file)
                        + "). Download it once online, or unset " + ENV_OFFLINE + "/" + ENV_HF_OFFLINE + ".");
    }

    /**
     * The part file a download of {@code file} appends to. Parts are keyed by the server's ETag too,
     * so a part left by an older version of the file is never resumed into a newer one.
     *
     * @param etag the ETag the server reported, or null
     */
    public Path partFile(HubFile file, String etag) {
        String etagKey = sha256Hex(etag == null ? "" : etag).substring(0, 16);
        return inside(tmpDir().resolve(key(file) + "-" + etagKey + ".part"), file);
    }

    /** Deletes part files of {@code file} other than {@code keep} (left by older versions). */
    public void deleteStaleParts(HubFile file, Path keep) throws IOException {
        Path tmp = tmpDir();
        if (!Files.isDirectory(tmp)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, key(file) + "-*.part")) {
            for (Path p : ds) {
                if (!p.equals(keep)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Takes the lock that guards downloading {@code file}, waiting while another process or
     * thread holds it. Close the returned lock to release it.
     */
    public CacheLock lock(HubFile file) throws IOException {
        Files.createDirectories(tmpDir());
        Path lockPath = inside(tmpDir().resolve(key(file) + ".lock"), file);
        FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            while (true) {
                try {
                    return new CacheLock(ch, ch.lock());
                } catch (OverlappingFileLockException sameJvm) {
                    // Another thread of this JVM holds it: the OS lock would not block, so poll.
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("Interrupted while waiting for the cache lock " + lockPath);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Moves a cached copy that failed its check out of the cache, to
     * {@code quarantine/<same relative path>.<UTC time>}, so the next run downloads the file again
     * instead of refusing the same bad copy forever, and the bad bytes stay there to look at.
     *
     * @return where it went
     */
    public Path quarantine(HubFile file, Path bad) throws IOException {
        if (Files.isSymbolicLink(bad)) { // a Hugging Face snapshot: keep the blob's bytes, drop the link
            Path blob = bad.toRealPath();
            Path moved = quarantine(file, blob);
            Files.deleteIfExists(bad);
            return moved;
        }
        Path rel = root.resolve("hub").relativize(pathFor(file));
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
        Path target = inside(root.resolve("quarantine").resolve(rel).normalize(), file);
        target = target.resolveSibling(target.getFileName() + "." + stamp);
        for (int i = 2; Files.exists(target); i++) {
            target = target.resolveSibling(pathFor(file).getFileName() + "." + stamp + "-" + i);
        }
        Files.createDirectories(target.getParent());
        org.encodertraces.io.AtomicFiles.moveIntoPlace(bad, target);
        return target;
    }

    /**
     * Moves a finished, verified part file to its place in the cache, atomically where the file
     * system allows, and returns that place.
     */
    public Path commit(Path part, HubFile file) throws IOException {
        Path target = pathFor(file);
        Files.createDirectories(target.getParent());
        org.encodertraces.io.AtomicFiles.moveIntoPlace(part, target);
        return target;
    }

    /**
     * Moves a finished, verified part file into the cache: into the Hugging Face cache's layout
     * when there is one and the Hub named the commit (blob named by its ETag, the LFS sha256 for
     * model files; the snapshot a relative link to it, or a copy where links are not allowed;
     * {@code refs/<revision>} naming the commit), else as {@link #commit(Path, HubFile)}.
     *
     * @param commitHash the commit the Hub resolved the revision to ({@code X-Repo-Commit}), or null
     * @param etag the file's ETag ({@code X-Linked-Etag} for LFS files), or null
     * @return where the file is now
     */
    public Path commit(Path part, HubFile file, String commitHash, String etag) throws IOException {
        boolean pinned = file.revision().matches("[0-9a-f]{40}");
        if (hfRoot == null || (!pinned && (commitHash == null || !commitHash.matches("[0-9a-f]{40}")))) {
            return commit(part, file);
        }
        if (pinned) { // a revision that is a commit is the snapshot's name, whatever the server says
            commitHash = file.revision();
        }
        String blobName = etag != null && etag.matches("[0-9A-Za-z._-]{8,128}") ? etag : sha256Hex(file + "@" + commitHash);
        Path repo = hfRepo(file);
        Path blob = insideHf(repo.resolve("blobs").resolve(blobName).normalize(), file);
        Files.createDirectories(blob.getParent());
        org.encodertraces.io.AtomicFiles.moveIntoPlace(part, blob);
        Path snap = hfSnapshot(file, commitHash);
        Files.createDirectories(snap.getParent());
        Files.deleteIfExists(snap);
        try {
            Files.createSymbolicLink(snap, snap.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException noLinks) {
            Files.copy(blob, snap);
        }
        if (!file.revision().equals(commitHash)) {
            Path ref = insideHf(repo.resolve("refs").resolve(file.revision()).normalize(), file);
            Files.createDirectories(ref.getParent());
            org.encodertraces.io.AtomicFiles.writeString(ref, commitHash);
        }
        return snap;
    }

    /** A held download lock; closing it releases the lock and its file handle. */
    public static final class CacheLock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private CacheLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() throws IOException {
            try (FileChannel ch = channel) {
                lock.release();
            }
        }
    }

    private Path tmpDir() {
        return root.resolve("tmp");
    }

    private String key(HubFile file) {
        return sha256Hex(root.relativize(pathFor(file)).toString().replace('\\', '/')).substring(0, 40);
    }

    private Path insideHf(Path p, HubFile file) {
        if (!p.startsWith(hfRoot) || p.equals(hfRoot)) {
            throw new IllegalArgumentException("Refusing a cache path outside " + hfRoot + " for " + file);
        }
        return p;
    }

    private Path inside(Path p, HubFile file) {
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IllegalArgumentException("Refusing a cache path outside " + root + " for " + file);
        }
        return p;
    }

    static String sha256Hex(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
