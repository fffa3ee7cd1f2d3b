package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connscope.it.support.ChildJvm;
import io.connscope.testsupport.Jvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The container recipe of docs/kubernetes: recipe.sh runs the Dockerfile's steps without Docker (the
 * jar in a directory the application cannot write to, the cache prepared ahead as the non-root user,
 * JAVA_TOOL_OPTIONS, the report on the only writable path), and the Dockerfile and the Deployment
 * name the same paths, user and settings as the script.
 */
class ContainerRecipeIT {

    private static final Path KUBERNETES = Paths.get(System.getProperty("connscope.project.dir"), "docs", "kubernetes");
    private static final Pattern SCRIPT_PATH = Pattern.compile("(?m)^(JAR|CACHE|REPORT)=(\\S+)$");

    @Test
    void theRecipeRunsAsANonRootUserWithConnscopeReadOnlyAndAPreparedCache() throws Exception {
        // Under the system's temporary directory: every directory above it must let the application's user through.
        Path root = Files.createTempDirectory(Paths.get(System.getProperty("java.io.tmpdir")), "connscope-recipe-");
        try {
            runRecipe(root);
        } finally {
            new ProcessBuilder("sh", "-c", "chmod -R u+w \"$0\" && rm -rf \"$0\"", root.toString()).start().waitFor();
        }
    }

