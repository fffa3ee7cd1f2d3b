package io.connscope.agent.http;

import io.connscope.agent.runtime.FirstUse;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How a connection's peers bent or broke HTTP/1.x: the first message of each direction that broke
 * it ("response 3: chunk size too large"), and the first head of each direction that parsed only
 * leniently ("request 2: obsolete line folding"). The protocol-violation rule reports them.
 */
public final class Http1Violations {

    /** A connection's when it showed none; never written (writers go through {@link #of}). */
    static final Http1Violations NONE = new Http1Violations();
    private static final VarHandle CONNECTION_VIOLATIONS = FirstUse.field(MethodHandles.lookup(), HttpConnection.class,
        "violations", Http1Violations.class);

    private volatile String malformedRequest;
    private volatile String malformedResponse;
    private volatile String irregularRequest;
    private volatile String irregularResponse;

    /** The first malformed request or response ("request 3: malformed request line"), or null. */
    public String malformed(boolean requests) {
        return requests ? malformedRequest : malformedResponse;
    }

    /** The first request or response head that parsed despite bent syntax ("response 2: bare LF line ending"), or null. */
    public String irregular(boolean requests) {
        return requests ? irregularRequest : irregularResponse;
    }

    /** The violations of {@code c}, to be written: made at the first (both directions may ask at once; both get one object). */
    static Http1Violations of(HttpConnection c) {
        return FirstUse.get(CONNECTION_VIOLATIONS, c, Http1Violations::new);
    }

    /** Records the irregularity of {@code head}, message {@code index} of {@code c}, if it has one. */
    static void irregularity(HttpConnection c, HttpHead head, int index) {
        if (head.irregularity != null) {
            of(c).irregularity(head, index);
        }
    }

    /** Message {@code index} of a direction broke HTTP/1.x; kept when it is that direction's first. */
    void malformed(boolean requests, int index, String reason) {
        String what = describe(requests, index, reason);
        if (requests && malformedRequest == null) {
            malformedRequest = what;
        } else if (!requests && malformedResponse == null) {
            malformedResponse = what;
        }
    }

    /** Records a head's irregularity once per direction; {@code index} is the message's number. */
    private void irregularity(HttpHead head, int index) {
        String what = describe(head.request, index, head.irregularity);
        if (head.request && irregularRequest == null) {
            irregularRequest = what;
        } else if (!head.request && irregularResponse == null) {
            irregularResponse = what;
        }
    }

    /** "request 3: reason" or "response 3: reason". */
    private static String describe(boolean requests, int index, String reason) {
        return (requests ? "request " : "response ") + index + ": " + reason;
    }
}
