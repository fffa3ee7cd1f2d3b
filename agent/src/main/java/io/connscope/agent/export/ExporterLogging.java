package io.connscope.agent.export;

import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter;
import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The {@code console} and {@code logging-otlp} exporters write through java.util.logging. Their
 * loggers get handlers of their own, so output does not depend on the application's logging setup:
 * console lines go to stderr, OTLP JSON lines to stdout. The JDK's LogManager resets every handler in
 * a shutdown hook of its own, racing connscope's final flush, so the exit hook waits for that reset
 * and installs the handlers again.
 */
public final class ExporterLogging {

    private static final String LOG_MANAGER_CLEANER = "java.util.logging.LogManager$Cleaner";

    // Strong references: LogManager holds loggers weakly, and a collected logger loses its handlers.
    private static final Logger CONSOLE = Logger.getLogger(LoggingSpanExporter.class.getPackage().getName());
    private static final Logger OTLP_JSON = Logger.getLogger(OtlpJsonLoggingSpanExporter.class.getPackage().getName());

    private ExporterLogging() {
    }

    public static void install() {
        route(CONSOLE, System.err);
        route(OTLP_JSON, System.out);
    }

    /** Called from the exit hook before the final flush; waits for the reset until the deadline at the latest. */
    public static void reinstallAfterLogManagerReset(long deadlineNanos) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getClass().getName().equals(LOG_MANAGER_CLEANER)) {
                TelemetryPipeline.join(t, deadlineNanos);
            }
        }
        install();
    }

    private static void route(Logger logger, PrintStream out) {
        for (Handler h : logger.getHandlers()) {
            if (h instanceof MessageHandler) {
                logger.removeHandler(h);
            }
        }
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.INFO);
        logger.addHandler(new MessageHandler(out));
    }

    /** Prints each record's message as one line, nothing else. */
    private static final class MessageHandler extends Handler {
        private final PrintStream out;

        MessageHandler(PrintStream out) {
            this.out = out;
        }

        @Override
        public void publish(LogRecord record) {
            if (record != null && isLoggable(record)) {
                out.println(record.getMessage());
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
