package io.connscope.agent.export.sender;

import io.opentelemetry.sdk.common.export.HttpResponse;

/** A response to an export: its status line, its body, and whether the connection ends with it. */
final class PostResponse implements HttpResponse {

    private final int status;
    private final String message;
    private final byte[] body;
    private final boolean closesConnection;

    PostResponse(int status, String message, byte[] body, boolean closesConnection) {
        this.status = status;
        this.message = message;
        this.body = body;
        this.closesConnection = closesConnection;
    }

    /** The collector closes the connection after this response. */
    boolean closesConnection() {
        return closesConnection;
    }

    @Override
    public int getStatusCode() {
        return status;
    }

    @Override
    public String getStatusMessage() {
        return message;
    }

    @Override
    public byte[] getResponseBody() {
        return body;
    }
}
