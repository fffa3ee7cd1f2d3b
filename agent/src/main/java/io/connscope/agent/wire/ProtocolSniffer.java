package io.connscope.agent.wire;

import java.util.List;

/**
 * Chooses one connection's protocol from its first bytes. Each registered {@link WireProtocol}
 * judges them; the first to claim them wins. While one still needs more bytes to tell, up to
 * {@link #KEPT} bytes of one direction are kept here and fed to the analysis chosen once it is
 * known (see {@link #replay}), so no byte is lost to the choice. When none claims them, the default
 * (HTTP) analysis goes on. Used on the threads that do the connection's I/O, only until decided.
 */
public final class ProtocolSniffer {

    /** The most bytes kept while undecided: enough for any registered protocol to tell. */
    public static final int KEPT = 16;

    private final List<WireProtocol> protocols;
    private final byte[] kept = new byte[KEPT];
    private int count;
    private boolean keptTowardServer;
    private WireProtocol chosen;

    public ProtocolSniffer(List<WireProtocol> protocols) {
        this.protocols = protocols;
    }

    /**
     * Judges the bytes kept so far followed by these. Returns false when they were all kept to be
     * judged with the next ones (the caller feeds them nowhere); true once decided: then
     * {@link #chosen()} says what, {@link #replay} feeds what was kept before this call, and the caller
     * feeds these bytes after it.
     */
    public boolean offer(boolean towardServer, Object data, int from, int len) {
        if (count > 0 && towardServer != keptTowardServer) {
            judge(count, false); // the other side spoke: decide on what one side said
            return true;
        }
        int n = Math.min(len, KEPT - count);
        WireBytes.copy(data, from, kept, count, n);
        keptTowardServer = towardServer;
        boolean more = judge(count + n, true);
        if (more && n == len && count + n < KEPT) {
            count += n;
            return false;
        }
        return true;
    }

    /** True when no protocol claimed the bytes yet and one needs more of them to tell. */
    private boolean judge(int len, boolean mayWait) {
        boolean more = false;
        for (WireProtocol p : protocols) {
            WireProtocol.Verdict v = p.sniff(keptTowardServer, kept, len);
            if (v == WireProtocol.Verdict.YES) {
                chosen = p;
                return false;
            }
            more |= v == WireProtocol.Verdict.MORE;
        }
        return more && mayWait;
    }

    /** The protocol that claimed the connection; null for the default. */
    public WireProtocol chosen() {
        return chosen;
    }

    /** Feeds the bytes kept by earlier calls to the analysis the connection goes to. */
    public void replay(WireAnalyser to) {
        if (count > 0) {
            to.feed(keptTowardServer, kept, 0, count);
        }
    }
}
