package io.connscope.demo;

/** A scenario whose name and description are given when it is built, for the families of small scenarios. */
abstract class NamedScenario implements Scenario {

    private final String name;
    private final String description;

    NamedScenario(String name, String description) {
        this.name = name;
        this.description = description;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }
}
