package io.connscope.agent;

import io.connscope.agent.config.AgentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * The {@code -javaagent} entry point. It first puts the bridge classes on the bootstrap class path
 * (advice inlined into java.base can only call bootstrap-visible code), then hands over to
 * {@link AgentInstaller}. This class must not mention any bridge type: loading one through the
 * application class loader before injection would create a second, disconnected copy.
 */
public final class ConnscopeAgent {

    static final String[] BRIDGE_CLASSES = {"io.connscope.bridge.Bridge", "io.connscope.bridge.ConnectionSink"};

    private ConnscopeAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    private static void start(String args, Instrumentation inst) {
        try {
            // Checked here, before AgentInstaller is loaded: verifying it would load bridge types.
            if (!AgentConfig.load(args, System.getProperties(), System.getenv()).enabled()) {
                return;
            }
            confineByteBuddy();
            injectBridge(inst);
            AgentInstaller.install(args, inst);
        } catch (Throwable t) {
            AgentLog.info("connscope failed to start and is inactive; the application continues: " + t);
        }
    }

    /**
     * connscope injects classes only through Instrumentation. Without these switches Byte Buddy
     * probes sun.misc.Unsafe while initialising, which JDK 24+ answers with a deprecation warning in
     * the host's output. The shade plugin relocates these names along with Byte Buddy, so they
     * reach only connscope's private copy, never the application's own Byte Buddy.
     */
    private static void confineByteBuddy() {
        System.setProperty("net.bytebuddy.safe", "true");
        System.setProperty("net.bytebuddy.nexus.disabled", "true");
    }

    private static void injectBridge(Instrumentation inst) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        ClassLoader own = ConnscopeAgent.class.getClassLoader();
        for (String name : BRIDGE_CLASSES) {
            try (InputStream in = own.getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new IOException("bridge class " + name + " missing from the agent jar");
                }
                classes.put(name, in.readAllBytes());
            }
        }
        Path folder = Files.createTempDirectory("connscope-bridge");
        folder.toFile().deleteOnExit();
        ClassInjector.UsingInstrumentation.of(folder.toFile(), ClassInjector.UsingInstrumentation.Target.BOOTSTRAP, inst)
            .injectRaw(classes);
    }
}
