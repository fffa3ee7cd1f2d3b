package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.FinishedSink;
import io.connscope.agent.export.ExportQueue;
import io.connscope.agent.http.HttpExchange;

/** Checks each finished exchange against the rules, then queues it, with its warnings, for export. */
public final class DiagnosingSink implements FinishedSink {

    private final Diagnosis diagnosis;
    private final ExportQueue queue;

    public DiagnosingSink(Diagnosis diagnosis, ExportQueue queue) {
        this.diagnosis = diagnosis;
        this.queue = queue;
    }

    @Override
    public void connection(ConnectionRecord connection) {
        queue.offer(connection);
    }

    @Override
    public void exchange(ConnectionRecord connection, HttpExchange exchange) {
        queue.offer(new ExchangeRecord(connection, exchange, diagnosis.check(connection, exchange)));
    }
}
