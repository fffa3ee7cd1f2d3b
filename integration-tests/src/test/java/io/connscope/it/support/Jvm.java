package io.connscope.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The JVMs every integration test runs on. */
public enum Jvm {
    /** JDK 17 with its default NioSocketImpl. */
    JDK17("JDK 17"),
    /** JDK 17 with the legacy PlainSocketImpl, the JDK 8/11 socket path. */
    JDK17_PLAIN_SOCKET_IMPL("JDK 17 + usePlainSocketImpl"),
    /** Temurin JDK 25. */
    JDK25("Temurin JDK 25");

    private final String label;

    Jvm(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }

    /** The java launcher, or empty when this JDK is not installed here. */
    public Optional<Path> java() {
        switch (this) {
            case JDK25:
                return find("temurin-25");
            default:
                Path current = Paths.get(System.getProperty("java.home"), "bin", "java");
                if (Runtime.version().feature() == 17) {
                    return Optional.of(current);
                }
                return find("java-17-openjdk").or(() -> find("temurin-17"));
        }
    }

    public List<String> flags() {
        List<String> flags = new ArrayList<>();
        if (this == JDK17_PLAIN_SOCKET_IMPL) {
            flags.add("-Djdk.net.usePlainSocketImpl=true");
        }
        return flags;
    }

    private static Optional<Path> find(String prefix) {
        Path root = Paths.get("/usr/lib/jvm");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(prefix))
                .map(d -> d.resolve("bin").resolve("java"))
                .filter(Files::isExecutable)
                .sorted()
                .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
