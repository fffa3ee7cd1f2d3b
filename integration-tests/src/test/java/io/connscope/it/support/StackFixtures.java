package io.connscope.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** The stack-fixtures module's applications (Netty 4.2, Vert.x, Conscrypt): its jar and its dependencies. */
public final class StackFixtures {

    private StackFixtures() {
    }

    /** Their classpath; skips the calling test with a message off Linux x86_64, where their native libraries do not load. */
    public static List<String> classpath() throws IOException {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"),
            "native transports and TLS libraries are tested on Linux x86_64 only; skipped on " + System.getProperty("os.name")
                + "/" + System.getProperty("os.arch"));
        Path dir = Paths.get(System.getProperty("connscope.stack.fixtures.dir"));
        List<String> cp = new ArrayList<>(Arrays.asList(Files.readString(dir.resolve("classpath.txt")).trim().split(File.pathSeparator)));
        try (Stream<Path> jars = Files.list(dir)) {
            jars.filter(p -> p.getFileName().toString().matches("connscope-stack-fixtures-.*\\.jar")).forEach(p -> cp.add(p.toString()));
        }
        return cp;
    }
}
