package io.connscope.agent.export;

import io.connscope.agent.connection.NameResolution;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.List;

/**
 * A connection span's name-resolution attributes: set when the JDK's resolver ran for this connect
 * (on its thread, just before it), or when connects to other addresses of the name failed first.
 * A connection whose name the cache answered gets none: {@code server.address} already names it.
 */
final class NameAttributes {

    static final AttributeKey<String> QUESTION_NAME = NameLookupDurations.DNS_QUESTION_NAME;
    static final AttributeKey<Double> LOOKUP_MS = AttributeKey.doubleKey("connscope.dns.lookup_ms");
    static final AttributeKey<List<String>> ADDRESSES = AttributeKey.stringArrayKey("dns.answers");
    static final AttributeKey<Long> ADDRESS_INDEX = AttributeKey.longKey("connscope.dns.address_index");
    static final AttributeKey<Long> FAILED_ATTEMPTS = AttributeKey.longKey("connscope.connect.failed_attempts");
    static final AttributeKey<Double> FAILED_ATTEMPTS_MS = AttributeKey.doubleKey("connscope.connect.failed_attempts_ms");
    static final AttributeKey<String> FIRST_FAILED_ADDRESS =
        AttributeKey.stringKey("connscope.connect.first_failed_address");

    private NameAttributes() {
    }

    static void on(SpanBuilder b, NameResolution n) {
        if (n == null || n.lookupNanos < 0 && n.failedAttempts == 0) {
            return;
        }
        b.setAttribute(QUESTION_NAME, n.name);
        if (n.lookupNanos >= 0) {
            b.setAttribute(LOOKUP_MS, n.lookupNanos / 1e6);
        }
        if (!n.addresses.isEmpty()) {
            b.setAttribute(ADDRESSES, n.addresses);
        }
        if (n.addressIndex > 0) {
            b.setAttribute(ADDRESS_INDEX, (long) n.addressIndex);
        }
        if (n.failedAttempts > 0) {
            b.setAttribute(FAILED_ATTEMPTS, (long) n.failedAttempts)
                .setAttribute(FAILED_ATTEMPTS_MS, n.failedNanos / 1e6)
                .setAttribute(FIRST_FAILED_ADDRESS, n.failedAddress);
        }
    }
}
