package io.connscope.agent.http;

import io.connscope.agent.wire.AnalysisMemory;
import java.util.ArrayList;
import java.util.List;

/** A base for tests that play both ends of one HTTP/2 connection into its analysis. */
abstract class H2Conversation {

    final List<HttpExchange> finished = new ArrayList<>();
    final HttpConnection http = new HttpConnection(finished::add, AnalysisMemory.unlimited().lease());

    void client(byte[] b) {
        http.feed(true, b, 0, b.length);
    }

    void server(byte[] b) {
        http.feed(false, b, 0, b.length);
    }

    /** The client's preface and the server's first SETTINGS. */
    void open() {
        client(H2Wire.PREFACE);
        server(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
    }
}
