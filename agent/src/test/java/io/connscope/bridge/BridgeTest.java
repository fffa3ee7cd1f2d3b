package io.connscope.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge's own contract, the first stage of the pipeline: hooks reach the installed sink, a hook
 * re-entered from inside connscope is not followed, connscope's own threads are ignored, and a hook
 * whose sink keeps failing is counted, reported twice and disabled, without the caller noticing.
 */
class BridgeTest {

    private final List<String> calls = new ArrayList<>();

    /** A sink that records each call by method name, and runs {@code also} inside it. */
    private ConnectionSink sink(Consumer<String> also) {
        return (ConnectionSink) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConnectionSink.class},
            (proxy, method, args) -> {
                String call = method.getName() + (method.getName().equals("hookFailed")
                    ? " " + Bridge.hookName((Integer) args[0]) + " disabled=" + args[2] : "");
                calls.add(call);
                also.accept(method.getName());
                return null;
            });
    }

    @AfterEach
    void uninstall() {
        Bridge.uninstall(Bridge.sink);
    }

    @Test
    void hooksReachTheInstalledSinkUntilItIsUninstalled() {
        ConnectionSink installed = sink(m -> { });
        Bridge.install(installed, new ThreadGroup("connscope-test"), 10);
        Bridge.closing(new Object());
        Bridge.uninstall(sink(m -> { })); // another sink: a late detach of an earlier attach changes nothing
        Bridge.shutdownOutput(new Object());
        Bridge.uninstall(installed);
        Bridge.closing(new Object());
        assertThat(calls).containsExactly("closing", "shutdownOutput");
    }

    @Test
    void aHookReEnteredFromInsideConnscopeIsNotFollowed() {
        Object key = new Object();
        Bridge.install(sink(m -> {
            if (m.equals("closing")) {
                Bridge.closing(key); // as a close of connscope's own inside the close hook would
            }
        }), new ThreadGroup("connscope-test"), 10);
        Bridge.closing(key);
        assertThat(calls).containsExactly("closing");
    }

    @Test
    void connscopesOwnThreadsAreNotFollowed() throws InterruptedException {
        ThreadGroup own = new ThreadGroup("connscope-test");
        Bridge.install(sink(m -> { }), own, 10);
        // A thread of connscope's group, and one started by it (a child group, as the SDK's threads are).
        Thread t = new Thread(own, () -> Bridge.socketConnected(new Object(), null, 1L, null));
        Thread grandchild = new Thread(new ThreadGroup(own, "sdk"), () -> Bridge.socketConnected(new Object(), null, 1L, null));
        for (Thread each : new Thread[] {t, grandchild}) {
            each.start();
            each.join();
        }
        assertThat(calls).isEmpty();
        // The same call from an application thread is followed.
        assertThat(Bridge.isAgentThread()).isFalse();
        Bridge.socketConnected(new Object(), null, 1L, null);
        assertThat(calls).containsExactly("socketConnected");
    }

    @Test
    void aFailingHookIsCountedReportedTwiceAndDisabledWhileTheCallerNeverNotices() {
        Bridge.install(sink(m -> {
            if (m.equals("channelAccepted")) {
                throw new IllegalStateException("a bug in connscope");
            }
        }), new ThreadGroup("connscope-test"), 3);
        for (int i = 0; i < 5; i++) {
            Bridge.channelAccepted(new Object(), new Object()); // never throws
        }
        assertThat(Bridge.failures(Bridge.HOOK_ACCEPT)).isEqualTo(3);
        assertThat(Bridge.isHookDisabled(Bridge.HOOK_ACCEPT)).isTrue();
        assertThat(calls).containsExactly("channelAccepted", "hookFailed accept disabled=false", "channelAccepted",
            "channelAccepted", "hookFailed accept disabled=true");
        Bridge.closing(new Object());
        assertThat(calls).as("the other hooks keep working").endsWith("closing");
    }
}
