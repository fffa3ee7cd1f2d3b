package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Flow-control windows and waits, and PING round trips, on recorded times: when a sender was
 * waiting for a WINDOW_UPDATE, for how long, and when it was not.
 */
class Http2FlowControlTest {

    private final Http2FlowControl flow = new Http2FlowControl();

    private static long ms(double millis) {
        return Math.round(millis * 1_000_000);
    }

    private static HttpExchange stream(int id) {
        HttpExchange e = new HttpExchange(1);
        e.http2StreamId = id;
        return e;
    }

    @Test
    void aSenderThatUsedItsStreamWindowUpWaitsUntilTheUpdateAndResumesPromptly() {
        flow.initialWindow(false, 16_384); // the server grants each stream 16 KiB
        HttpExchange s = stream(1);
        flow.data(true, s, 16_384, false, ms(10));
        flow.windowUpdate(false, false, s, 16_384, ms(210)); // the server read it 200 ms later
        flow.data(true, s, 8_000, true, ms(211));
        Http2FlowControl.Sender client = flow.client();
        assertThat(client.waits()).isEqualTo(1);
        assertThat(client.streamWaits()).isEqualTo(1);
        assertThat(client.waitedNanos()).isEqualTo(ms(200));
        assertThat(client.longestWaitNanos()).isEqualTo(ms(200));
        assertThat(client.dataBytes()).isEqualTo(24_384);
        assertThat(client.streamWindow()).isEqualTo(16_384);
        assertThat(flow.server().waits()).isZero();
    }

    @Test
    void theConnectionWindowCountsEveryStreamAndGrowsOnlyByStreamZeroUpdates() {
        flow.initialWindow(true, 1 << 20); // the client grants each stream 1 MiB: only the connection's 65,535 bind
        HttpExchange a = stream(1);
        HttpExchange b = stream(3);
        flow.data(false, a, 40_000, false, ms(1));
        flow.data(false, b, 25_535, false, ms(2)); // 65,535 in all: the connection's window is spent
        flow.windowUpdate(true, false, a, 40_000, ms(3)); // a stream's update does not reopen the connection
        flow.data(false, a, 0, false, ms(4));
        assertThat(flow.server().waits()).isZero();
        flow.windowUpdate(true, true, null, 65_535, ms(52));
        flow.data(false, b, 10_000, true, ms(53));
        assertThat(flow.server().waits()).isEqualTo(1);
        assertThat(flow.server().streamWaits()).isZero();
        assertThat(flow.server().waitedNanos()).isEqualTo(ms(50));
    }

    @Test
    void aSenderThatEndedItsStreamOrResumedLongAfterTheUpdateWasNotWaiting() {
        flow.initialWindow(false, 16_384);
        HttpExchange ended = stream(1);
        flow.data(true, ended, 16_384, true, ms(1)); // the body filled the window exactly and ended there
        HttpExchange idle = stream(3);
        flow.data(true, idle, 16_384, false, ms(2));
        flow.windowUpdate(false, false, idle, 16_384, ms(100));
        flow.data(true, idle, 100, true, ms(100 + 51)); // more data only 51 ms after the window opened: not waiting
        assertThat(flow.client().waits()).isZero();
        // A window update that does not bring the window above zero reopens nothing.
        HttpExchange short1 = stream(5);
        flow.data(true, short1, 16_384, false, ms(200));
        flow.data(true, short1, 0, false, ms(201));
        flow.windowUpdate(false, false, short1, 0, ms(300));
        flow.data(true, short1, 0, false, ms(301));
        assertThat(flow.client().waits()).isZero();
    }

    @Test
    void aSettingsChangeMovesTheWindowsOfStreamsAlreadyOpen() {
        flow.initialWindow(false, 16_384);
        HttpExchange s = stream(1);
        flow.data(true, s, 16_384, false, ms(1)); // the stream's 16 KiB, used up
        flow.initialWindow(false, 32_768); // the server doubles it: the open stream has 16 KiB again (RFC 9113 §6.9.2)
        flow.data(true, s, 16_384, false, ms(2)); // sent at once on that grant: no WINDOW_UPDATE, no wait
        flow.windowUpdate(false, false, s, 16_384, ms(102)); // used up again, then opened 100 ms later
        flow.data(true, s, 100, true, ms(103));
        // The wait runs from the second exhaustion (2 ms), not the first (1 ms): the first was answered by SETTINGS.
        assertThat(flow.client().waits()).isEqualTo(1);
        assertThat(flow.client().waitedNanos()).isEqualTo(ms(100));
    }

    @Test
    void dataIntoAWindowTheModelThoughtUsedUpDropsTheStaleExhaustion() {
        // An h2c upgrade's settings, or frames analysed out of their order: the model missed a grant.
        HttpExchange s = stream(1);
        flow.data(true, s, 65_535, false, ms(0)); // the default window, used up as far as the model knows
        flow.data(true, s, 10_000, false, ms(500)); // yet the client sent more: a grant was missed
        flow.windowUpdate(false, false, s, 100_000, ms(600));
        flow.windowUpdate(false, true, null, 100_000, ms(600));
        flow.data(true, s, 100, true, ms(601));
        // The stale mark at 0 ms was dropped at 500 ms and stamped anew then: 100 ms, not 600 ms.
        assertThat(flow.client().waits()).isEqualTo(1);
        assertThat(flow.client().longestWaitNanos()).isEqualTo(ms(100));
    }

    @Test
    void dataBeforeTheUpdateReadOnTheOtherThreadIsNotAResumption() {
        flow.initialWindow(false, 16_384);
        HttpExchange s = stream(1);
        flow.data(true, s, 16_384, false, ms(10));
        flow.windowUpdate(false, false, s, 16_384, ms(200));
        flow.data(true, s, 0, false, ms(150)); // stamped before the update: it cannot have been resumed by it
        assertThat(flow.client().waits()).isZero();
    }

    @Test
    void pingRoundTripsAreMatchedByTheirOpaqueData() {
        flow.ping(true, false, 42L, ms(100));
        flow.ping(false, true, 7L, ms(105)); // an acknowledgement of another PING: not this one's
        flow.ping(false, true, 42L, ms(140));
        flow.ping(true, false, 43L, ms(200));
        flow.ping(false, true, 43L, ms(230));
        flow.ping(false, true, 43L, ms(260)); // a second acknowledgement counts once
        assertThat(flow.client().roundTrips()).isEqualTo(2);
        assertThat(flow.client().rttMinNanos()).isEqualTo(ms(30));
        assertThat(flow.client().rttMaxNanos()).isEqualTo(ms(40));
        assertThat(flow.server().roundTrips()).isZero();
    }
}
