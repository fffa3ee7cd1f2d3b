package io.connscope.agent.wire;

import java.util.function.Consumer;

/**
 * A protocol connscope can follow on a connection, chosen by sniffing the connection's first bytes
 * (see {@link ProtocolSniffer}). HTTP is the default, tried when no registered protocol claims the
 * bytes; every other protocol is one of these, registered where {@code AgentInstaller} builds the
 * tracker.
 */
public interface WireProtocol {

    /** What the first bytes say about this protocol. */
    enum Verdict {
        /** They are this protocol's. */
        YES,
        /** They are not. */
        NO,
        /** Too few bytes to tell. */
        MORE
    }

    /** The protocol's name, as {@link WireExchange#protocol()}. */
    String name();

    /**
     * Judges the first {@code len} bytes of a connection ({@code len} ≥ 1, at most
     * {@link ProtocolSniffer#KEPT}), all sent in one direction: toward the server when
     * {@code towardServer}. Must not keep the array.
     */
    Verdict sniff(boolean towardServer, byte[] first, int len);

    /**
     * A new analysis of one connection, whose finished exchanges go to {@code finished} (from the
     * threads that feed it, or from {@link WireAnalyser#end} on the pipeline thread). It is fed the
     * bytes it was chosen on first.
     */
    WireAnalyser start(Consumer<WireExchange> finished);
}
