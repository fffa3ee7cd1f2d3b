package io.connscope.agent;

import io.connscope.agent.config.AgentConfig;
import io.connscope.agent.config.AttachOutcome;
import io.connscope.agent.runtime.AgentLog;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code -javaagent} entry point. It first puts the bridge classes on the bootstrap class path
 * (advice inlined into java.base can only call bootstrap-visible code), then hands over to
 * {@link AgentInstaller}. This class must not mention any bridge type: loading one through the
 * application class loader before injection would create a second, disconnected copy.
 */
public final class ConnscopeAgent {

    /** In definition order: a class is defined after the types its declaration names. */
    static final String[] BRIDGE_CLASSES = {"io.connscope.bridge.ConnectionSink", "io.connscope.bridge.Bridge",
        "io.connscope.bridge.EngineBridge", "io.connscope.bridge.NativeBridge", "io.connscope.bridge.UringBridge",
        "io.connscope.bridge.OptionBridge", "io.connscope.bridge.UrlConnectionBridge", "io.connscope.bridge.NameBridge",
        "io.connscope.bridge.PoolBridge"};
    /** The agent argument that detaches connscope from a JVM it was attached to. */
    public static final String DETACH = "detach";

    private ConnscopeAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false, null, null);
    }

    /**
     * Started by the OpenTelemetry Java agent, as its extension, once that agent has built its SDK:
     * connscope exports through that SDK. Its settings come from system properties, the environment
     * and {@code connscope.config.file}, as there are no agent arguments.
     */
    public static void startInHost(Instrumentation inst, OpenTelemetrySdk hostSdk) {
        start(null, inst, false, null, hostSdk);
    }

    /**
     * Loaded into a running JVM by {@code java -jar connscope-agent.jar attach|detach <pid>}
     * (the {@code AttachCli} command); the argument {@value #DETACH} stops it again. What happened
     * is recorded for the command ({@link AttachOutcome}) before this returns.
     */
    public static void agentmain(String agentArgs, Instrumentation inst) {
        String id = AttachOutcome.id(agentArgs);
        String args = AttachOutcome.withoutId(agentArgs);
        try {
            if (DETACH.equals(args)) {
                if (bridgeInjected() && AgentInstaller.isRunning()) {
                    AgentInstaller.detach();
                    AttachOutcome.record(id, AttachOutcome.Status.DONE, List.of());
                } else {
                    AgentLog.info("detach: connscope is not running in this JVM");
                    AttachOutcome.record(id, AttachOutcome.Status.REFUSED, List.of("connscope is not running there"));
                }
                return;
            }
            if (bridgeInjected() && AgentInstaller.isRunning()) {
                AgentLog.info("attach: connscope is already running in this JVM; detach it first to change its settings");
                AttachOutcome.record(id, AttachOutcome.Status.REFUSED,
                    List.of("connscope is already running there; detach it first to change its settings"));
                return;
            }
        } catch (Throwable t) {
            AgentLog.info("connscope could not " + (DETACH.equals(args) ? "detach" : "attach") + ": " + t);
            AttachOutcome.record(id, AttachOutcome.Status.FAILED, List.of(t.toString()));
            return;
        }
        start(args, inst, true, id, null);
    }

    /** True once the bridge is in the bootstrap loader: connscope ran in this JVM before (it can only be defined once). */
    private static boolean bridgeInjected() {
        try {
            Class.forName(BRIDGE_CLASSES[1], false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * @param id      the attach command's id ({@link AttachOutcome}), or null
     * @param hostSdk the OpenTelemetry Java agent's SDK when connscope is its extension, or null
     */
    private static void start(String args, Instrumentation inst, boolean attached, String id, OpenTelemetrySdk hostSdk) {
        try {
            if (!attached && CachePreparation.asked(args)) {
                confineByteBuddy();
                if (!bridgeInjected()) {
                    injectBridge(inst);
                }
                CachePreparation.run(args, inst); // exits: this JVM was started only to prepare the cache
                return;
            }
            // Checked here, before AgentInstaller is loaded: verifying it would load bridge types.
            if (!AgentConfig.load(args, System.getProperties(), System.getenv()).enabled()) {
                AttachOutcome.record(id, AttachOutcome.Status.REFUSED,
                    List.of(AgentConfig.ENABLED + " is false in the settings: nothing was started"));
                return;
            }
            confineByteBuddy();
            if (!bridgeInjected()) {
                injectBridge(inst);
            }
            List<String> problems = AgentInstaller.install(args, inst, attached, hostSdk);
            AttachOutcome.record(id, problems.isEmpty() ? AttachOutcome.Status.DONE
                : AttachOutcome.Status.SETTINGS_REJECTED, problems);
        } catch (Throwable t) {
            AgentLog.info("connscope failed to start and is inactive; the application continues: " + t);
            AttachOutcome.record(id, AttachOutcome.Status.FAILED, List.of(t.toString()));
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

    /**
     * Defines the bridge classes in the bootstrap loader directly. Appending a jar to the bootstrap
     * search path instead would make the JVM give up class-data sharing for every application and
     * platform class, with a warning in the host's output and a slower start.
     */
    private static void injectBridge(Instrumentation inst) throws ReflectiveOperationException, IOException {
        Module base = Object.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(ConnscopeAgent.class.getModule())),
            Map.of(), Set.of(), Map.of());
        Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
        Method define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
            ClassLoader.class, ProtectionDomain.class);
        ClassLoader own = ConnscopeAgent.class.getClassLoader();
        for (String name : BRIDGE_CLASSES) {
            byte[] bytes;
            try (InputStream in = own.getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new IOException("bridge class " + name + " missing from the agent jar");
                }
                bytes = in.readAllBytes();
            }
            define.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
        }
    }
}
