package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.wire.AnalysisMemory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeadBufferTest {

    private static final byte[] HEAD = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aHeadParsedWithinOneCallChargesNothingAndLeavesItsArrayToTheThreadsNextHead() {
        AnalysisMemory memory = new AnalysisMemory(1 << 20);
        HeadBuffer first = new HeadBuffer(memory.lease());
        assertThat(first.append(HEAD, 0, HEAD.length)).isTrue();
        byte[] used = first.array();
        first.drop();
        HeadBuffer next = new HeadBuffer(memory.lease());
        assertThat(next.append(HEAD, 0, HEAD.length)).isTrue();
        assertThat(next.array()).as("the thread's spare, not a new array").isSameAs(used);
        next.drop();
        assertThat(memory.used()).isZero();
        assertThat(memory.peak()).as("never charged").isZero();
    }

    @Test
    void aHeadKeptBetweenCallsIsChargedForItsRoomUntilItIsLetGo() {
        AnalysisMemory memory = new AnalysisMemory(1 << 20);
        HeadBuffer head = new HeadBuffer(memory.lease());
        head.append(HEAD, 0, 10);
        assertThat(head.hold()).isTrue();
        assertThat(memory.used()).isEqualTo(head.capacity());
        byte[] big = new byte[2000];
        head.append(big, 0, big.length);
        assertThat(head.hold()).isTrue();
        assertThat(memory.used()).as("the grown room, charged once").isEqualTo(head.capacity()).isEqualTo(2048);
        byte[] grown = head.array();
        head.drop();
        assertThat(memory.used()).isZero();
        HeadBuffer next = new HeadBuffer(memory.lease());
        next.append(HEAD, 0, HEAD.length);
        assertThat(next.array()).as("arrays over " + HeadBuffer.SPARE_MAX + " bytes are not kept").isNotSameAs(grown);
        assertThat(next.capacity()).isLessThanOrEqualTo(HeadBuffer.SPARE_MAX);
    }

    @Test
    void aRefusedHoldLeavesTheConnectionRefused() {
        AnalysisMemory memory = new AnalysisMemory(300);
        HeadBuffer head = new HeadBuffer(memory.lease());
        assertThat(head.append(HEAD, 0, 10)).as("admitted: the budget has room for a new head").isTrue();
        head.append(new byte[1100], 0, 1100);
        assertThat(head.hold()).as("2 KiB kept between calls do not fit").isFalse();
        head.drop();
        assertThat(head.append(HEAD, 0, 1)).as("a refused connection takes no more room").isFalse();
        assertThat(memory.used()).isZero();
        assertThat(memory.refusedConnections()).isEqualTo(1);
    }

    @Test
    void aSpentBudgetAdmitsNoNewHead() {
        AnalysisMemory memory = new AnalysisMemory(300);
        AnalysisMemory.Lease holding = memory.lease();
        assertThat(holding.reserve(200)).isTrue(); // what other connections keep between calls
        HeadBuffer next = new HeadBuffer(memory.lease());
        assertThat(next.append(HEAD, 0, HEAD.length)).as("256 more would not fit").isFalse();
        assertThat(memory.refusedConnections()).isEqualTo(1);
        holding.release(200);
        assertThat(new HeadBuffer(memory.lease()).append(HEAD, 0, HEAD.length)).as("room again").isTrue();
    }
}
