package io.connscope.agent.instrument;

import io.connscope.agent.runtime.AgentLog;
import io.connscope.bridge.Bridge;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Whether a class loader resolves connscope's bridge to the one in the bootstrap loader. Advice woven
 * into its classes calls the bridge; under a loader that does not delegate {@code io.connscope.bridge}
 * to the bootstrap loader (OSGi without boot delegation, JBoss Modules), every call would fail to
 * resolve it, and throw, on every read and write. Such a loader's classes are left alone, said once.
 */
final class BridgeVisibility {

    private final Map<ClassLoader, Boolean> known = Collections.synchronizedMap(new WeakHashMap<>());

    /** Asked for a class this loader defines: the bridge is already defined, so nothing new is loaded. */
    boolean sees(ClassLoader loader, String className) {
        Boolean seen = known.get(loader);
        if (seen != null) {
            return seen;
        }
        boolean ok;
        try {
            ok = Class.forName(Bridge.class.getName(), false, loader) == Bridge.class;
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            ok = false;
        }
        known.put(loader, ok);
        if (!ok) {
            AgentLog.once("bridge-invisible-" + System.identityHashCode(loader), "the class loader of " + className + " ("
                + loader.getClass().getName() + ") does not delegate io.connscope.bridge to the bootstrap loader: its"
                + " network classes are not instrumented and their connections are not followed (with OSGi, add"
                + " io.connscope.bridge to org.osgi.framework.bootdelegation)", null);
        }
        return ok;
    }
}
