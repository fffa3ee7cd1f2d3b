package io.connscope.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnfollowedStacksTest {

    @Test
    void namesEachUnfollowedTransportOnceWhateverItsRelocation() {
        int before = UnfollowedStacks.count();
        UnfollowedStacks.classLoaded("io/netty/channel/epoll/EpollSocketChannel"); // followed: not noted
        UnfollowedStacks.classLoaded("io/netty/channel/uring/IoUringSocketChannel");
        UnfollowedStacks.classLoaded("io/netty/channel/uring/IoUringSocketChannel");
        UnfollowedStacks.classLoaded("shaded/io/netty/incubator/channel/uring/IOUringSocketChannel");
        UnfollowedStacks.classLoaded("io/netty/channel/kqueue/KQueueSocketChannel"); // followed, like epoll
        assertThat(UnfollowedStacks.count()).isEqualTo(before + 2);
        assertThat(UnfollowedStacks.notes())
            .contains("Netty's io_uring transport is in use (io.netty.channel.uring.IoUringSocketChannel): connections over"
                + " it are not followed and are missing from this report")
            .anyMatch(n -> n.startsWith("Netty's incubator io_uring transport is in use"
                + " (shaded.io.netty.incubator.channel.uring.IOUringSocketChannel)"))
            .noneMatch(n -> n.contains("kqueue"));
    }
}
