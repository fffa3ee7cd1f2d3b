package io.connscope.agent.export;

import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter;
import io.connscope.agent.runtime.AgentLog;
import io.connscope.agent.runtime.AgentThreads;
import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * connscope's OpenTelemetry SDK writes through java.util.logging, whose root handler is the
 * application's. The {@code console} and {@code logging-otlp} exporters' loggers get handlers of their
 * own, so output does not depend on the application's logging setup: console lines go to stderr, OTLP
 * JSON lines to stdout. Everything else the SDK says stays out of the application's log: messages
 * about failed exports become the cause {@link ExportHealth} quotes in its one line, other warnings
 * are logged once each with connscope's prefix. The JDK's LogManager resets every handler in a
 * shutdown hook of its own, racing connscope's final flush, so the exit hook waits for that reset and
 * installs the handlers again.
 */
public final class ExporterLogging {

    private static final String LOG_MANAGER_CLEANER = "java.util.logging.LogManager$Cleaner";

    // Strong references: LogManager holds loggers weakly, and a collected logger loses its handlers.
    private static final Logger CONSOLE = Logger.getLogger(LoggingSpanExporter.class.getPackage().getName());
    private static final Logger OTLP_JSON = Logger.getLogger(OtlpJsonLoggingSpanExporter.class.getPackage().getName());

    /** The root of the SDK's loggers, relocated with its classes. */
    private static final Logger SDK = Logger.getLogger(sdkRoot());
    private static volatile ExportHealth health;

    private ExporterLogging() {
    }

    public static void install(ExportHealth exportHealth) {
        health = exportHealth;
        install();
    }

    private static void install() {
        route(CONSOLE, new MessageHandler(System.err));
        route(OTLP_JSON, new MessageHandler(System.out));
        route(SDK, new SdkHandler());
    }

    private static String sdkRoot() {
        String api = io.opentelemetry.api.OpenTelemetry.class.getPackage().getName();
        return api.substring(0, api.lastIndexOf('.'));
    }

    /** Called from the exit hook before the final flush; waits for the reset until the deadline at the latest. */
    public static void reinstallAfterLogManagerReset(long deadlineNanos) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getClass().getName().equals(LOG_MANAGER_CLEANER)) {
                AgentThreads.joinUntil(t, deadlineNanos);
            }
        }
        install();
    }

    private static void route(Logger logger, Handler handler) {
        for (Handler h : logger.getHandlers()) {
            if (h instanceof MessageHandler || h instanceof SdkHandler) {
                logger.removeHandler(h);
            }
        }
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.INFO);
        logger.addHandler(handler);
    }

    /** The SDK's own diagnostics, kept out of the application's log. */
    private static final class SdkHandler extends Handler {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            if (record == null) {
                return;
            }
            boolean warning = record.getLevel().intValue() >= Level.WARNING.intValue();
            if (!warning && !AgentLog.isDebug()) {
                return;
            }
            String message = formatter.formatMessage(record);
            String logger = String.valueOf(record.getLoggerName());
            AgentLog.debug("OpenTelemetry SDK (" + logger + "): " + message);
            if (!warning) {
                return;
            }
            ExportHealth h = health;
            if (h != null && logger.contains(".export")) {
                h.sdkSaid(message);
            } else {
                AgentLog.once("otel-sdk " + logger, "OpenTelemetry SDK: " + message, null);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
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