    private static void runRecipe(Path root) throws Exception {
        Map<String, String> paths = scriptPaths();
        List<String> cmd = List.of("bash", KUBERNETES.resolve("recipe.sh").toString(), Jvm.JDK17.java().orElseThrow().toString(),
            ChildJvm.AGENT_JAR.toString(), ChildJvm.DEMO_JAR.toString(), root.toString(), "keep-alive");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CONNSCOPE_") || k.startsWith("OTEL_") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().put("CONNSCOPE_DEBUG", "true");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        // Prepared at "build", as the application's user.
        Matcher prepared = Pattern.compile("prepared for Java \\S+ \\(.+\\), socket path JDK 13\\+: (\\d+) class files woven")
            .matcher(out);
        assertThat(prepared.find()).as(out).isTrue();
        Path cache = root.resolve(paths.get("CACHE").substring(1));
        int woven = Integer.parseInt(prepared.group(1));
        assertThat(InstrumentCacheIT.entries(cache)).hasSize(woven);
        // Started by JAVA_TOOL_OPTIONS alone: every JDK class from the cache, nothing woven, nothing written beside the jar.
        assertThat(out.substring(prepared.end())).contains("Picked up JAVA_TOOL_OPTIONS: -javaagent:" + root + paths.get("JAR"));
        String started = out.substring(prepared.end());
        assertThat(InstrumentCacheIT.instrumented(started)).isNotEmpty().allMatch(l -> l.endsWith(InstrumentCacheIT.FROM_CACHE));
        assertThat(InstrumentCacheIT.entries(cache)).hasSize(woven);
        Path jarDir = root.resolve(paths.get("JAR").substring(1)).getParent();
        try (Stream<Path> files = Files.list(jarDir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("connscope-agent.jar", "cache");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jarDir))).isEqualTo("r-xr-xr-x");
        // The report, on the writable path, by the application's user: nobody's when the test runs as root.
        Path report = root.resolve(paths.get("REPORT").substring(1));
        assertThat(Files.readString(report)).contains("==== connscope connection report ====", "2 connection(s)");
        if (isRoot()) {
            assertThat(Files.getAttribute(report, "unix:uid")).isEqualTo(65534);
            assertThat(Files.getAttribute(cache, "unix:uid")).isEqualTo(65534);
        }
    }

    @Test
    void theDockerfileAndTheDeploymentNameWhatTheScriptRuns() throws Exception {
        Map<String, String> paths = scriptPaths();
        String options = "-javaagent:" + paths.get("JAR") + " -Dconnscope.instrument.cache=" + paths.get("CACHE")
            + " -Dconnscope.report.file=" + paths.get("REPORT");

        List<String[]> dockerfile = instructions(Files.readString(KUBERNETES.resolve("Dockerfile")));
        assertThat(dockerfile).extracting(i -> i[0]).containsSubsequence("FROM", "RUN", "COPY", "USER", "RUN", "ENV", "ENTRYPOINT");
        assertThat(argument(dockerfile, "COPY", 0)).endsWith(" connscope-agent.jar " + paths.get("JAR"));
        assertThat(argument(dockerfile, "USER", 0)).isEqualTo("10001");
        assertThat(argument(dockerfile, "RUN", 1)).isEqualTo("java -jar " + paths.get("JAR") + " prepare instrument.cache="
            + paths.get("CACHE"));
        assertThat(argument(dockerfile, "RUN", 0)).contains("useradd --uid 10001", "mkdir -p " + paths.get("CACHE"),
            "chown 10001 " + paths.get("CACHE"), "chmod 700 " + paths.get("CACHE"));
        assertThat(argument(dockerfile, "ENV", 0)).isEqualTo("JAVA_TOOL_OPTIONS=\"" + options + "\"");

        JsonNode pod = new ObjectMapper(new YAMLFactory()).readTree(KUBERNETES.resolve("deployment.yaml").toFile())
            .path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(10001);
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        Map<String, String> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        assertThat(env).containsEntry("JAVA_TOOL_OPTIONS", options)
            .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://$(NODE_IP):4318");
        // The report's directory is on the one writable volume.
        assertThat(container.path("volumeMounts").get(0).path("mountPath").asText()).isEqualTo("/tmp");
        assertThat(paths.get("REPORT")).startsWith("/tmp/");
        assertThat(pod.path("volumes").get(0).has("emptyDir")).isTrue();
        // The Collector's OTLP/HTTP port, as docs/collector configures it.
        assertThat(Files.readString(KUBERNETES.resolveSibling("collector").resolve("otel-collector.yaml")))
            .contains("endpoint: 0.0.0.0:4318");
    }

    @Test
    void theOperatorsInstrumentationNamesTheExtensionImageAsBuilt() throws Exception {
        List<String[]> dockerfile = instructions(Files.readString(KUBERNETES.resolve("extension.Dockerfile")));
        assertThat(dockerfile).extracting(i -> i[0]).containsExactly("FROM", "COPY");
        String built = Paths.get(System.getProperty("connscope.extension.jar")).getFileName().toString();
        String[] copy = argument(dockerfile, "COPY", 0).split("\\s+");
        assertThat(copy[copy.length - 2]).isEqualTo(built);
        Path target = Paths.get(copy[copy.length - 1]);
        assertThat(target.getFileName().toString()).isEqualTo(built);

        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(KUBERNETES.resolve("instrumentation.yaml").toFile())
            .path("spec");
        assertThat(spec.path("java").path("extensions").get(0).path("dir").asText()).isEqualTo(target.getParent().toString());
        assertThat(spec.path("exporter").path("endpoint").asText()).endsWith(":4318");
    }

    private static Map<String, String> scriptPaths() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = SCRIPT_PATH.matcher(Files.readString(KUBERNETES.resolve("recipe.sh")));
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        assertThat(out).containsOnlyKeys("JAR", "CACHE", "REPORT");
        return out;
    }

    /** The Dockerfile's instructions, continuation lines joined: {keyword, arguments}. */
    private static List<String[]> instructions(String text) {
        List<String[]> out = new ArrayList<>();
        String joined = text.replaceAll("\\\\\\n\\s*", " ");
        for (String line : joined.split("\n")) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+", 2);
            out.add(new String[] {parts[0], parts.length > 1 ? parts[1] : ""});
        }
        return out;
    }

    private static String argument(List<String[]> instructions, String keyword, int index) {
        List<String> matching = instructions.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1])
            .collect(Collectors.toList());
        return matching.get(index);
    }

    private static boolean isRoot() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        return new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0");
    }
}
