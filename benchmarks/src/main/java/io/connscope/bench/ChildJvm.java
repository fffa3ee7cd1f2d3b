package io.connscope.bench;

import io.connscope.testsupport.ChildProcess;
import io.connscope.testsupport.JavaCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs one child JVM to completion, collecting its stdout; stderr goes to a log file. */
final class ChildJvm {

    /** What a finished child printed, and when (nanoseconds after launch) each line arrived. */
    static final class Output {
        final List<String> lines = new ArrayList<>();
        final List<Long> arrivalNanos = new ArrayList<>();

        String first(String prefix) {
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new IllegalStateException("no line starting with '" + prefix + "' in " + lines);
        }

        long arrivalOf(String prefix) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return arrivalNanos.get(i);
                }
            }
            throw new IllegalStateException("no line starting with '" + prefix + "' in " + lines);
        }
    }

    private final String classPath;
    private final Path logDir;

    ChildJvm(String classPath, Path logDir) {
        this.classPath = classPath;
        this.logDir = logDir;
    }

    Output run(String logName, List<String> jvmArgs, String mainClass, List<String> args, long timeoutSeconds)
        throws IOException, InterruptedException {
        List<String> command = JavaCommand.current().options(jvmArgs).mainClass(List.of(classPath), mainClass, args).toList();
        Path log = logDir.resolve(logName + ".stderr.log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        long start = System.nanoTime();
        Process p = pb.start();
        Output out = new Output();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.arrivalNanos.add(System.nanoTime() - start);
                out.lines.add(line);
            }
        }
        if (!ChildProcess.exitsWithin(p, timeoutSeconds)) {
            throw new IllegalStateException(logName + ": child JVM did not finish in " + timeoutSeconds + " s; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(logName + ": child JVM exited with " + p.exitValue() + "; see " + log
                + "\ncommand: " + String.join(" ", command));
        }
        return out;
    }
}
