package io.connscope.agent.instrument;

import io.connscope.agent.runtime.AgentLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;

/**
 * Instrumented JDK class files kept on disk between runs. Weaving the advice with Byte Buddy is
 * most of connscope's start-up cost, and its result depends only on the JDK's class file and on
 * connscope's own build, so a warm start loads the woven bytes and never starts Byte Buddy.
 *
 * <p>The bytes are injected into java.base, so the cache is trusted only as far as its directory:
 * it must be a real directory, owned by the user the JVM runs as, with no access for group or
 * others; otherwise the cache is not used. Every entry names the class, the JDK class file
 * (length and CRC-32) and connscope's build it was woven from, and ends with a CRC-32 of itself;
 * an entry that does not match is woven again and replaced.
 */
final class TransformCache {

    private static final int MAGIC = 0x43534331; // "CSC1"
    /**
     * Entries kept; the least recently used are removed first (a load touches its entry), so the JDK
     * classes every start needs outlive a library's one-off classes. Each JDK and connscope build
     * needs about a dozen, and each Netty or gRPC version followed a few more.
     */
    static final int MAX_ENTRIES = 256;
    private static final long MAX_ENTRY_BYTES = 4L << 20;
    private static final String SUFFIX = ".woven";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final long build;
    private final AtomicInteger failedStores = new AtomicInteger();

    private TransformCache(Path dir, long build) {
        this.dir = dir;
        this.build = build;
    }

    /** A cache that keeps nothing. */
    static TransformCache off() {
        return new TransformCache(null, 0L);
    }

    /**
     * The cache in {@code dir}, created owner-only when missing, or {@link #off()} (with the reason
     * on one line) when the directory cannot be trusted or used.
     *
     * @param build identifies what the woven bytes depend on besides the JDK class: connscope's advice and weaver
     */
    static TransformCache open(Path dir, long build) {
        String refused;
        try {
            refused = prepare(dir);
        } catch (IOException | RuntimeException e) {
            refused = e.toString();
        }
        return refused == null ? new TransformCache(dir, build) : unused(dir, refused);
    }

    /** {@link #off()}, saying why: the host's start-up is slower without the cache. */
    static TransformCache unused(Path dir, String why) {
        AgentLog.info("instrumentation cache " + dir + " not used: " + why + "; start-up weaves the JDK classes every time");
        return off();
    }

