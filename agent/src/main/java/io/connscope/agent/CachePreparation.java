package io.connscope.agent;

import io.connscope.agent.config.AgentConfig;
import io.connscope.agent.instrument.Instrumenter;
import io.connscope.agent.instrument.SocketPath;
import io.connscope.agent.runtime.AgentLog;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;

/**
 * The agent's side of {@code java -jar connscope-agent.jar prepare}: in a JVM started for nothing
 * else, weaves every JDK class connscope instruments into the instrumentation cache, exactly as an
 * application's first start on this JDK would, and ends that JVM. A container image built with it
 * starts as fast as a host's second start: the weaving is paid once, at build time.
 */
final class CachePreparation {

    /** The agent argument, alone or followed by settings ({@code prepare,instrument.cache=/opt/cache}). */
    static final String ARG = "prepare";

    private CachePreparation() {
    }

    static boolean asked(String args) {
        return args != null && (args.equals(ARG) || args.startsWith(ARG + ","));
    }

    /**
     * Runs from premain, with the bridge in place, and exits: 0 once the cache holds every class, 1
     * when it cannot (the reason was said), 2 for settings that are wrong.
     */
    static void run(String args, Instrumentation inst) {
        System.exit(prepare(args.equals(ARG) ? "" : args.substring(ARG.length() + 1), inst));
    }

    private static int prepare(String settings, Instrumentation inst) {
        AgentConfig config = AgentConfig.load(settings, System.getProperties(), System.getenv());
        AgentLog.setDebug(config.debug());
        if (!config.problems().isEmpty()) {
            config.problems().forEach(AgentLog::info);
            AgentLog.info("prepare: nothing was prepared; correct the settings above");
            return 2;
        }
        Path dir = config.instrumentCacheDir();
        if (dir == null) {
            AgentLog.info("prepare: the instrumentation cache is off (" + AgentConfig.INSTRUMENT_CACHE + "=off): there is"
                + " nothing to prepare");
            return 2;
        }
        long start = System.nanoTime();
        boolean legacy = SocketPath.legacy();
        Instrumenter instrumenter = new Instrumenter(legacy, dir);
        if (!instrumenter.cacheEnabled()) {
            AgentLog.info("prepare: nothing was prepared; the line above says why");
            return 1;
        }
        // Every target as the runtime image holds it: how a class loaded after connscope started comes to the
        // transformer, which is how an application's start loads them (see AgentInstaller).
        instrumenter.install(inst);
        instrumenter.weaveClassFiles();
        int[] counts = instrumenter.wovenCachedAndUnkept();
        if (counts[2] > 0) {
            AgentLog.info("prepare: " + counts[2] + " woven classes could not be kept in " + dir);
            return 1;
        }
        System.out.println("connscope: instrumentation cache " + dir.toAbsolutePath() + " prepared for Java "
            + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.home") + "), socket path "
            + (legacy ? "legacy PlainSocketImpl" : "JDK 13+") + ": " + counts[0] + " class files woven, "
            + counts[1] + " already there, in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        return 0;
    }
}
