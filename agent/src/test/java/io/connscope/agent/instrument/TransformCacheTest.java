package io.connscope.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformCacheTest {

    private static final byte[] ORIGINAL = "original class file".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WOVEN = "woven class file, longer".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @Test
    void keepsWhatWasWovenForTheSameClassFileAndBuildOnly() {
        Path dir = tmp.resolve("cache");
        TransformCache cache = TransformCache.open(dir, 7L);
        assertThat(cache.enabled()).isTrue();
        cache.store("java.net.Socket", ORIGINAL, WOVEN, Set.of(0, 2));

        Set<Integer> matched = new HashSet<>();
        assertThat(TransformCache.open(dir, 7L).load("java.net.Socket", ORIGINAL, matched)).isEqualTo(WOVEN);
        assertThat(matched).containsExactlyInAnyOrder(0, 2);

        byte[] otherJdk = "original class filE".getBytes(StandardCharsets.UTF_8);
        assertThat(cache.load("java.net.Socket", otherJdk, new HashSet<>())).isNull();
        assertThat(cache.load("java.net.ServerSocket", ORIGINAL, new HashSet<>())).isNull();
        assertThat(TransformCache.open(dir, 8L).load("java.net.Socket", ORIGINAL, new HashSet<>()))
            .as("another build of the agent").isNull();
    }

    @Test
    void createsItsDirectoryAndEntriesForTheOwnerOnly() throws IOException {
        Path dir = tmp.resolve("a/b/cache");
        TransformCache.open(dir, 1L).store("java.net.Socket", ORIGINAL, WOVEN, Set.of());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        for (Path entry : entries(dir)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(entry))).isEqualTo("rw-------");
        }
        assertThat(entries(dir)).hasSize(1);
    }

    @Test
    void aDamagedEntryIsNotUsedAndIsRemoved() throws IOException {
        Path dir = tmp.resolve("cache");
        TransformCache cache = TransformCache.open(dir, 1L);
        cache.store("java.net.Socket", ORIGINAL, WOVEN, Set.of(1));
        Path entry = entries(dir).get(0);
        byte[] bytes = Files.readAllBytes(entry);
        for (int i = 0; i < bytes.length; i++) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x01;
            Files.write(entry, damaged);
            Set<Integer> matched = new HashSet<>();
            assertThat(cache.load("java.net.Socket", ORIGINAL, matched)).as("byte %d flipped", i).isNull();
            assertThat(matched).isEmpty();
            assertThat(entry).doesNotExist();
        }
        Files.write(entry, new byte[] {1, 2, 3});
        assertThat(cache.load("java.net.Socket", ORIGINAL, new HashSet<>())).isNull();
    }

    @Test
    void aDirectoryOthersCanWriteToOrALinkIsNotTrusted() throws IOException {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(TransformCache.open(open, 1L).enabled()).isFalse();

        Path group = Files.createDirectory(tmp.resolve("group"));
        Files.setPosixFilePermissions(group, PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(TransformCache.open(group, 1L).enabled()).isFalse();

        Path real = tmp.resolve("real");
        TransformCache.open(real, 1L);
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertThat(TransformCache.open(link, 1L).enabled()).isFalse();

        Path file = Files.createFile(tmp.resolve("file"));
        assertThat(TransformCache.open(file, 1L).enabled()).isFalse();
        TransformCache off = TransformCache.off();
        off.store("java.net.Socket", ORIGINAL, WOVEN, Set.of());
        assertThat(off.load("java.net.Socket", ORIGINAL, new HashSet<>())).isNull();
    }

    @Test
    void aDirectoryOwnedByAnotherUserIsNotTrusted() throws IOException {
        Path theirs = tmp.resolve("theirs");
        TransformCache.open(theirs, 1L).store("java.net.Socket", ORIGINAL, WOVEN, Set.of());
        UserPrincipal nobody;
        try {
            // Only root can give a directory away; elsewhere this check cannot be arranged.
            nobody = theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(theirs, nobody);
        } catch (IOException e) {
            Assumptions.abort("cannot give a directory to another user here: " + e);
            return;
        }
        assertThat(Files.getOwner(theirs)).isEqualTo(nobody);
        TransformCache cache = TransformCache.open(theirs, 1L);
        assertThat(cache.enabled()).isFalse();
        assertThat(cache.load("java.net.Socket", ORIGINAL, new HashSet<>())).isNull();
    }

    @Test
    void keepsAtMostItsBoundRemovingTheOldestFirst() throws IOException {
        Path dir = tmp.resolve("cache");
        TransformCache cache = TransformCache.open(dir, 1L);
        for (int i = 0; i < TransformCache.MAX_ENTRIES + 5; i++) {
            String name = "C" + i;
            cache.store(name, ORIGINAL, WOVEN, Set.of());
            Path newest = entries(dir).stream().filter(p -> p.getFileName().toString().startsWith(name + "-"))
                .findFirst().orElseThrow();
            Files.setLastModifiedTime(newest, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        assertThat(entries(dir)).hasSize(TransformCache.MAX_ENTRIES);
        assertThat(cache.load("C0", ORIGINAL, new HashSet<>())).isNull();
        assertThat(cache.load("C" + (TransformCache.MAX_ENTRIES + 4), ORIGINAL, new HashSet<>())).isEqualTo(WOVEN);
    }

    @Test
    void anEntryInUseOutlivesEntriesWrittenAfterIt() throws IOException {
        Path dir = tmp.resolve("cache");
        TransformCache cache = TransformCache.open(dir, 1L);
        cache.store("java.net.Socket", ORIGINAL, WOVEN, Set.of());
        for (Path p : entries(dir)) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(1_000L)); // written long ago
        }
        for (int i = 0; i < TransformCache.MAX_ENTRIES + 5; i++) {
            cache.store("C" + i, ORIGINAL, WOVEN, Set.of());
            if (i % 16 == 0) {
                assertThat(cache.load("java.net.Socket", ORIGINAL, new HashSet<>())).as("loaded by every start").isEqualTo(WOVEN);
            }
        }
        assertThat(entries(dir)).hasSize(TransformCache.MAX_ENTRIES);
        assertThat(cache.load("java.net.Socket", ORIGINAL, new HashSet<>())).isEqualTo(WOVEN);
        assertThat(cache.load("C0", ORIGINAL, new HashSet<>())).as("never loaded again").isNull();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).as("no temporary file left").isEmpty();
        }
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".woven")).sorted().collect(Collectors.toList());
        }
    }
}
