package io.connscope.agent.connection;

/** Steps in a connection's life, in the order they happened; stored 4 bits each in an {@link EventLog}. */
public enum ConnectionEvent {
    /** Closed with SO_LINGER set to 0: the stack sends RST, not FIN, and drops what was not yet sent. */
    LINGER_ZERO_CLOSE("close-linger-0"),
    CONNECT("connect"),
    ACCEPT("accept"),
    FIRST_WRITE("first-write"),
    FIRST_READ("first-read"),
    NODELAY_ON("nodelay-on"),
    NODELAY_OFF("nodelay-off"),
    TLS_HANDSHAKE("tls-handshake"),
    SHUTDOWN_OUTPUT("shutdown-output"),
    SHUTDOWN_INPUT("shutdown-input"),
    EOF("eof"),
    RESET_ON_READ("reset-on-read"),
    RESET_ON_WRITE("reset-on-write"),
    UNREAD_AT_CLOSE("unread-input-at-close"),
    CLOSE("close"),
    COLLECTED("garbage-collected");

    private static final ConnectionEvent[] BY_CODE = values();

    private final String label;

    ConnectionEvent(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static ConnectionEvent ofCode(int code) {
        return BY_CODE[code];
    }
}
