package io.connscope.agent.attach;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.connscope.agent.ConnscopeAgent;
import io.connscope.agent.config.AttachOutcome;
import io.connscope.agent.runtime.AgentVersion;
import java.io.File;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.util.List;
import java.util.UUID;

/**
 * {@code java -jar connscope-agent.jar list|attach|detach|prepare|--version}: finds local JVMs
 * (marking those where connscope runs), loads connscope into one that is running, and stops it there
 * again, each time with the target's own answer and an exit status that says it; or fills the
 * instrumentation cache ahead of time. Attaching needs the same user as the target JVM and a JDK
 * (the attach API is not in a bare JRE).
 */
public final class AttachCli {

    private AttachCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version") && args.length == 1) {
            out.println("connscope " + AgentVersion.get());
            return 0;
        }
        try {
            switch (args[0]) {
                case "list":
                    return list(out);
                case "attach":
                    if (args.length < 2 || args.length > 3) {
                        break;
                    }
                    return load(pid(args[1]), args.length == 3 ? args[2] : "", "attached to", out, err);
                case "prepare":
                    if (args.length > 2) {
                        break;
                    }
                    return prepare(args.length == 2 ? args[1] : "", err);
                case "detach":
                    if (args.length != 2) {
                        break;
                    }
                    return load(pid(args[1]), ConnscopeAgent.DETACH, "detached from", out, err);
                default:
                    err.println("unknown command '" + args[0] + "'");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (LinkageError e) {
            err.println("the attach API is missing: run this with a JDK's java (module jdk.attach), not a JRE's (" + e + ")");
            return 1;
        }
        usage(err);
        return 2;
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar connscope-agent.jar --version");
        out.println("       java -jar connscope-agent.jar list");
        out.println("       java -jar connscope-agent.jar attach <pid> [key=value,...]");
        out.println("       java -jar connscope-agent.jar detach <pid>");
        out.println("       java [jvm options] -jar connscope-agent.jar prepare [key=value,...]");
        out.println("attach loads connscope into a running JVM with these settings (as after -javaagent:...=);");
        out.println("the JVM's own OTEL_* and CONNSCOPE_* environment applies as well. detach stops it there.");
        out.println("prepare fills the instrumentation cache (connscope.instrument.cache) for this Java, so that");
        out.println("applications started later with the same settings and JVM options skip the weaving.");
        out.println("exit status: 0 done; 1 refused (already running, not running) or failed, with the JVM's reason;");
        out.println("2 wrong command line; 3 attached, but settings were rejected (their defaults apply; listed).");
    }

    /** Every local JVM but this one, marked where connscope runs (it asks each JVM, as jcmd does). */
    private static int list(PrintStream out) {
        List<VirtualMachineDescriptor> vms = VirtualMachine.list();
        String self = String.valueOf(ProcessHandle.current().pid());
        for (VirtualMachineDescriptor vm : vms) {
            if (!vm.id().equals(self)) {
                out.println(vm.id() + "\t" + (vm.displayName().isEmpty() ? "(no main class)" : vm.displayName())
                    + TargetJvm.connscopeMark(vm));
            }
        }
        return 0;
    }

    private static String pid(String arg) {
        if (!arg.matches("[0-9]+")) {
            throw new IllegalArgumentException("not a process id: '" + arg + "' (java -jar connscope-agent.jar list shows them)");
        }
        return arg;
    }

    private static int prepare(String settings, PrintStream err) {
        File jar = ownJar(err);
        return jar == null ? 1 : PrepareCommand.run(jar, settings, err);
    }

    /** connscope's own jar, or null (said on {@code err}). */
    private static File ownJar(PrintStream err) {
        try {
            return new File(AttachCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            err.println("cannot find connscope's own jar: " + e);
            return null;
        }
    }

    /**
     * Loads this jar into the JVM with a fresh id, then reads what connscope recorded there under it
     * ({@link AttachOutcome}): done, refused or failed with the JVM's reason, or rejected settings.
     */
    private static int load(String pid, String agentArgs, String done, PrintStream out, PrintStream err) {
        File jar = ownJar(err);
        if (jar == null) {
            return 1;
        }
        String id = UUID.randomUUID().toString();
        String recorded;
        try {
            recorded = TargetJvm.load(pid, jar, AttachOutcome.ID + "=" + id + (agentArgs.isEmpty() ? "" : "," + agentArgs),
                AttachOutcome.property(id));
        } catch (Exception e) {
            err.println("could not load connscope into process " + pid + ": " + rootMessage(e)
                + " (is it a running JVM of the same user? java -jar connscope-agent.jar list shows them)");
            return 1;
        }
        if (recorded == null) {
            err.println("connscope was loaded into process " + pid + " but gave no answer (an older connscope, or a"
                + " security manager there refused it); see that JVM's stderr");
            return 1;
        }
        List<String> messages = AttachOutcome.messages(recorded);
        switch (AttachOutcome.status(recorded)) {
            case DONE:
                out.println(done + " " + pid + "; connscope's messages are in that JVM's stderr");
                return 0;
            case SETTINGS_REJECTED:
                out.println(done + " " + pid + "; connscope's messages are in that JVM's stderr");
                err.println(messages.size() + " setting(s) rejected in process " + pid + " (their defaults apply):");
                messages.forEach(m -> err.println("  " + m));
                return 3;
            case REFUSED:
                err.println("process " + pid + ": " + String.join("; ", messages));
                return 1;
            default:
                err.println("connscope failed in process " + pid + ": " + String.join("; ", messages)
                    + " (the application goes on; see that JVM's stderr)");
                return 1;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }
}
