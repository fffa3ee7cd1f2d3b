package io.connscope.agent.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes report files readable by their owner only: a report names the hosts, ports and paths an
 * application talks to. On POSIX file systems reports are created rw------- (and directories
 * connscope creates rwx------).
 *
 * <p>No link is ever written through. In a shared directory such as /tmp another user could plant
 * a symbolic link (to the file itself or to a directory on the way) or a hard link, to make the JVM
 * overwrite a file of their choosing. So a path with a symbolic link anywhere in it, as written, is
 * refused; it is then made absolute, with {@code .} and {@code ..} resolved by name; every
 * directory on it is opened without following a link ({@link SecureDirectoryStream}, which is
 * {@code openat} with {@code O_NOFOLLOW} on Linux), from the root down; and the report is written to
 * a new file in the last one, then renamed over the report's name ({@code renameat}), which
 * replaces the name itself and never what a link there would point to: a link swapped in after
 * the checks redirects nothing either. A file with more than one hard link is refused.
 */
public final class OwnerOnlyFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<OpenOption> OPEN = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> NEW = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);

    private OwnerOnlyFiles() {
    }

    /**
     * Why {@code file} cannot be written as a report, or null when it can: checked at start-up, so a
     * mistake is not found only when the report is lost. Creates nothing.
     */
    public static String problem(Path file) {
        Path link = firstLink(file.toAbsolutePath());
        if (link != null) {
            return linkProblem(link, file.toAbsolutePath());
        }
        Path target = file.toAbsolutePath().normalize();
        if (target.getFileName() == null) {
            return "is not a file name";
        }
        Path at = target.getRoot();
        for (Path name : target) {
            at = at.resolve(name);
            if (Files.isSymbolicLink(at)) {
                return linkProblem(at, target);
            }
            if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                return null; // created when the report is written
            }
            if (!at.equals(target) && !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                return "cannot be created: " + at + " is not a directory";
            }
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return "is a directory, not a file";
        }
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return "is not a regular file";
        }
        int links = links(target);
        return links > 1 ? hardLinks(links) : null;
    }

    /** Writes {@code content} to {@code file}, replacing what was there; see the class comment for what is refused. */
    public static void write(Path file, byte[] content) throws IOException {
        Path link = firstLink(file.toAbsolutePath());
        if (link != null) {
            throw new IOException(file + " " + linkProblem(link, file.toAbsolutePath()));
        }
        Path target = file.toAbsolutePath().normalize();
        if (target.getFileName() == null) {
            throw new IOException(file + " is not a file name");
        }
        DirectoryStream<Path> root = Files.newDirectoryStream(target.getRoot());
        if (!(root instanceof SecureDirectoryStream)) {
            root.close();
            writeChecked(target, content); // a platform without openat: checked by path, best effort
            return;
        }
        SecureDirectoryStream<Path> dir = (SecureDirectoryStream<Path>) root;
        try {
            Path at = target.getRoot();
            for (int i = 0; i < target.getNameCount() - 1; i++) {
                Path name = target.getName(i);
                at = at.resolve(name);
                SecureDirectoryStream<Path> next;
                try {
                    next = openDirectory(dir, name, at);
                } catch (AccessDeniedException searchOnly) {
                    // A directory we may pass through (x) but not list (r) cannot be opened: checked by path instead.
                    writeChecked(target, content);
                    return;
                }
                dir.close();
                dir = next;
            }
            writeIn(dir, target.getFileName(), target, content);
        } finally {
            dir.close();
        }
    }

    /** Opens the directory {@code name} within {@code dir} without following a link, creating it when missing. */
    private static SecureDirectoryStream<Path> openDirectory(SecureDirectoryStream<Path> dir, Path name, Path at)
        throws IOException {
        try {
            return (SecureDirectoryStream<Path>) dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException missing) {
            try {
                // mkdir fails on any existing name, a link included, and the new directory is opened as above.
                Files.createDirectory(at, POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY)}
                    : new FileAttribute<?>[0]);
            } catch (FileAlreadyExistsException raced) {
                // created in between: opened below, and refused there if it is a link
            }
        } catch (AccessDeniedException e) {
            throw e;
        } catch (IOException e) {
            throw refusedOrFailed(at, e);
        }
        try {
            return (SecureDirectoryStream<Path>) dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            throw e;
        } catch (IOException e) {
            throw refusedOrFailed(at, e);
        }
    }

    /**
     * Writes a new owner-only file in {@code dir} and renames it over {@code name}. Where no new file
     * can be made there (a directory the JVM may not write to, holding a report it may), the report
     * is written in place instead, opened without following a link.
     */
    private static void writeIn(SecureDirectoryStream<Path> dir, Path name, Path target, byte[] content)
        throws IOException {
        PosixFileAttributeView existing = dir.getFileAttributeView(name, PosixFileAttributeView.class,
            LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes before = attributesOrNull(existing);
        if (before != null && !before.isRegularFile()) {
            throw new IOException(target + " is not a regular file");
        }
        if (before != null && links(target) > 1) {
            throw new IOException(target + " " + hardLinks(links(target)));
        }
        Path temporary = name.resolveSibling("." + name + "." + Long.toHexString(System.nanoTime()) + ".connscope");
        SeekableByteChannel out;
        try {
            out = dir.newByteChannel(temporary, NEW, ownerOnly());
        } catch (AccessDeniedException noNewFiles) {
            writeInPlace(dir, name, target, content);
            return;
        }
        try {
            try (SeekableByteChannel channel = out) {
                writeAll(channel, content);
            }
            dir.move(temporary, dir, name);
        } catch (IOException | RuntimeException e) {
            try {
                dir.deleteFile(temporary);
            } catch (IOException | RuntimeException ignored) {
                // the failure that matters is e
            }
            throw e;
        }
    }

    /** The report's own file, opened without following a link, narrowed to owner-only before it is truncated. */
    private static void writeInPlace(SecureDirectoryStream<Path> dir, Path name, Path target, byte[] content)
        throws IOException {
        SeekableByteChannel out;
        try {
            out = dir.newByteChannel(name, OPEN, ownerOnly());
        } catch (IOException e) {
            throw refusedOrFailed(target, e);
        }
        try (SeekableByteChannel channel = out) {
            PosixFileAttributeView view = dir.getFileAttributeView(name, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
            PosixFileAttributes opened = view.readAttributes();
            if (!opened.isRegularFile() || links(target) > 1) {
                throw new IOException(target + " is not a regular file with one link");
            }
            view.setPermissions(FILE); // before truncating: the old content is as private as the new
            channel.truncate(0);
            writeAll(channel, content);
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    private static PosixFileAttributes attributesOrNull(PosixFileAttributeView view) throws IOException {
        try {
            return view.readAttributes();
        } catch (NoSuchFileException missing) {
            return null;
        }
    }

    /** The first prefix of {@code path}, as written (before {@code ..} is resolved), that is a symbolic link. */
    private static Path firstLink(Path path) {
        Path at = path.getRoot();
        for (Path name : path) {
            at = at == null ? name : at.resolve(name);
            if (Files.isSymbolicLink(at)) {
                return at;
            }
        }
        return null;
    }

    private static String linkProblem(Path link, Path target) {
        return "goes through a symbolic link, " + link + "; connscope never writes through links, so give the path"
            + " without them" + realPath(target);
    }

    /** Without openat: each check by path, then an open that does not follow a link in the file's own place. */
    private static void writeChecked(Path target, byte[] content) throws IOException {
        Path parent = target.getParent();
        if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
            if (POSIX) {
                Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } else {
                Files.createDirectories(parent);
            }
        }
        String problem = problem(target);
        if (problem != null) {
            throw new IOException(target + " " + problem);
        }
        if (POSIX && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(target, FILE);
        }
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        try (SeekableByteChannel out = POSIX
            ? Files.newByteChannel(target, options, PosixFilePermissions.asFileAttribute(FILE))
            : Files.newByteChannel(target, options)) {
            writeAll(out, content);
        }
    }

    private static void writeAll(SeekableByteChannel out, byte[] content) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** The error for a failed open: a link in the way (ELOOP, "Too many levels of symbolic links") is named as such. */
    private static IOException refusedOrFailed(Path at, IOException e) {
        if (Files.isSymbolicLink(at)) {
            return new IOException(at + " is a symbolic link; connscope does not write reports through links", e);
        }
        return e;
    }

    private static int links(Path file) {
        if (!UNIX) {
            return 1;
        }
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    private static String hardLinks(int links) {
        return "has " + links + " hard links; connscope does not write reports through links";
    }

    private static String realPath(Path target) {
        try {
            Path real = target.getParent().toRealPath().resolve(target.getFileName());
            return real.equals(target) ? "" : " (" + real + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
