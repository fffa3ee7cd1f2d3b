package io.connscope.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnfollowedStacksTest {

    @Test
    void namesEachUnfollowedStackOnceWhateverItsRelocation() {
        int before = UnfollowedStacks.count();
        UnfollowedStacks.classLoaded("io/netty/channel/epoll/EpollSocketChannel"); // followed: not noted
        UnfollowedStacks.classLoaded("io/netty/channel/uring/IoUringSocketChannel"); // followed at its rings
        UnfollowedStacks.classLoaded("io/netty/channel/kqueue/KQueueSocketChannel"); // followed, like epoll
        UnfollowedStacks.classLoaded("org/apache/tomcat/util/net/AprEndpoint");
        UnfollowedStacks.classLoaded("org/apache/tomcat/util/net/AprEndpoint");
        UnfollowedStacks.classLoaded("shaded/org/apache/tomcat/util/net/AprEndpoint");
        UnfollowedStacks.classLoaded("org/apache/tomcat/util/net/NioEndpoint"); // followed through the JDK
        assertThat(UnfollowedStacks.count()).isEqualTo(before + 2);
        assertThat(UnfollowedStacks.notes())
            .contains("Tomcat's APR connector (tomcat-native) is in use (org.apache.tomcat.util.net.AprEndpoint): connections"
                + " over it are not followed and are missing from this report")
            .anyMatch(n -> n.contains("(shaded.org.apache.tomcat.util.net.AprEndpoint)"))
            .noneMatch(n -> n.contains("kqueue") || n.contains("uring") || n.contains("Nio"));
    }
}
