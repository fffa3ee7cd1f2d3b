package io.connscope.demo;

import java.io.PrintStream;

/** One stop on the tour: a server and a client on loopback showing one connection-handling pattern. */
public interface Scenario {

    String name();

    String description();

    /**
     * Runs the scenario, printing what it does and, on lines starting with "expect:", the figures it
     * measured itself, which the connscope report and telemetry should match.
     */
    void run(PrintStream out) throws Exception;
}
