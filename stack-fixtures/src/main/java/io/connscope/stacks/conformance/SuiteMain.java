package io.connscope.stacks.conformance;

/**
 * How the suite apps run: a failure ends the JVM at once, with its stack trace, rather than leaving
 * it to the servers' and clients' threads, which would keep it alive until the test's timeout.
 */
final class SuiteMain {

    private SuiteMain() {
    }

    interface Body {
        void run() throws Exception;
    }

    static void run(Body body) {
        try {
            body.run();
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }
}
