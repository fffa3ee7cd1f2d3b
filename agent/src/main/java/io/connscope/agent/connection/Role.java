package io.connscope.agent.connection;

/** Which side opened the connection. */
public enum Role {
    /** This JVM connected out. */
    CLIENT("client"),
    /** This JVM accepted the connection on a listening socket. */
    SERVER("server");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
