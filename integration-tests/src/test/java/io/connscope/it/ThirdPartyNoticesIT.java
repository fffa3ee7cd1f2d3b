package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The shaded agent jar carries what the licenses of the libraries it bundles require: the Apache
 * License, the list of bundled artifacts, and every LICENSE and NOTICE file their own jars carry,
 * byte for byte, under META-INF/third-party/&lt;artifactId&gt;/. Checked against the original jars in
 * the local Maven repository, not against the build's configuration.
 */
class ThirdPartyNoticesIT {

    @Test
    void everyBundledLibrarysLicenseAndNoticeShipInTheAgentJar() throws Exception {
        Path repository = Paths.get(System.getProperty("user.home"), ".m2", "repository");
        try (JarFile agent = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            assertThat(text(agent, "META-INF/third-party/LICENSE-Apache-2.0.txt")).contains("Apache License", "Version 2.0, January 2004");
            List<String[]> bundled = new ArrayList<>();
            for (String line : text(agent, "META-INF/third-party/DEPENDENCIES.txt").split("\n")) {
                String coordinates = line.trim().split(" ")[0];
                String[] c = coordinates.split(":");
                if (c.length >= 5) {
                    bundled.add(c);
                }
            }
            // The relocated packages in the jar are those of the listed libraries.
            assertThat(bundled).extracting(c -> c[0]).contains("net.bytebuddy", "io.opentelemetry", "io.prometheus",
                "com.fasterxml.jackson.core");
            int notices = 0;
            for (String[] c : bundled) {
                Path jar = repository.resolve(c[0].replace('.', '/')).resolve(c[1]).resolve(c[3]).resolve(c[1] + "-" + c[3] + ".jar");
                if (!Files.exists(jar)) {
                    continue; // a repository elsewhere: nothing to compare with
                }
                try (JarFile original = new JarFile(jar.toFile())) {
                    for (ZipEntry e : java.util.Collections.list(original.entries())) {
                        String name = e.getName();
                        boolean legal = !e.isDirectory() && name.startsWith("META-INF/")
                            && (name.startsWith("META-INF/LICENSE") || name.startsWith("META-INF/NOTICE")
                            || name.endsWith("-LICENSE") || name.startsWith("META-INF/licenses/"));
                        if (legal) {
                            String shipped = "META-INF/third-party/" + c[1] + "/" + name;
                            ZipEntry kept = agent.getEntry(shipped);
                            assertThat(kept).as("%s from %s", shipped, jar.getFileName()).isNotNull();
                            assertThat(agent.getInputStream(kept).readAllBytes()).as(shipped)
                                .isEqualTo(original.getInputStream(e).readAllBytes());
                            notices++;
                        }
                    }
                }
            }
            assertThat(notices).as("LICENSE and NOTICE files found in the bundled jars").isGreaterThanOrEqualTo(6);
        }
    }

    private static String text(JarFile jar, String name) throws Exception {
        ZipEntry e = jar.getEntry(name);
        assertThat(e).as(name).isNotNull();
        return new String(jar.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
    }
}
