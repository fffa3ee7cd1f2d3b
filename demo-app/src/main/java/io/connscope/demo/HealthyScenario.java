package io.connscope.demo;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Good connection handling with every API connscope follows, which must raise no warning:
 * HttpURLConnection and java.net.http keep-alive GETs and POSTs, a raw socket closed gracefully,
 * and SocketChannels.
 */
final class HealthyScenario implements Scenario {

    private final List<Scenario> parts = Arrays.asList(HttpRequestsScenario.keepAlive(), JavaHttpClientScenario.cleartext(),
        new HalfCloseScenario(), new ChannelScenario());

    @Override
    public String name() {
        return "healthy";
    }

    @Override
    public String description() {
        return "keep-alive, java-http-client, half-close and channel together: good handling, no warning";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        for (Scenario part : parts) {
            out.println("  -- " + part.name());
            part.run(out);
        }
    }
}
