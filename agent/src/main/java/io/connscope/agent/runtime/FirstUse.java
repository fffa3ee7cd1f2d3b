package io.connscope.agent.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/**
 * A field made by its first user rather than with its owner: state most owners never need (the TLS
 * facts of a plain connection, the violations of a well-formed one), which every idle connection
 * would otherwise hold for its whole life. Two threads may ask at once; one object is kept, and both
 * get it.
 */
public final class FirstUse {

    private FirstUse() {
    }

    /** The handle of {@code owner}'s field {@code name} of {@code type}, which {@code lookup} can see. */
    public static VarHandle field(MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The field's value in {@code owner}, made by {@code make} and set when it is still null. */
    @SuppressWarnings("unchecked")
    public static <T> T get(VarHandle field, Object owner, Supplier<T> make) {
        T value = (T) field.getVolatile(owner);
        if (value == null) {
            T made = make.get();
            value = field.compareAndSet(owner, null, made) ? made : (T) field.getVolatile(owner);
        }
        return value;
    }
}
