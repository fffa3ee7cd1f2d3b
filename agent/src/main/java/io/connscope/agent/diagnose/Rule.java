package io.connscope.agent.diagnose;

/** A diagnostic rule: a stable id, settable as {@code connscope.rule.<id>.*}. */
public interface Rule {

    /** The stable rule id, as in {@code connscope.rule}. */
    String id();
}
