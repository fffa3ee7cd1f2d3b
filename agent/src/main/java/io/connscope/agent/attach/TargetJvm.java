package io.connscope.agent.attach;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.connscope.agent.config.AttachOutcome;
import java.io.File;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The attach API's side of the command: loading the agent into a JVM, and reading what it says back. */
final class TargetJvm {

    /** How long `list` waits for one JVM's answer: a JVM that hangs must not hang the command. */
    private static final long ASK_TIMEOUT_SECONDS = 3;

    private TargetJvm() {
    }

    /**
     * Loads {@code jar} into process {@code pid} with {@code agentArgs} (its agentmain has returned
     * when this does), then reads the system property {@code answer} there: null when it is not set.
     */
    static String load(String pid, File jar, String agentArgs, String answer) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(pid);
        try {
            vm.loadAgent(jar.getAbsolutePath(), agentArgs);
            return vm.getSystemProperties().getProperty(answer);
        } finally {
            vm.detach();
        }
    }

    /**
     * "\tconnscope VERSION" when connscope runs in that JVM, "\t(not asked: REASON)" when it cannot be
     * asked, and nothing otherwise.
     */
    static String connscopeMark(VirtualMachineDescriptor descriptor) {
        ExecutorService asking = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "connscope-list");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Properties> properties = asking.submit(() -> {
                VirtualMachine vm = VirtualMachine.attach(descriptor);
                try {
                    return vm.getSystemProperties();
                } finally {
                    vm.detach();
                }
            });
            String version = properties.get(ASK_TIMEOUT_SECONDS, TimeUnit.SECONDS).getProperty(AttachOutcome.RUNNING);
            return version == null ? "" : "\tconnscope " + version;
        } catch (java.util.concurrent.TimeoutException e) {
            return "\t(not asked: no answer within " + ASK_TIMEOUT_SECONDS + " s)";
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return "\t(not asked: " + cause.getClass().getSimpleName() + ")";
        } finally {
            asking.shutdownNow();
        }
    }
}
