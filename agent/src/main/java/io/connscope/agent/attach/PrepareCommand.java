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
 * the same Java with the agent's {@code prepare} argument and this command's own JVM options, which
 * choose the socket path and the cache directory as the application's would; that JVM weaves every
 * JDK class connscope instruments, keeps them, and exits.
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
            // Another agent's start-up, or connscope's own from the environment, is not this JVM's business.
            if (!option.startsWith("-javaagent:") && !option.startsWith("-agentlib:") && !option.startsWith("-agentpath:")) {
                command.add(option);
            }
        }
        command.add("-javaagent:" + jar.getPath() + "=prepare" + (settings.isEmpty() ? "" : "," + settings));
        command.addAll(List.of("-cp", jar.getPath(), PrepareCommand.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        // Their options are in this JVM's already, which the child got above; twice would load agents twice.
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
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
