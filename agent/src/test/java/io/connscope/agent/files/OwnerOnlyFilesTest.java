package io.connscope.agent.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {

    @TempDir
    Path dir;

    @Test
    void newFilesAndTheDirectoriesMadeForThemAreOwnerOnly() throws IOException {
        Path file = dir.resolve("reports/today/report.txt");
        OwnerOnlyFiles.write(file, "first".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("first");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("reports"))))
            .isEqualTo("rwx------");
    }

    @Test
    void anExistingReportIsNarrowedAndReplaced() throws IOException {
        Path file = dir.resolve("report.txt");
        Files.writeString(file, "an older and longer report");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        OwnerOnlyFiles.write(file, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aSymbolicLinkIsNotWrittenThrough() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("report.txt"), victim);
        assertThatThrownBy(() -> OwnerOnlyFiles.write(link, "x".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IOException.class).hasMessageContaining("goes through a symbolic link");
        assertThat(Files.readString(victim)).isEqualTo("keep me");
    }

    @Test
    void aSymbolicLinkToADirectoryOnTheWayIsNotWrittenThrough() throws IOException {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path victim = Files.writeString(elsewhere.resolve("report.txt"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("reports"), elsewhere);
        assertThat(OwnerOnlyFiles.problem(link.resolve("report.txt"))).startsWith("goes through a symbolic link, " + link);
        assertThatThrownBy(() -> OwnerOnlyFiles.write(link.resolve("report.txt"), "x".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IOException.class).hasMessageContaining("goes through a symbolic link, " + link);
        assertThatThrownBy(() -> OwnerOnlyFiles.write(link.resolve("new/report.txt"), "x".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IOException.class).hasMessageContaining("goes through a symbolic link, " + link);
        assertThat(Files.readString(victim)).isEqualTo("keep me");
        assertThat(elsewhere.resolve("new")).doesNotExist();
    }

    @Test
    void aFileWithAnotherHardLinkIsNotReplaced() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "keep me");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        Path report = Files.createLink(dir.resolve("report.txt"), victim);
        assertThat(OwnerOnlyFiles.problem(report)).isEqualTo("has 2 hard links; connscope does not write reports through links");
        assertThatThrownBy(() -> OwnerOnlyFiles.write(report, "x".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IOException.class).hasMessageContaining("has 2 hard links");
        assertThat(Files.readString(victim)).isEqualTo("keep me");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-r--r--");
    }

    @Test
    void dotDotIsResolvedByNameAndADirectoryIsNoFile() throws IOException {
        Files.createDirectories(dir.resolve("a/b"));
        OwnerOnlyFiles.write(dir.resolve("a/b/../r.txt"), "x".getBytes(StandardCharsets.UTF_8));
        assertThat(dir.resolve("a/r.txt")).hasContent("x");
        assertThat(OwnerOnlyFiles.problem(dir.resolve("a"))).isEqualTo("is a directory, not a file");
        assertThat(OwnerOnlyFiles.problem(dir.resolve("a/r.txt/x"))).startsWith("cannot be created: ");
    }

    @Test
    void aLinkOnThePathAsWrittenIsRefusedEvenWhenDotDotWouldStepOverIt() throws IOException {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), elsewhere);
        Path viaDotDot = dir.resolve("link/../report.txt");
        assertThat(OwnerOnlyFiles.problem(viaDotDot)).startsWith("goes through a symbolic link, " + link);
        assertThatThrownBy(() -> OwnerOnlyFiles.write(viaDotDot, "x".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IOException.class).hasMessageContaining("goes through a symbolic link");
        assertThat(dir.resolve("report.txt")).doesNotExist();
    }

    /** The report is renamed into place: a planted link in its place is replaced, never written through. */
    @Test
    void aReplacedReportIsANewFileAndLeavesNoTemporaryBehind() throws IOException {
        Path file = dir.resolve("report.txt");
        OwnerOnlyFiles.write(file, "first".getBytes(StandardCharsets.UTF_8));
        Object firstKey = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        OwnerOnlyFiles.write(file, "second".getBytes(StandardCharsets.UTF_8));
        assertThat(file).hasContent("second");
        assertThat(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
            .isNotEqualTo(firstKey);
        try (java.util.stream.Stream<Path> left = Files.list(dir)) {
            assertThat(left).containsExactly(file);
        }
    }
}
