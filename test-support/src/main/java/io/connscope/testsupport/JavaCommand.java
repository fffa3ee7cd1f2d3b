package io.connscope.testsupport;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of a child JVM, in the order the JVM reads it: a launcher that runs it (such as
 * {@code unshare}), the java executable, JVM options (agents in the order they load), then what to
 * run: a jar, a main class on a class path, or a module.
 */
public final class JavaCommand {

    private final List<String> launcher = new ArrayList<>();
    private final Path java;
    private final List<String> options = new ArrayList<>();
    private final List<String> run = new ArrayList<>();

    private JavaCommand(Path java) {
        this.java = java;
    }

    /** A command run by this java executable. */
    public static JavaCommand of(Path java) {
        return new JavaCommand(java);
    }

    /** A command run by the JDK running this code. */
    public static JavaCommand current() {
        return of(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /** Runs the JVM through this command, which must end by running its arguments. */
    public JavaCommand launchedBy(List<String> command) {
        launcher.clear();
        launcher.addAll(command);
        return this;
    }

    public JavaCommand option(String option) {
        options.add(option);
        return this;
    }

    public JavaCommand options(List<String> more) {
        options.addAll(more);
        return this;
    }

    /** {@code -javaagent:jar[=args]}, loaded after the agents given before it. */
    public JavaCommand agent(Path jar, String args) {
        return option("-javaagent:" + jar + (args == null ? "" : "=" + args));
    }

    public JavaCommand jar(Path jar, List<String> args) {
        return runs(List.of("-jar", jar.toString()), args);
    }

    public JavaCommand mainClass(List<String> classPath, String mainClass, List<String> args) {
        return runs(List.of("-cp", String.join(File.pathSeparator, classPath), mainClass), args);
    }

    public JavaCommand module(Path modulePath, String moduleAndMainClass, List<String> args) {
        return runs(List.of("--module-path", modulePath.toString(), "-m", moduleAndMainClass), args);
    }

    private JavaCommand runs(List<String> what, List<String> args) {
        if (!run.isEmpty()) {
            throw new IllegalStateException("this command already runs " + run);
        }
        run.addAll(what);
        run.addAll(args);
        return this;
    }

    public List<String> toList() {
        if (run.isEmpty()) {
            throw new IllegalStateException("a java command needs a jar, a main class or a module to run");
        }
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(java.toString());
        cmd.addAll(options);
        cmd.addAll(run);
        return cmd;
    }

    @Override
    public String toString() {
        return String.join(" ", run.isEmpty() ? Arrays.asList(java.toString(), "…") : toList());
    }
}
