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
     * Judges the first {@code len} bytes one side of a connection sent ({@code len} ≥ 1, at most
     * {@link ProtocolSniffer#KEPT}): the client's when {@code towardServer}. Each side is asked about
     * what it sent, once it sent something; MORE keeps the bytes while the side's are not
     * {@link ProtocolSniffer#KEPT} yet (to wait for the other side's, too). At {@code KEPT} bytes no
     * more can be waited for: MORE then counts as NO. Must not keep the array.
     */
    Verdict sniff(boolean towardServer, byte[] first, int len);

    /**
     * A new analysis of one connection, whose finished exchanges go to {@code finished} (from the
     * threads that feed it, or from {@link WireAnalyser#end} on the pipeline thread). What it holds
     * is charged to {@code memory}, the connection's share of the analysis memory budget, which it
     * closes when it ends or is abandoned. It is fed the bytes it was chosen on first.
     */
    WireAnalyser start(Consumer<WireExchange> finished, AnalysisMemory.Lease memory);
}
