package io.connscope.agent.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Package dependencies run one way, in the order data flows (see CONTRIBUTING.md): a package may use
 * only packages of a lower layer. That rules out cycles, and keeps the wiring, which knows every
 * package, out of everyone else's way. Read from the sources, imports and fully qualified names alike.
 */
class PackageLayersTest {

    private static final String AGENT = "io.connscope.agent";

    /** Each package of the agent and its layer; lower layers never use higher ones. */
    private static final Map<String, Integer> LAYERS = Map.ofEntries(
        // the bootstrap bridge, text escaping and owner-only files: used everywhere
        Map.entry("io.connscope.bridge", 0),
        Map.entry(AGENT + ".text", 0),
        Map.entry(AGENT + ".files", 0),
        // the agent's own log and threads, and its settings; the one view of wire bytes, and the analyser interface
        Map.entry(AGENT + ".runtime", 1),
        Map.entry(AGENT + ".config", 1),
        Map.entry(AGENT + ".wire", 1),
        // the hooks woven into the JDK and libraries, and access to JDK internals
        Map.entry(AGENT + ".instrument", 2),
        // wire analysis
        Map.entry(AGENT + ".websocket", 2),
        Map.entry(AGENT + ".http", 3),
        Map.entry(AGENT + ".resp", 3),
        // lifecycle tracking: the bridge's sink, one class per source of events
        Map.entry(AGENT + ".connection", 4),
        // the rules
        Map.entry(AGENT + ".diagnose", 5),
        // events, their queue, and the thread that diagnoses them and hands them to the sinks
        Map.entry(AGENT + ".pipeline", 6),
        // sinks
        Map.entry(AGENT + ".export", 7),
        Map.entry(AGENT + ".export.sender", 7),
        Map.entry(AGENT + ".jfr", 7),
        Map.entry(AGENT + ".report", 8), // its account of export health comes from export
        // the wiring, then the attach command that starts it
        Map.entry(AGENT, 9),
        Map.entry(AGENT + ".attach", 10),
        Map.entry(AGENT + ".otelagent", 10));

    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.connscope\\.(?:bridge|agent)(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void everyPackageUsesOnlyLowerLayers() throws IOException {
        Map<String, TreeSet<String>> wrong = new TreeMap<>();
        Set<String> unplaced = new TreeSet<>();
        int edges = 0;
        for (Path file : sources()) {
            String text = Files.readString(file);
            Matcher p = PACKAGE.matcher(text);
            assertThat(p.find()).as(file + " has a package").isTrue();
            String from = p.group(1);
            Integer fromLayer = LAYERS.get(from);
            if (fromLayer == null) {
                unplaced.add(from);
                continue;
            }
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                String to = m.group(1);
                if (to.equals(from)) {
                    continue;
                }
                Integer toLayer = LAYERS.get(to);
                if (toLayer == null) {
                    unplaced.add(to);
                } else if (toLayer >= fromLayer) {
                    wrong.computeIfAbsent(from + " -> " + to, k -> new TreeSet<>()).add(file.getFileName().toString());
                } else {
                    edges++;
                }
            }
        }
        assertThat(unplaced).as("packages with no layer: place each in LAYERS and in CONTRIBUTING.md").isEmpty();
        assertThat(wrong).as("dependencies against the layering (package -> package: files)").isEmpty();
        assertThat(edges).as("the check saw the dependencies at all").isGreaterThan(100);
    }

    @Test
    void theCheckSeesImportsAndFullyQualifiedNamesButNotItsOwnPackage() {
        Matcher m = REFERENCE.matcher("import io.connscope.agent.http.HttpExchange;\n"
            + "x = io.connscope.bridge.Bridge.HOOK_READ; io.connscope.agent.export.sender.ResponseReader r;");
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        assertThat(found).containsExactly(AGENT + ".http", "io.connscope.bridge", AGENT + ".export.sender");
    }

    private static List<Path> sources() {
        Path root = Paths.get("src/main/java");
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> java = files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
            assertThat(java).as("sources under " + root.toAbsolutePath()).hasSizeGreaterThan(100);
            return java;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
