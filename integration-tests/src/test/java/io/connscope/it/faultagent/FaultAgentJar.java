package io.connscope.it.faultagent;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The jar of {@link FailingHooksAgent}, built once per test run from this package's compiled classes. */
public final class FaultAgentJar {

    private static Path jar;

    private FaultAgentJar() {
    }

    public static synchronized Path path() {
        if (jar == null) {
            try {
                jar = build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return jar;
    }

    private static Path build() throws IOException {
        Path classes;
        try {
            classes = Paths.get(FailingHooksAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        String dir = FailingHooksAgent.class.getPackageName().replace('.', '/');
        List<Path> files;
        try (Stream<Path> list = Files.list(classes.resolve(dir))) {
            files = list.filter(p -> p.getFileName().toString().startsWith("FailingHooksAgent"))
                .collect(Collectors.toList());
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", FailingHooksAgent.class.getName());
        Path out = classes.getParent().resolve("failing-hooks-agent.jar");
        try (OutputStream os = Files.newOutputStream(out); JarOutputStream jos = new JarOutputStream(os, manifest)) {
            for (Path f : files) {
                jos.putNextEntry(new JarEntry(dir + "/" + f.getFileName()));
                Files.copy(f, jos);
                jos.closeEntry();
            }
        }
        return out;
    }
}
