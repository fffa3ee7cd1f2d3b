package io.connscope.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The JDKs connscope is tested on: every integration test runs on each, where it is found. */
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

    /**
     * The java launcher, or empty when this JDK is not found: the JDK home given by the setting
     * {@code connscope.it.jdk17.home} or {@code connscope.it.jdk25.home} (a system property, or
     * {@code CONNSCOPE_IT_JDK17_HOME} / {@code CONNSCOPE_IT_JDK25_HOME} in the environment); else, for 17,
     * the JDK running the tests when it is a 17; else the first match under {@code /usr/lib/jvm}.
     */
    public Optional<Path> java() {
        int feature = this == JDK25 ? 25 : 17;
        Optional<Path> configured = configured(feature);
        if (configured.isPresent()) {
            return configured;
        }
        if (feature == 17 && Runtime.version().feature() == 17) {
            return Optional.of(Paths.get(System.getProperty("java.home"), "bin", "java"));
        }
        return feature == 25 ? find("temurin-25") : find("java-17-openjdk").or(() -> find("temurin-17"));
    }

    /** Where {@link #java()} looks, for a message that says how to point it elsewhere. */
    public String whereLooked() {
        int feature = this == JDK25 ? 25 : 17;
        return "connscope.it.jdk" + feature + ".home, CONNSCOPE_IT_JDK" + feature + "_HOME, /usr/lib/jvm";
    }

    /** The launcher of the JDK home the setting names; a setting that names no JDK is an error, not a skip. */
    private static Optional<Path> configured(int feature) {
        String home = System.getProperty("connscope.it.jdk" + feature + ".home");
        if (home == null || home.isBlank()) {
            home = System.getenv("CONNSCOPE_IT_JDK" + feature + "_HOME");
        }
        if (home == null || home.isBlank()) {
            return Optional.empty();
        }
        Path java = Paths.get(home.trim(), "bin", "java");
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException("connscope.it.jdk" + feature + ".home is " + home + ", which has no executable bin/java");
        }
        return Optional.of(java);
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
