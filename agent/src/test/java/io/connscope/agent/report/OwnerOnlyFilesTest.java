package io.connscope.agent.report;

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
            .isInstanceOf(IOException.class).hasMessageContaining("is a symbolic link");
        assertThat(Files.readString(victim)).isEqualTo("keep me");
    }
}
