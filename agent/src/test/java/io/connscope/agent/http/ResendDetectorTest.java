package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.wire.AnalysisMemory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ResendDetectorTest {

    private static final long WINDOW = TimeUnit.SECONDS.toNanos(10);
    private static final String POST = "POST /pay HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
    private static final String ME = ResendDetector.clientOf(Thread.currentThread());

    /** A request head seen on a fresh analysis: the exchange it opened. */
    private static HttpExchange request(String head) {
        AtomicReference<HttpExchange> started = new AtomicReference<>();
        HttpConnection http = new HttpConnection(new HttpConnection.ExchangeSink() {
            @Override
            public void finished(HttpExchange exchange) {
            }

            @Override
            public void requestStarted(HttpExchange exchange) {
                started.set(exchange);
            }
        }, AnalysisMemory.unlimited().lease());
        feed(http, true, head);
        return started.get();
    }

    /** A connection that carried this request and no response. */
    private static HttpConnection unanswered(String head) {
        HttpConnection http = new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease());
        feed(http, true, head);
        return http;
    }

    private static void feed(HttpConnection http, boolean requests, String wire) {
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        http.feed(requests, b, 0, b.length);
    }

    @Test
    void aRepeatFromTheSameClientWithinTheWindowIsAResend() {
        ResendDetector d = new ResendDetector(8, WINDOW);
        HttpConnection first = unanswered("GET / HTTP/1.1\r\n\r\n");
        feed(first, false, "HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 0\r\n\r\n");
        feed(first, true, POST);
        d.attemptFailed(first, 1, "h:80", ME, "eof", 100);
        HttpExchange again = request(POST);
        d.requestStarted(again, 2, "h:80", ME, 200);
        assertThat(again.resendCount()).isEqualTo(1);
        assertThat(again.resendOf().connectionId).isEqualTo(1);
        assertThat(again.resendOf().failure).isEqualTo("eof");
        assertThat(again.resendOf().idleBeforeNanos).isNotNegative();
        assertThat(again.resendOf().keepAliveTimeoutSeconds).isEqualTo(5);
        assertThat(again.resentBy()).isEqualTo("application");
        // The failed attempt is used up.
        HttpExchange third = request(POST);
        d.requestStarted(third, 3, "h:80", ME, 300);
        assertThat(third.resendCount()).isZero();
    }

    /**
     * java.net.http's selector thread reads the peer's end before the writer's hook has seen the
     * request, which the caller's own thread wrote: the attempt, recorded by the writer, is still
     * known to be java.net.http's, and so is its repeat from the caller's thread.
     */
    @Test
    void aFailureJavaNetHttpSawBeforeTheRequestWasSeenIsStillItsOwn() throws InterruptedException {
        ResendDetector d = new ResendDetector(8, WINDOW);
        String channel = ResendDetector.CHANNEL_CLIENT + "1";
        HttpConnection first = new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease());
        Thread selector = new Thread(() -> d.attemptFailed(first, 1, "h:80", channel, "eof", 100),
            "HttpClient-1-SelectorManager");
        selector.start();
        selector.join();
        feed(first, true, "GET /items HTTP/1.1\r\n\r\n");
        d.attemptFailed(first, 1, "h:80", channel, "eof", 110); // the writer's hook, on the caller's thread
        HttpExchange again = request("GET /items HTTP/1.1\r\n\r\n");
        d.requestStarted(again, 2, "h:80", channel, 200);
        assertThat(again.resendCount()).isEqualTo(1);
        assertThat(again.resentBy()).isEqualTo(ResendDetector.BY_JAVA_NET_HTTP);
    }

    @Test
    void otherTargetsDestinationsClientsConnectionsAndLateRepeatsAreNotResends() {
        ResendDetector d = new ResendDetector(8, WINDOW);
        d.attemptFailed(unanswered(POST), 1, "h:80", ME, "eof", 0);
        HttpExchange otherTarget = request("POST /other HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        d.requestStarted(otherTarget, 2, "h:80", ME, 1);
        HttpExchange otherDestination = request(POST);
        d.requestStarted(otherDestination, 2, "h:81", ME, 1);
        HttpExchange otherClient = request(POST);
        d.requestStarted(otherClient, 2, "h:80", "thread 999", 1);
        HttpExchange sameConnection = request(POST);
        d.requestStarted(sameConnection, 1, "h:80", ME, 1);
        assertThat(otherTarget.resendCount() + otherDestination.resendCount() + otherClient.resendCount()
            + sameConnection.resendCount()).isZero();

        d.attemptFailed(unanswered(POST), 1, "h:80", ME, "eof", 0);
        HttpExchange late = request(POST);
        d.requestStarted(late, 2, "h:80", ME, WINDOW + 1);
        assertThat(late.resendCount()).isZero();
    }

    @Test
    void channelsAreOneClientPerSelectorAndAnUnregisteredChannelMatchesAnyChannel() throws InterruptedException {
        ResendDetector d = new ResendDetector(8, WINDOW);
        Thread selectorThread = new Thread(() -> {
            d.attemptFailed(unanswered("GET /x HTTP/1.1\r\n\r\n"), 1, "h:80", "selector@a", "eof", 0);
            d.attemptFailed(unanswered("GET /y HTTP/1.1\r\n\r\n"), 2, "h:80", "selector@a", "eof", 0);
        }, "HttpClient-3-SelectorManager");
        selectorThread.start();
        selectorThread.join();
        HttpExchange otherSelector = request("GET /x HTTP/1.1\r\n\r\n");
        d.requestStarted(otherSelector, 3, "h:80", "selector@b", 1);
        HttpExchange sameSelector = request("GET /x HTTP/1.1\r\n\r\n");
        d.requestStarted(sameSelector, 3, "h:80", "selector@a", 1);
        HttpExchange notYetRegistered = request("GET /y HTTP/1.1\r\n\r\n");
        d.requestStarted(notYetRegistered, 4, "h:80", ResendDetector.UNREGISTERED_CHANNEL, 1);
        assertThat(otherSelector.resendCount()).isZero();
        assertThat(sameSelector.resendCount()).isEqualTo(1);
        assertThat(notYetRegistered.resendCount()).isEqualTo(1);
        // The failure was seen on a java.net.http thread, whichever thread wrote the resend.
        assertThat(sameSelector.resentBy()).isEqualTo("java.net.http");

        d.attemptFailed(unanswered("GET /z HTTP/1.1\r\n\r\n"), 5, "h:80", ResendDetector.UNREGISTERED_CHANNEL, "eof", 0);
        HttpExchange registered = request("GET /z HTTP/1.1\r\n\r\n");
        d.requestStarted(registered, 6, "h:80", "selector@c", 1);
        assertThat(registered.resendCount()).isEqualTo(1);
    }

    @Test
    void javaNetHttpThreadsAreNamedByTheirClient() {
        assertThat(ResendDetector.clientOf(new Thread(() -> { }, "HttpClient-3-Worker-2"))).isEqualTo("java.net.http HttpClient-3");
        assertThat(ResendDetector.clientOf(new Thread(() -> { }, "HttpClient-31-Worker-2"))).isEqualTo("java.net.http HttpClient-31");
        assertThat(ResendDetector.clientOf(new Thread(() -> { }, "main"))).startsWith("thread ");
    }

    @Test
    void theLibrarysOwnResendCountsEvenWithoutASeenFailure() {
        ResendDetector d = new ResendDetector(8, WINDOW);
        HttpExchange e = request(POST);
        e.client = new ClientRequest(ClientRequest.HTTP_URL_CONNECTION, 7, false, "writeRequests");
        d.requestStarted(e, 2, "h:80", ME, 0);
        assertThat(e.resendCount()).isEqualTo(1);
        assertThat(e.resendOf()).isNull();
        assertThat(e.resentBy()).isEqualTo("HttpURLConnection");
    }

    @Test
    void memoryIsBoundedAndExpiredAttemptsMakeRoom() {
        ResendDetector d = new ResendDetector(2, WINDOW);
        d.attemptFailed(unanswered("GET /1 HTTP/1.1\r\n\r\n"), 1, "h:80", ME, "eof", 0);
        d.attemptFailed(unanswered("GET /2 HTTP/1.1\r\n\r\n"), 2, "h:80", ME, "eof", 0);
        d.attemptFailed(unanswered("GET /3 HTTP/1.1\r\n\r\n"), 3, "h:80", ME, "eof", 1);
        assertThat(d.forgotten()).isEqualTo(1);
        d.attemptFailed(unanswered("GET /4 HTTP/1.1\r\n\r\n"), 4, "h:80", ME, "eof", WINDOW + 1);
        assertThat(d.forgotten()).isEqualTo(1);
        HttpExchange four = request("GET /4 HTTP/1.1\r\n\r\n");
        d.requestStarted(four, 5, "h:80", ME, WINDOW + 2);
        assertThat(four.resendCount()).isEqualTo(1);
    }

    @Test
    void anAttemptIsRecordedOnceAndAnIncompleteResponseHeadIsNamed() {
        ResendDetector d = new ResendDetector(8, WINDOW);
        HttpConnection http = unanswered("GET /s HTTP/1.1\r\n\r\n");
        feed(http, false, "HTTP/1");
        d.attemptFailed(http, 1, "h:80", ME, "eof", 0);
        d.attemptFailed(http, 1, "h:80", ME, "closed", 0);
        HttpExchange again = request("GET /s HTTP/1.1\r\n\r\n");
        d.requestStarted(again, 2, "h:80", ME, 1);
        assertThat(again.resendOf().failure).isEqualTo("incomplete_response_head");
        HttpExchange third = request("GET /s HTTP/1.1\r\n\r\n");
        d.requestStarted(third, 3, "h:80", ME, 2);
        assertThat(third.resendCount()).isZero();
    }
}
