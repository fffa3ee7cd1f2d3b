package io.connscope.agent.resp;

import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.ProtocolSniffer;
import io.connscope.agent.wire.WireAnalyser;
import io.connscope.agent.wire.WireExchange;
import io.connscope.agent.wire.WireProtocol;
import java.util.function.Consumer;

/**
 * RESP, the protocol of Redis (and of Valkey, KeyDB, Dragonfly): a connection whose client starts with
 * a command array, {@code *<count>\r\n$}, is followed command by command.
 */
public final class RespProtocol implements WireProtocol {

    public static final String NAME = "resp";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * The client's first bytes tell. A server's that could be a reply (read before the hook of the
     * command it answers has run, on another thread) wait for the client's; when there is no more room
     * to wait in, they are taken for one: no HTTP server starts with those bytes.
     */
    @Override
    public Verdict sniff(boolean towardServer, byte[] first, int len) {
        if (!towardServer) {
            return "+-:$*_,#(!=%~>|".indexOf(first[0]) < 0 ? Verdict.NO
                : len >= ProtocolSniffer.KEPT ? Verdict.YES : Verdict.MORE;
        }
        if (first[0] != '*') {
            return Verdict.NO;
        }
        int i = 1;
        while (i < len && first[i] >= '0' && first[i] <= '9') {
            i++;
        }
        if (i == len) {
            return i > 11 ? Verdict.NO : Verdict.MORE;
        }
        if (i == 1 || first[i] != '\r') {
            return Verdict.NO;
        }
        if (++i == len) {
            return Verdict.MORE;
        }
        if (first[i] != '\n') {
            return Verdict.NO;
        }
        if (++i == len) {
            return Verdict.MORE;
        }
        return first[i] == '$' ? Verdict.YES : Verdict.NO;
    }

    @Override
    public WireAnalyser start(Consumer<WireExchange> finished, AnalysisMemory.Lease memory) {
        return new RespConnection(finished, memory);
    }
}
