package io.connscope.agent.connection;

/**
 * What connections are grouped by: for outbound connections the server host (as the application
 * named it) and port; for accepted ones the local listening port.
 */
public final class Destination {

    public final Role role;
    /** Host name or literal address the application connected to; null for server role. */
    public final String serverAddress;
    /** Peer port (client role) or local listening port (server role). */
    public final int port;
    public final String key;
    public final DestinationStats stats;

    Destination(Role role, String serverAddress, int port, String key, DestinationStats stats) {
        this.role = role;
        this.serverAddress = serverAddress;
        this.port = port;
        this.key = key;
        this.stats = stats;
    }

    public static String keyOf(Role role, String serverAddress, int port) {
        return role == Role.CLIENT ? serverAddress + ":" + port : "listening :" + port;
    }
}
