package io.connscope.agent.instrument;

import io.connscope.bridge.NameBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for {@code InetAddress.getAddressesFromNameService}: the static method the JDK's address
 * cache calls on a miss, (String, InetAddress) on JDK 17 and (String) on JDK 21+ (both verified with
 * javap). Its time is the resolver's own: the system's (getaddrinfo), a hosts file, or an
 * {@code InetAddressResolver}; look-ups the cache answered do not come here.
 */
public final class NameLookupAdvice {

    private NameLookupAdvice() {
    }

    public static final class Lookup {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(0) String host, @Advice.Return Object[] addresses,
                         @Advice.Thrown Throwable failure, @Advice.Enter long startNanos) {
            NameBridge.nameLookedUp(host, addresses, failure, startNanos);
        }
    }
}