    /** Null when the directory is ready and trusted, else why not. */
    private static String prepare(Path dir) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return "its owner and permissions cannot be checked on this file system";
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return "it is not a directory (or is a symbolic link)";
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!OWNER_ONLY.containsAll(perms)) {
            return "group or others have access to it (" + PosixFilePermissions.toString(perms) + ")";
        }
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        UserPrincipal self;
        try {
            self = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        } catch (IOException e) {
            return "the user the JVM runs as (" + System.getProperty("user.name") + ") has no name to check its owner by";
        }
        return owner.equals(self) ? null : "it is owned by " + owner + ", not by " + self;
    }

    boolean enabled() {
        return dir != null;
    }

    /**
     * The woven bytes for this JDK class file, or null when there are none (or they do not match).
     * {@code matched} receives the indices of the advice that found its method.
     */
    byte[] load(String className, byte[] original, Set<Integer> matched) {
        if (dir == null) {
            return null;
        }
        Path file = dir.resolve(entryName(className, original));
        byte[] entry;
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_ENTRY_BYTES) {
                return null;
            }
            entry = readAll(file);
        } catch (IOException | RuntimeException e) {
            AgentLog.debug("instrumentation cache entry " + file + " unreadable: " + e);
            return null;
        }
        byte[] woven;
        try {
            woven = decode(entry, className, original, matched);
        } catch (IOException | RuntimeException e) {
            woven = null;
        }
        if (woven != null) {
            touch(file);
        } else {
            AgentLog.debug("instrumentation cache entry " + file + " does not match; weaving again");
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                AgentLog.debug("could not remove " + file + ": " + e);
            }
        }
        return woven;
    }

    /** Entries that could not be written (counted for {@code prepare}, which must fill the cache). */
    int failedStores() {
        return failedStores.get();
    }

    /** Keeps the woven bytes for the next start; failures only cost that start its speed. */
    void store(String className, byte[] original, byte[] woven, Set<Integer> matched) {
        if (dir == null) {
            return;
        }
        try {
            trim();
            // Named without Files.createTempFile, whose SecureRandom would load and seed the host's security
            // providers; the process and thread make the name unique, CREATE_NEW makes sure of it.
            Path tmp = dir.resolve("entry-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId() + "-"
                + System.nanoTime() + ".tmp");
            try {
                if (!tmp.toFile().createNewFile()) {
                    throw new IOException(tmp + " exists already");
                }
                Files.setPosixFilePermissions(tmp, OWNER_READ_WRITE); // in an owner-only directory from its creation
                try (OutputStream out = new FileOutputStream(tmp.toFile())) {
                    out.write(encode(className, original, woven, matched));
                }
                Files.move(tmp, dir.resolve(entryName(className, original)), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            failedStores.incrementAndGet();
            AgentLog.once("transform-cache-store", "could not keep instrumented " + className + " in " + dir + ": " + e, e);
        }
    }

    /**
     * The file's bytes, read through java.io: the cache is read and written from inside the class file
     * transformer, and the NIO file channels would load FileChannelImpl there, itself a class connscope
     * instruments, which the JVM then leaves untransformed (it does not call a transformer from within
     * itself).
     */
    private static byte[] readAll(Path file) throws IOException {
        try (InputStream in = new FileInputStream(file.toFile())) {
            return in.readAllBytes();
        }
    }

    private String entryName(String className, byte[] original) {
        return className + "-" + original.length + "-" + Long.toHexString(crc(original, 0, original.length)) + "-"
            + Long.toHexString(build) + SUFFIX;
    }

    private byte[] encode(String className, byte[] original, byte[] woven, Set<Integer> matched) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(woven.length + 128);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeUTF(className);
        out.writeLong(build);
        out.writeInt(original.length);
        out.writeLong(crc(original, 0, original.length));
        out.writeInt(matched.size());
        for (int i : matched) {
            out.writeInt(i);
        }
        out.writeInt(woven.length);
        out.write(woven);
        out.flush();
        byte[] body = bytes.toByteArray();
        out.writeLong(crc(body, 0, body.length));
        out.flush();
        return bytes.toByteArray();
    }

    private byte[] decode(byte[] entry, String className, byte[] original, Set<Integer> matched) throws IOException {
        if (entry.length < Long.BYTES) {
            return null;
        }
        int bodyLength = entry.length - Long.BYTES;
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry));
        if (in.readInt() != MAGIC || !in.readUTF().equals(className) || in.readLong() != build
            || in.readInt() != original.length || in.readLong() != crc(original, 0, original.length)) {
            return null;
        }
        int count = in.readInt();
        if (count < 0 || count > 64) {
            return null;
        }
        List<Integer> indices = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            indices.add(in.readInt());
        }
        int length = in.readInt();
        if (length <= 0 || length > bodyLength) {
            return null;
        }
        byte[] woven = new byte[length];
        in.readFully(woven);
        if (in.available() != Long.BYTES || in.readLong() != crc(entry, 0, bodyLength)) {
            return null;
        }
        matched.addAll(indices);
        return woven;
    }

    /** Removes the least recently used entries when the directory holds too many (old JDK or connscope builds). */
    private void trim() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            files.forEach(entries::add);
        }
        if (entries.size() < MAX_ENTRIES) {
            return;
        }
        entries.sort((a, b) -> modified(a).compareTo(modified(b)));
        for (int i = 0; i <= entries.size() - MAX_ENTRIES; i++) {
            Files.deleteIfExists(entries.get(i));
        }
    }

    /** Marks an entry as used now, so that trimming keeps it; failing only makes it older. */
    private static void touch(Path entry) {
        try {
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException | RuntimeException e) {
            AgentLog.debug("could not mark " + entry + " as used: " + e);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static long crc(byte[] b, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(b, off, len);
        return crc.getValue();
    }

    /**
     * Identifies what the woven bytes depend on in this build of the agent jar: a CRC-32 over the
     * CRC-32 and size of the given classes' entries, read from the jar's directory without
     * inflating anything.
     */
    static long buildOf(Path agentJar, List<Class<?>> classes) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer entryId = ByteBuffer.allocate(2 * Long.BYTES);
        try (JarFile jar = new JarFile(agentJar.toFile(), false)) {
            for (Class<?> c : classes) {
                JarEntry entry = jar.getJarEntry(c.getName().replace('.', '/') + ".class");
                if (entry == null) {
                    throw new IOException(c.getName() + " is not in " + agentJar);
                }
                entryId.clear();
                crc.update(entryId.putLong(entry.getCrc()).putLong(entry.getSize()).flip());
            }
        }
        return crc.getValue();
    }
}
