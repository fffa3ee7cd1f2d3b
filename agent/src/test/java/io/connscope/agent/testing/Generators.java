package io.connscope.agent.testing;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/** Generators the property tests share, beside QuickTheories' own. */
public final class Generators {

    private Generators() {
    }

    /** Byte arrays of 0 to {@code maxSize} bytes, each byte any value (shrinking towards fewer, and zeros). */
    public static Gen<byte[]> bytes(int maxSize) {
        return in -> {
            byte[] b = new byte[(int) in.next(Constraint.between(0, maxSize))];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) in.next(Constraint.between(Byte.MIN_VALUE, Byte.MAX_VALUE).withShrinkPoint(0));
            }
            return b;
        };
    }

    /** How a stream is split into reads: {@code minReads} to {@code maxReads} sizes, each 1 to {@code maxRead}, used in turn. */
    public static Gen<List<Integer>> cuts(int minReads, int maxReads, int maxRead) {
        return lists().of(integers().between(1, maxRead)).ofSizeBetween(minReads, maxReads);
    }

    /** One of {@code values}. */
    @SafeVarargs
    public static <T> Gen<T> oneOf(T... values) {
        return arbitrary().pick(values);
    }

    /** A list of {@code min} to {@code max} values of {@code element}. */
    public static <T> Gen<List<T>> listOf(Gen<T> element, int min, int max) {
        return lists().of(element).ofSizeBetween(min, max);
    }
}
