package io.connscope.agent.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes report files readable by their owner only: a report names the hosts, ports and paths an
 * application talks to. On POSIX file systems new files are created rw------- (and directories
 * connscope creates rwx------), an existing report is narrowed to rw------- before it is
 * rewritten, and a symbolic link is never written through: in a shared directory such as /tmp
 * another user could have planted it to make the JVM overwrite a file of its choosing.
 */
final class OwnerOnlyFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<OpenOption> OPEN = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);

    private OwnerOnlyFiles() {
    }

    static void write(Path file, byte[] content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            if (POSIX) {
                Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } else {
                Files.createDirectories(parent);
            }
        }
        if (Files.isSymbolicLink(file)) {
            throw new IOException(file + " is a symbolic link; connscope does not write reports through links");
        }
        FileAttribute<?>[] attributes = POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
        if (POSIX && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(file, FILE); // before truncating: the old content is as private as the new
        }
        try (SeekableByteChannel out = Files.newByteChannel(file, OPEN, attributes)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
    }
}
