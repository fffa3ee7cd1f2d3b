package io.connscope.agent.wire;

import java.util.List;

/**
 * Chooses one connection's protocol from its first bytes. Each registered {@link WireProtocol}
 * judges what each side sent first; the first to claim them wins. While one still needs more bytes
 * to tell, up to {@link #KEPT} bytes of each side are kept here and fed to the analysis chosen once
 * it is known (see {@link #replay}), so no byte is lost to the choice. When none claims them, the
 * default (HTTP) analysis goes on. Used on the threads that do the connection's I/O, only until
 * decided, one at a time (the caller holds this object's lock).
 */
public final class ProtocolSniffer {

    /** The most bytes kept of each side while undecided: enough for any registered protocol to tell. */
    public static final int KEPT = 16;

    private final List<WireProtocol> protocols;
    /** What each side sent first: [0] toward the server, [1] toward the client. */
    private final byte[][] kept = {new byte[KEPT], new byte[KEPT]};
    private final int[] counts = new int[2];
    private WireProtocol chosen;

    public ProtocolSniffer(List<WireProtocol> protocols) {
        this.protocols = protocols;
    }

    /**
     * Judges the bytes kept so far with these. Returns false when they were all kept to be judged
     * with the next ones (the caller feeds them nowhere); true once decided: then {@link #chosen()}
     * says what, {@link #replay} feeds what was kept before this call, and the caller feeds these
     * bytes after it.
     */
    public boolean offer(boolean towardServer, Object data, int from, int len) {
        int side = towardServer ? 0 : 1;
        int n = Math.min(len, KEPT - counts[side]);
        WireBytes.copy(data, from, kept[side], counts[side], n);
        int[] lengths = counts.clone();
        lengths[side] += n;
        boolean more = judge(lengths);
        if (more && n == len && lengths[side] < KEPT) {
            counts[side] = lengths[side];
            return false;
        }
        return true;
    }

    /**
     * True when no protocol claimed the bytes yet and one needs more of them to tell: it said so of
     * a side whose kept bytes are not yet full.
     */
    private boolean judge(int[] lengths) {
        boolean more = false;
        for (WireProtocol p : protocols) {
            for (int side = 0; side < 2; side++) {
                if (lengths[side] == 0) {
                    continue;
                }
                WireProtocol.Verdict v = p.sniff(side == 0, kept[side], lengths[side]);
                if (v == WireProtocol.Verdict.YES) {
                    chosen = p;
                    return false;
                }
                more |= v == WireProtocol.Verdict.MORE && lengths[side] < KEPT;
            }
        }
        return more;
    }

    /** The protocol that claimed the connection; null for the default. */
    public WireProtocol chosen() {
        return chosen;
    }

    /** Feeds the bytes kept by earlier calls to the analysis the connection goes to, each side in its order. */
    public void replay(WireAnalyser to) {
        for (int side = 0; side < 2; side++) {
            if (counts[side] > 0) {
                to.feed(side == 0, kept[side], 0, counts[side]);
            }
        }
    }
}
