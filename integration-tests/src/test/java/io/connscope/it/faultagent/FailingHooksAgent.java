package io.connscope.it.faultagent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A test-only second agent that makes named connscope hooks throw, as a bug in connscope would, so
 * tests can prove the application never notices and the hook disables itself. Loaded after
 * connscope's own -javaagent (see {@code ChildJvm.failingHooks}), it wraps the sink connscope
 * installed in its bridge. It lives here, not in the agent, so that nothing of it ships.
 */
public final class FailingHooksAgent {

    /** Each ConnectionSink method, by the name of the bridge hook it belongs to. */
    private static final Map<String, String> HOOK_OF_METHOD = Map.ofEntries(
        Map.entry("socketConnected", "connect"), Map.entry("channelConnectStarted", "connect"),
        Map.entry("channelConnectFinishing", "connect"), Map.entry("channelConnectFinished", "connect"),
        Map.entry("socketAccepted", "accept"), Map.entry("channelAccepted", "accept"),
        Map.entry("read", "read"), Map.entry("readNative", "read"),
        Map.entry("write", "write"), Map.entry("writeGathered", "write"), Map.entry("writeNative", "write"),
        Map.entry("noDelay", "option"), Map.entry("linger", "option"),
        Map.entry("shutdownInput", "shutdown"), Map.entry("shutdownOutput", "shutdown"),
        Map.entry("closing", "close"),
        Map.entry("tlsHandshake", "tls-handshake"),
        Map.entry("plaintext", "tls-plaintext"),
        Map.entry("tlsEngine", "tls-engine"),
        Map.entry("urlConnectionWriting", "http-url-connection"), Map.entry("urlConnectionRequest", "http-url-connection"),
        Map.entry("keepAliveCacheHit", "http-url-connection"),
        Map.entry("uringSocket", "io-uring"), Map.entry("uringSubmitted", "io-uring"),
        Map.entry("uringCompleted", "io-uring"),
        Map.entry("nameLookedUp", "name-lookup"), Map.entry("poolWaited", "pool-lease"));

    private FailingHooksAgent() {
    }

    /** @param args the hooks to fail, ';'-separated, as the bridge names them */
    public static void premain(String args, Instrumentation inst) throws ReflectiveOperationException {
        Class<?> bridge = Class.forName("io.connscope.bridge.Bridge", false, null);
        Class<?> sinkType = Class.forName("io.connscope.bridge.ConnectionSink", false, null);
        Set<String> failing = new HashSet<>(Arrays.asList(args.split(";")));
        Set<String> known = new HashSet<>(HOOK_OF_METHOD.values());
        for (Method m : sinkType.getMethods()) {
            if (!m.getName().equals("hookFailed") && !HOOK_OF_METHOD.containsKey(m.getName())) {
                throw new IllegalStateException("ConnectionSink." + m.getName() + " has no hook name here: add it");
            }
        }
        Method hookName = bridge.getMethod("hookName", int.class);
        int hooks = bridge.getField("HOOK_COUNT").getInt(null);
        Set<String> bridgeNames = new HashSet<>();
        for (int i = 0; i < hooks; i++) {
            bridgeNames.add((String) hookName.invoke(null, i));
        }
        if (!known.equals(bridgeNames) || !bridgeNames.containsAll(failing)) {
            throw new IllegalArgumentException("hooks " + failing + ": the bridge has " + bridgeNames + ", this agent "
                + known);
        }
        Field sinkField = bridge.getDeclaredField("sink");
        sinkField.setAccessible(true);
        Object installed = sinkField.get(null);
        if (installed == null) {
            throw new IllegalStateException("connscope's bridge has no sink: load this agent after connscope's");
        }
        sinkField.set(null, Proxy.newProxyInstance(FailingHooksAgent.class.getClassLoader(), new Class<?>[] {sinkType},
            new Failing(installed, failing)));
    }

    private static final class Failing implements InvocationHandler {
        private final Object delegate;
        private final Set<String> failing;

        Failing(Object delegate, Set<String> failing) {
            this.delegate = delegate;
            this.failing = failing;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String hook = HOOK_OF_METHOD.get(method.getName());
            if (hook != null && failing.contains(hook)) {
                throw new IllegalStateException("test failing hooks: injected failure in hook '" + hook + "'");
            }
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
