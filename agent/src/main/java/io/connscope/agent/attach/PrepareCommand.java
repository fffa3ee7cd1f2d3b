package io.connscope.agent.attach;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar connscope-agent.jar prepare [key=value,...]}: fills the instrumentation cache for
 * the JDK it runs on, so that the applications started later with the same settings skip the weaving
 * (a container image builds it in a layer, and every container then starts warm). It starts a JVM of
 * the same Java with the agent's {@code prepare} argument and this command's own system properties
 * ({@code -D}), which choose the socket path and the cache directory as the application's would;
 * that JVM weaves every JDK class connscope instruments, keeps them, and exits.
 */
final class PrepareCommand {

    private PrepareCommand() {
    }

    /** Reached only when the agent did not prepare the cache and end the JVM itself. */
    public static void main(String[] args) {
        System.err.println("[connscope] prepare: connscope did not start in the preparing JVM; see the lines above");
        System.exit(1);
    }

    static int run(File jar, String settings, PrintStream err) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
            .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // System properties choose what is woven (the socket path) and connscope's settings. The rest is
            // left out: other agents, and options that act at exit (a class archive, a recording) or elsewhere.
            if (option.startsWith("-D")) {
                command.add(option);
            }
        }
        command.add("-javaagent:" + jar.getPath() + "=prepare" + (settings.isEmpty() ? "" : "," + settings));
        command.addAll(List.of("-cp", jar.getPath(), PrepareCommand.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        // Their options are in this JVM's, of which the child got what matters above; the rest could load agents.
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            err.println("prepare: could not start " + command.get(0) + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("prepare: interrupted");
            return 1;
        }
    }
}
