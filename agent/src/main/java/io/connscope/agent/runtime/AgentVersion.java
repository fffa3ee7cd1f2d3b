package io.connscope.agent.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** connscope's version, as the build wrote it into the jar (version.txt, filtered by Maven). */
public final class AgentVersion {

    private AgentVersion() {
    }

    /** The version, or "unknown" when the jar carries none (classes run from an IDE). */
    public static String get() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("version.txt")) {
            if (in == null) {
                return "unknown";
            }
            String v = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
